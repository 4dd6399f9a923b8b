from datetime import date

from odoo.tests import tagged

from .common import IncentiveCommon


@tagged("post_install", "-at_install")
class TestPeriodCloseStatements(IncentiveCommon):
    """The period's close makes the statements of the plans running in it,
    as the plan's own generation does."""

    def _worked_plan(self, **vals):
        return self._plan(
            [
                {
                    "kind": "percentage",
                    "sequence": 1,
                    "base": "revenue",
                    "rate": 5.0,
                },
                {
                    "kind": "tiered",
                    "sequence": 2,
                    "kpi_id": self.kpi_revenue.id,
                    "tier_basis": "attainment",
                    "tier_mode": "marginal",
                    "tiers": [(0, 100, 0), (100, None, 2)],
                },
            ],
            users=self.rep_1 | self.rep_2,
            **vals,
        )

    def test_close_makes_the_statements_of_running_plans(self):
        """Rep 1: 1,200 invoiced on a 1,000 target: 5 % = 60, plus 2 % of the
        200 above target = 4; rep 2: 300 invoiced, no target: 15 and no tier
        payout. A draft plan and a plan of another year make nothing."""
        self._target(1000.0, owner=self.rep_1, period=self.jan)
        self._invoices(
            [
                (self.rep_1, 700.0, date(2025, 1, 10)),
                (self.rep_1, 500.0, date(2025, 1, 20)),
                (self.rep_2, 300.0, date(2025, 1, 15)),
            ]
        )
        plan = self._worked_plan()
        draft = self._worked_plan(name="Draft Plan", publish=False)
        # Closing is the performance administrator's, who need not manage
        # incentives: the statements are made as the daily job makes them.
        self.assertFalse(
            self.perf_admin.has_group(
                "sales_performance_incentive.group_incentive_admin"
            )
        )
        self.jan.with_user(self.perf_admin).action_close()
        self.assertEqual(self.jan.state, "closed")
        statements = self.Statement.search([("period_id", "=", self.jan.id)])
        self.assertEqual(statements.plan_id, plan)
        self.assertFalse(draft.statement_ids)
        by_user = {st.user_id: st for st in statements}
        self.assertEqual(self._amounts(by_user[self.rep_1]), [60.0, 4.0])
        self.assertEqual(self._amounts(by_user[self.rep_2])[0], 15.0)
        self.assertEqual(by_user[self.rep_2].amount_total, 15.0)
        # The same as the plan's own generation, line by line.
        alone = plan.generate_statements(self.jan)
        self.assertEqual(alone, statements)
        self.assertEqual(self._amounts(by_user[self.rep_1]), [60.0, 4.0])

    def test_quarter_close_makes_no_monthly_statement(self):
        """Plans make monthly statements: closing a quarter leaves them."""
        plan = self._worked_plan()
        self.q1._run_close()
        self.assertFalse(plan.statement_ids)
