from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    incentive_validator_group_id = fields.Many2one(
        related="company_id.incentive_validator_group_id", readonly=False
    )
    incentive_validator_id = fields.Many2one(
        related="company_id.incentive_validator_id", readonly=False
    )
