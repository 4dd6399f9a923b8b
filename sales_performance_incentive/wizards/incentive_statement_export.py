from odoo import fields, models


class IncentiveStatementExport(models.TransientModel):
    _name = "incentive.statement.export"
    _description = "Export Statements to XLSX"

    statement_ids = fields.Many2many("incentive.statement", string="Statements")
