from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    performance_inflation_tolerance = fields.Float(
        related="company_id.performance_inflation_tolerance", readonly=False
    )
    performance_pace_margin = fields.Float(
        related="company_id.performance_pace_margin", readonly=False
    )
