from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    incentive_statement_id = fields.Many2one(
        "incentive.statement",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The statement this commission accrual or payment line is for.",
    )

    def _get_incentive_copy_vals(self):
        """What a reversal of this accrual line copies: Odoo's reversal turns
        the amounts round."""
        self.ensure_one()
        return {
            "name": self.name,
            "account_id": self.account_id.id,
            "partner_id": self.partner_id.id,
            "currency_id": self.currency_id.id,
            "balance": self.balance,
            "amount_currency": self.amount_currency,
            "analytic_distribution": self.analytic_distribution,
            "incentive_statement_id": self.incentive_statement_id.id,
        }
