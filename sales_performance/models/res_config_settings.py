from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    performance_inflation_tolerance = fields.Float(
        related="company_id.performance_inflation_tolerance", readonly=False
    )
    performance_pace_margin = fields.Float(
        related="company_id.performance_pace_margin", readonly=False
    )
    performance_hr_user_id = fields.Many2one(
        related="company_id.performance_hr_user_id", readonly=False
    )
