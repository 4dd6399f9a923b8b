from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import IncentiveCommon


@tagged("post_install", "-at_install")
class TestSecurity(IncentiveCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._invoices(
            [
                (cls.rep_1, 10_000, date(2025, 1, 10)),
                (cls.rep_3, 20_000, date(2025, 1, 12)),
            ]
        )
        cls.plan = cls._plan(
            [{"kind": "percentage", "rate": 5}], users=cls.rep_1 | cls.rep_3
        )
        cls.other_plan = cls._plan(
            [{"kind": "percentage", "rate": 1}], users=cls.rep_3, name="Team B plan"
        )
        statements = cls.plan.generate_statements(cls.jan)
        cls.st_1 = statements.filtered(lambda st: st.user_id == cls.rep_1)
        cls.st_3 = statements.filtered(lambda st: st.user_id == cls.rep_3)

    def test_rep_reads_own_only(self):
        """A rep reads their own statements, lines, credits and plans only."""
        env = self.env(user=self.rep_1)
        self.assertEqual(env["incentive.statement"].search([]), self.st_1)
        self.assertEqual(env["incentive.statement.line"].search([]), self.st_1.line_ids)
        self.assertEqual(env["incentive.plan"].search([]), self.plan)
        credits = env["incentive.credit"].search([])
        self.assertEqual(credits.user_id, self.rep_1)
        groups = env["incentive.credit"]._read_group([], ["user_id"], ["amount:sum"])
        self.assertEqual(groups, [(self.rep_1.with_env(env), 10_000.0)])
        with self.assertRaises(AccessError):
            self.st_3.with_user(self.rep_1).read(["amount_total"])
        with self.assertRaises(AccessError):
            self.other_plan.with_user(self.rep_1).read(["name"])

    def test_leader_reads_team(self):
        """A leader reads their team's statements, not another team's."""
        env = self.env(user=self.leader_a)
        self.assertEqual(env["incentive.statement"].search([]), self.st_1)
        with self.assertRaises(AccessError):
            self.st_3.with_user(self.leader_a).read(["amount_total"])

    def test_hr_reads_all(self):
        """HR reads every statement but configures nothing."""
        env = self.env(user=self.hr_officer)
        self.assertEqual(env["incentive.statement"].search([]), self.st_1 | self.st_3)
        with self.assertRaises(AccessError):
            env["incentive.plan"].create(
                {
                    "name": "HR plan",
                    "date_start": date(2025, 1, 1),
                    "date_end": date(2025, 12, 31),
                }
            )

    def test_only_incentive_admins_configure(self):
        """Reps and leaders cannot create or change plans or statements."""
        for user in (self.rep_1, self.leader_a):
            with self.assertRaises(AccessError):
                self.env["incentive.plan"].with_user(user).create(
                    {
                        "name": "Mine",
                        "date_start": date(2025, 1, 1),
                        "date_end": date(2025, 12, 31),
                    }
                )
            with self.assertRaises(AccessError):
                self.plan.with_user(user).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.st_1.with_user(self.leader_a).write({"amount_total": 1})
        with self.assertRaises(AccessError):
            self.st_1.line_ids.with_user(self.leader_a).write({"amount": 1})
        with self.assertRaises(AccessError):
            self.st_1.with_user(self.rep_1).action_submit()
        self.assertEqual(self.st_1.amount_total, 500.0)

    def test_rep_refreshes_own_statement(self):
        """A rep may refresh their own draft statement (read access suffices)."""
        self._invoices([(self.rep_1, 2_000, date(2025, 1, 20))])
        self.st_1.with_user(self.rep_1).action_compute()
        self.assertEqual(self.st_1.amount_total, 600.0)
        with self.assertRaises(AccessError):
            self.st_3.with_user(self.rep_1).action_compute()

    def test_rep_home(self):
        """My Performance shows the rep their own pay only."""
        user = self.rep_1.with_user(self.rep_1)
        with self.subTest("statements of today"):
            self.assertFalse(user.incentive_statement_ids)  # 2025 is not today
        pending = user.incentive_to_accept_ids
        self.assertEqual(pending.user_id, self.rep_1)
