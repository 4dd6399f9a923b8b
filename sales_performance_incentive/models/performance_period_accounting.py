from collections import defaultdict

from odoo import fields, models

from .incentive_accounting import ACCRUAL_GROUPS


class PerformancePeriod(models.Model):
    """What the books owe for a period: accrued, paid, still owed."""

    _inherit = "performance.period"

    payout_accrued = fields.Monetary(
        string="Accrued in the Books",
        compute="_compute_payout_accrued",
        groups=ACCRUAL_GROUPS,
        help="Commission expense of the period's validated and paid "
        "statements posted in the books (reversals deducted).",
    )
    payout_paid = fields.Monetary(
        string="Paid",
        compute="_compute_payout_accrued",
        groups=ACCRUAL_GROUPS,
        help="Accrued amount of the period's paid statements.",
    )
    payout_owed = fields.Monetary(
        string="Still Owed",
        compute="_compute_payout_accrued",
        groups=ACCRUAL_GROUPS,
        help="Accrued and not paid yet.",
    )

    def _compute_payout_accrued(self):
        totals = defaultdict(float)
        # sudo: totals for the groups above, who need no accounting rights.
        for period, state, amount in (
            self.env["incentive.statement"]
            .sudo()
            ._read_group(
                [("period_id", "in", self.ids), ("accrual_move_id", "!=", False)],
                ["period_id", "state"],
                ["accrued_amount:sum"],
            )
        ):
            totals[period.id, "accrued"] += amount
            if state == "paid":
                totals[period.id, "paid"] += amount
        for period in self:
            accrued = totals[period.id, "accrued"]
            paid = totals[period.id, "paid"]
            period.payout_accrued = accrued
            period.payout_paid = paid
            period.payout_owed = period.currency_id.round(accrued - paid)
