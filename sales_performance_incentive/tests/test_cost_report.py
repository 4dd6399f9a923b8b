from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.sales_performance.tests.analysis_common import AnalysisDefaultsMixin

from .common import IncentiveCommon

MEASURES = [
    "revenue:sum",
    "commission_earned:sum",
    "commission_approved:sum",
    "commission_paid:sum",
    "rate_earned:avg",
    "rate_paid:avg",
]


@tagged("post_install", "-at_install")
class TestCostReport(AnalysisDefaultsMixin, IncentiveCommon):
    """Cost of sales: commission earned, approved and paid beside the revenue
    credited to the salespeople paid, and the effective rate, worked by hand.

    January: Rep 1 invoices 10,000, Rep 3 20,000; February: Rep 1 4,000.
    Plan A pays 5 % to Rep 1 and Rep 3, plan B 1 % to Rep 3. Rep 1's
    January statement is paid, Rep 3's plan A statement approved, the rest
    drafts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._invoices(
            [
                (cls.rep_1, 10_000, date(2025, 1, 10)),
                (cls.rep_3, 20_000, date(2025, 1, 12)),
                (cls.rep_1, 4_000, date(2025, 2, 5)),
            ]
        )
        cls.plan_a = cls._plan(
            [{"kind": "percentage", "rate": 5}], users=cls.rep_1 | cls.rep_3
        )
        cls.plan_b = cls._plan(
            [{"kind": "percentage", "rate": 1}], users=cls.rep_3, name="Plan B"
        )
        jan_a = cls.plan_a.generate_statements(cls.jan)
        cls.plan_b.generate_statements(cls.jan)
        cls.plan_a.generate_statements(cls.feb)
        st_1 = jan_a.filtered(lambda st: st.user_id == cls.rep_1)
        st_3 = jan_a.filtered(lambda st: st.user_id == cls.rep_3)
        (st_1 | st_3).action_submit()
        st_1.with_user(cls.leader_a).action_approve()
        st_3.with_user(cls.leader_b).action_approve()
        st_1.action_validate()
        st_1.action_pay()

    def _read(self, groupby, user=None, domain=None):
        Report = self.env["incentive.cost.report"].with_user(user or self.hr_officer)
        groups = Report.read_group(domain or [], MEASURES, groupby, lazy=False)
        return {
            (group[groupby[0]][1] if groupby and group[groupby[0]] else None): group
            for group in groups
        }

    def assertFigures(self, group, revenue, earned, approved, paid):
        self.assertEqual(
            (
                group["revenue"],
                group["commission_earned"],
                group["commission_approved"],
                group["commission_paid"],
            ),
            (revenue, earned, approved, paid),
        )
        self.assertAlmostEqual(group["rate_earned"], 100 * earned / revenue)
        self.assertAlmostEqual(group["rate_paid"], 100 * paid / revenue)

    def test_by_salesperson(self):
        """Rep 3's revenue counts once although two plans pay on it."""
        jan = [("period_id", "=", self.jan.id)]
        groups = self._read(["user_id"], domain=jan)
        self.assertFigures(groups[self.rep_1.name], 10_000, 500, 500, 500)
        self.assertFigures(groups[self.rep_3.name], 20_000, 1_200, 1_000, 0)

    def test_by_plan_and_rule(self):
        """Each plan's rate is its commission over its salespeople's revenue."""
        jan = [("period_id", "=", self.jan.id)]
        groups = self._read(["plan_id"], domain=jan)
        self.assertFigures(groups[self.plan_a.name], 30_000, 1_500, 1_500, 500)
        self.assertFigures(groups[self.plan_b.name], 20_000, 200, 0, 0)
        [rule_b] = self._read(
            ["rule_id"], domain=jan + [("rule_id", "=", self.plan_b.rule_ids.id)]
        ).values()
        self.assertFigures(rule_b, 20_000, 200, 0, 0)

    def test_by_period_and_total(self):
        """Months add up; the total counts each salesperson and month once."""
        groups = self._read(["period_id"])
        self.assertFigures(groups[self.jan.name], 30_000, 1_700, 1_500, 500)
        self.assertFigures(groups[self.feb.name], 4_000, 200, 0, 0)
        [total] = self._read([]).values()
        self.assertFigures(total, 34_000, 1_900, 1_500, 500)

    def test_by_team(self):
        """Teams: Rep 1's team A, Rep 3's team B."""
        groups = self._read(["team_id"], domain=[("period_id", "=", self.jan.id)])
        self.assertFigures(groups[self.team_a.name], 10_000, 500, 500, 500)
        self.assertFigures(groups[self.team_b.name], 20_000, 1_200, 1_000, 0)

    def test_rep_reads_own_only(self):
        """A rep reads the cost of their own statements only."""
        [total] = self._read([], user=self.rep_1).values()
        self.assertFigures(total, 14_000, 700, 500, 500)
        rows = self.env["incentive.cost.report"].with_user(self.rep_3).search([])
        self.assertEqual(rows.user_id, self.rep_3)
        other = self.env["incentive.cost.report"].search(
            [("user_id", "=", self.rep_3.id)], limit=1
        )
        with self.assertRaises(AccessError):
            other.with_user(self.rep_1).read(["commission_earned"])

    def test_leader_reads_team(self):
        """A leader reads their team, not another team."""
        rows = self.env["incentive.cost.report"].with_user(self.leader_a).search([])
        self.assertEqual(rows.user_id, self.rep_1)

    def test_default_is_true(self):
        """The analysis opens on months of this year, rates as ratios."""
        for view_type in ("pivot", "graph"):
            self.assertDefaultTrue(
                "sales_performance_incentive.action_incentive_cost_report",
                view_type,
                same=("period_id.period_type",),
                min_groups=0,
            )

    def test_statement_and_credit_defaults(self):
        """Statements and credits open on one period type, money only."""
        for xmlid in (
            "sales_performance_incentive.action_incentive_statement",
            "sales_performance_incentive.action_incentive_statement_to_approve",
        ):
            for view_type in ("pivot", "graph"):
                self.assertDefaultTrue(
                    xmlid, view_type, same=("period_id.period_type",), min_groups=0
                )
        for view_type in ("pivot", "graph"):
            self.assertDefaultTrue(
                "sales_performance_incentive.action_incentive_credit",
                view_type,
                same=("basis",),
                min_groups=0,
            )

    def test_close_dialog_and_summary(self):
        """The close of January counts the statement still a draft and the
        plans it generates; its summary gives statements, frozen and payout."""
        self.jan.company_id.currency_id.write({"position": "after", "symbol": "€"})
        action = self.jan.action_open_close_wizard()
        wizard = self.env["performance.period.close"].browse(action["res_id"])
        lines = {line.code: line.count for line in wizard.line_ids}
        self.assertEqual(lines["statements"], 1, "plan B's draft")
        self.assertNotIn("disputes", lines)
        self.assertEqual(lines["generate_statements"], 2)
        self.assertEqual(self.jan.statement_count, 3)
        self.assertEqual(self.jan.statement_pending_count, 1)
        self.assertEqual(self.jan.payout_total, 1_700)
        self.jan.action_close()
        body = self.jan.message_ids[0].body
        self.assertIn(
            "Statements: 3, of which 0 generated by the close and 2 frozen", body
        )
        self.assertIn(
            "Total payout: 1,700.00&nbsp;€, of which 1,500.00&nbsp;€ frozen", body
        )
