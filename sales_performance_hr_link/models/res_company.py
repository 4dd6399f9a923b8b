from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    performance_prorate_without_employee = fields.Boolean(
        string="Count Salespeople Without Employee in Full",
        help="Targets of salespeople who have no employee are not prorated "
        "(factor 1) instead of being flagged.",
    )
