"""The end of the demo install, as installed (``performance.demo._demo_finish``):
closed months, fresh totals and a flag for every team leader. These tests read
the demo data of the database they run in and are skipped, with the reason,
only when the addon was installed without demo data."""

from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

DEMO = "sales_performance."
LEADERS = [
    "demo_user_leader_direct",
    "demo_user_leader_key_accounts",
    "demo_user_leader_channel",
]


@tagged("post_install", "-at_install")
class TestDemoFinish(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.with_demo = (
            cls.env["ir.module.module"]
            .search([("name", "=", "sales_performance")])
            .demo
        )
        cls.company = cls.env.ref("base.main_company")
        cls.today = fields.Date.context_today(cls.env["res.users"])
        cls.last_month_start = (cls.today.replace(day=1) - timedelta(days=1)).replace(
            day=1
        )

    def setUp(self):
        super().setUp()
        if not self.with_demo:
            self.skipTest("sales_performance is installed without demo data")

    def _months(self, domain):
        return self.env["performance.period"].search(
            [("company_id", "=", self.company.id), ("period_type", "=", "month")]
            + domain
        )

    def test_past_months_closed(self):
        """Months before last are closed through the close, with its summary;
        last month (still in review) and the current month are open."""
        year = self.env["performance.period"].search(
            [
                ("company_id", "=", self.company.id),
                ("period_type", "=", "year"),
                ("date_start", "<=", self.today),
                ("date_end", ">=", self.today),
            ]
        )
        past = self._months(
            [("id", "child_of", year.id), ("date_end", "<", self.last_month_start)]
        )
        for month in past:
            self.assertEqual(month.state, "closed", month.name)
            self.assertTrue(month.closed_by_id, month.name)
            self.assertTrue(
                month.message_ids.filtered(
                    lambda m: "Period closed by" in (m.body or "")
                ),
                f"{month.name} has the summary of its close",
            )
        for month in self._months([("date_end", ">=", self.last_month_start)]):
            self.assertEqual(month.state, "open", month.name)
        if "incentive.statement" in self.env:
            statements = self.env["incentive.statement"].search(
                [("period_id", "in", past.ids)]
            )
            self.assertEqual(
                set(statements.mapped("state")) - {"approved", "validated", "paid"},
                set(),
                "the closed months' statements are approved, validated or paid",
            )

    def test_totals_fresh(self):
        """The open targets hold what a refresh computes: teams agree with
        their reps on the first screen."""
        targets = self.env["performance.target"].search(
            [("company_id", "=", self.company.id), ("period_id.state", "=", "open")]
        )
        self.assertTrue(targets)
        before = {target: target.actual for target in targets}
        targets.action_compute()
        for target in targets:
            self.assertAlmostEqual(
                target.actual, before[target], 2, target.display_name
            )

    def test_flag_per_leader(self):
        """Each team leader has an open anomaly flag raised from the demo's
        documents."""
        for xmlid in LEADERS:
            leader = self.env.ref(DEMO + xmlid)
            flags = self.env["performance.anomaly"].search(
                [("team_id.user_id", "=", leader.id), ("state", "=", "open")]
            )
            self.assertTrue(flags, f"{leader.name} has a flag to review")
            self.assertTrue(
                flags.move_ids or flags.order_ids or flags.partner_ids,
                "a flag links the documents it was raised from",
            )
