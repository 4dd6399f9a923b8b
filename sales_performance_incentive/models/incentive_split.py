from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class IncentiveSplit(models.Model):
    """Share of the credit of an order or an invoice given to a salesperson.

    Without splits a document credits its salesperson in full; with splits
    each listed salesperson is credited their percentage, and the
    percentages add up to 100. Splits of an order are carried to its
    invoices, and those of an invoice to its credit notes."""

    _name = "incentive.split"
    _description = "Credit Split"
    _order = "sequence, id"

    order_id = fields.Many2one("sale.order", index=True, ondelete="cascade")
    move_id = fields.Many2one("account.move", index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True)
    percentage = fields.Float(string="Share (%)", required=True, digits=(16, 2))

    _sql_constraints = [
        (
            "one_document",
            "CHECK((order_id IS NULL) != (move_id IS NULL))",
            "A credit split belongs to one order or one invoice.",
        ),
        (
            "order_user_unique",
            "UNIQUE(order_id, user_id)",
            "A salesperson appears once in the splits of an order.",
        ),
        (
            "move_user_unique",
            "UNIQUE(move_id, user_id)",
            "A salesperson appears once in the splits of an invoice.",
        ),
    ]

    @api.constrains("percentage", "order_id", "move_id")
    def _check_percentage(self):
        for split in self:
            if split.percentage <= 0 or split.percentage > 100:
                raise ValidationError(
                    _("A credit split is a share above 0 and up to 100 %.")
                )
        for document in list(self.order_id) + list(self.move_id):
            total = sum(document.incentive_split_ids.mapped("percentage"))
            if document.incentive_split_ids and float_compare(
                total, 100.0, precision_digits=2
            ):
                raise ValidationError(
                    _(
                        "The credit splits of %(document)s add up to %(total)s %%, "
                        "not 100 %%.",
                        document=document.display_name,
                        total=round(total, 2),
                    )
                )

    def _prepare_copy_vals(self):
        return [
            {
                "sequence": split.sequence,
                "user_id": split.user_id.id,
                "percentage": split.percentage,
            }
            for split in self
        ]
