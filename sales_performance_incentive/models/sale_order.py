from odoo import Command, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    incentive_split_ids = fields.One2many(
        "incentive.split",
        "order_id",
        string="Credit Splits",
        copy=True,
        help="Share the credit of this order between salespeople; the shares "
        "add up to 100 % and are carried to the invoices.",
    )

    def _prepare_invoice(self):
        vals = super()._prepare_invoice()
        if self.incentive_split_ids:
            vals["incentive_split_ids"] = [
                Command.create(split_vals)
                for split_vals in self.incentive_split_ids._prepare_copy_vals()
            ]
        return vals
