from collections import defaultdict

from odoo import _, fields, models

from .incentive_accounting import ACCRUAL_GROUPS
from .incentive_statement import FROZEN_STATES

STATEMENT_PENDING_STATES = ("draft", "to_approve")


class PerformancePeriod(models.Model):
    _inherit = "performance.period"

    currency_id = fields.Many2one(related="company_id.currency_id")
    statement_count = fields.Integer(compute="_compute_statement_counts")
    statement_pending_count = fields.Integer(
        string="Statements to Approve", compute="_compute_statement_counts"
    )
    dispute_count = fields.Integer(
        string="Open Disputes", compute="_compute_statement_counts"
    )
    payout_total = fields.Monetary(
        string="Payout",
        compute="_compute_statement_counts",
        help="Total of the statements of the period, in every state.",
    )

    def _compute_statement_counts(self):
        counts = defaultdict(int)
        totals = defaultdict(float)
        for period, state, count, total in self.env["incentive.statement"]._read_group(
            [("period_id", "in", self.ids)],
            ["period_id", "state"],
            ["__count", "amount_total:sum"],
        ):
            counts[period, state] = count
            totals[period] += total
        disputes = defaultdict(int)
        for statement, count in self.env["incentive.dispute"]._read_group(
            [("statement_id.period_id", "in", self.ids), ("state", "=", "open")],
            ["statement_id"],
            ["__count"],
        ):
            disputes[statement.period_id] += count
        for period in self:
            period.statement_count = sum(
                count for (key, _state), count in counts.items() if key == period
            )
            period.statement_pending_count = sum(
                counts[period, state] for state in STATEMENT_PENDING_STATES
            )
            period.dispute_count = disputes[period]
            period.payout_total = totals[period]

    # ------------------------------------------------------------
    # Close cockpit
    # ------------------------------------------------------------

    def _get_cockpit_views(self):
        views = super()._get_cockpit_views()
        statement = "sales_performance_incentive.action_incentive_statement"
        period = [("period_id", "=", self.id)]
        views.update(
            statements=(statement, period, {"group_by": ["state"]}),
            pending_statements=(
                statement,
                period + [("state", "in", STATEMENT_PENDING_STATES)],
                {"group_by": ["state"]},
            ),
            disputes=(
                "sales_performance_incentive.action_incentive_dispute",
                [("statement_id.period_id", "=", self.id), ("state", "=", "open")],
                None,
            ),
        )
        return views

    def action_view_statements(self):
        return self._open_cockpit("statements")

    def action_view_pending_statements(self):
        return self._open_cockpit("pending_statements")

    def action_view_disputes(self):
        return self._open_cockpit("disputes")

    def _get_close_pending(self):
        items = super()._get_close_pending()
        items += self._count_items(
            [
                {
                    "code": "statements",
                    "name": _("Statements not approved yet"),
                    "model": "incentive.statement",
                    "domain": [
                        ("period_id", "=", self.id),
                        ("state", "in", STATEMENT_PENDING_STATES),
                    ],
                },
                {
                    "code": "disputes",
                    "name": _("Open disputes"),
                    "model": "incentive.dispute",
                    "domain": [
                        ("statement_id.period_id", "=", self.id),
                        ("state", "=", "open"),
                    ],
                },
            ]
        )
        return items

    def _get_close_plan(self):
        items = super()._get_close_plan()
        if self.period_type == "month":
            items += self._count_items(
                [
                    {
                        "code": "generate_statements",
                        "name": _(
                            "Generate the statements of the published plans "
                            "(draft ones are recomputed, approved ones keep "
                            "their figures)"
                        ),
                        "model": "incentive.plan",
                        "domain": self._get_closing_plans_domain(),
                    }
                ]
            )
        return items

    def _get_close_figures(self):
        figures = super()._get_close_figures()
        statements = self.env["incentive.statement"].search(
            [("period_id", "=", self.id)]
        )
        frozen = statements.filtered(lambda st: st.state in FROZEN_STATES)
        figures.update(
            statements=len(statements),
            statements_frozen=len(frozen),
            payout=sum(statements.mapped("amount_total")),
            payout_frozen=sum(frozen.mapped("amount_total")),
        )
        return figures

    def _get_close_summary_lines(self, before, after):
        lines = super()._get_close_summary_lines(before, after)
        currency = self.currency_id
        lines += [
            _(
                "Statements: %(count)s, of which %(new)s generated by the close "
                "and %(frozen)s frozen (approved, validated or paid)",
                count=after["statements"],
                new=after["statements"] - before["statements"],
                frozen=after["statements_frozen"],
            ),
            _(
                "Total payout: %(total)s, of which %(frozen)s frozen",
                total=currency.format(after["payout"]),
                frozen=currency.format(after["payout_frozen"]),
            ),
        ]
        return lines

    def _get_closing_plans_domain(self):
        """Plans whose statements the close of this month generates."""
        self.ensure_one()
        return [
            ("company_id", "=", self.company_id.id),
            ("state", "=", "published"),
            ("date_start", "<=", self.date_end),
            ("date_end", ">=", self.date_start),
        ]

    def _run_close(self, templates=None):
        """After targets and scorecards, the statements of every published
        plan of the period's company running during a monthly period (plans
        make monthly statements), in the same context: the KPIs the plans
        measure attainment with are not read again."""
        if "performance_kpi_values" not in self.env.context:
            self = self.with_context(performance_kpi_values={})
        result = super()._run_close(templates=templates)
        # sudo: closing is the performance administrator's, who need not
        # manage incentives; the statements are derived as the daily job
        # derives them.
        for period in self:
            plans = period._get_close_plans()
            if plans:
                plans.generate_statements(period)
        return result

    def _get_close_plans(self):
        """The plans whose statements the close of this period generates
        (sudo, see ``_run_close``): none outside monthly periods."""
        self.ensure_one()
        Plan = self.env["incentive.plan"].sudo()
        if self.period_type != "month":
            return Plan
        return Plan.search(self._get_closing_plans_domain())

    # ------------------------------------------------------------
    # Background close
    # ------------------------------------------------------------

    def _get_close_scope(self):
        scope = super()._get_close_scope()
        plans = self._get_close_plans()
        # Team participations become one per member now, so that the chunks
        # know every participant.
        plans.assignment_ids._expand_teams()
        scope["plans"] = plans.ids
        return scope

    def _get_close_users(self, scope):
        users = super()._get_close_users(scope)
        plans = self.env["incentive.plan"].sudo().browse(scope.get("plans", []))
        return users | plans.assignment_ids.user_id.with_env(self.env)

    def _run_close_chunk(self, scope, users):
        """After the chunk's targets and scorecards, its statements of the
        plans of ``scope``, in the same context."""
        if "performance_kpi_values" not in self.env.context:
            self = self.with_context(performance_kpi_values={})
        result = super()._run_close_chunk(scope, users)
        plans = self.env["incentive.plan"].sudo().browse(scope.get("plans", []))
        if users and plans.exists():
            plans.exists().generate_statements(self, users=users.sudo())
        return result

    # ------------------------------------------------------------
    # What the books owe for the period: accrued, paid, still owed
    # ------------------------------------------------------------

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
