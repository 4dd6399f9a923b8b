from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    performance_prorate_without_employee = fields.Boolean(
        related="company_id.performance_prorate_without_employee", readonly=False
    )
    performance_promotion_periods = fields.Integer(
        related="company_id.performance_promotion_periods", readonly=False
    )
