from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    performance_digest_date = fields.Date(
        string="Last Performance Digest",
        readonly=True,
        copy=False,
        help="Day the weekly performance digest was last sent to this user.",
    )
