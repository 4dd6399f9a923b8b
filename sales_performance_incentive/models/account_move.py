from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # copy=True: a credit note made by reversing an invoice claws back from
    # the same salespeople in the same shares.
    incentive_split_ids = fields.One2many(
        "incentive.split",
        "move_id",
        string="Credit Splits",
        copy=True,
        help="Share the credit of this invoice between salespeople; the shares "
        "add up to 100 %.",
    )
