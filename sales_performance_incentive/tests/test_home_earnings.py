from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import IncentiveCommon


@tagged("post_install", "-at_install")
class TestHomeEarnings(IncentiveCommon):
    """My Performance's earnings reconcile with the statements and the
    estimator; every figure worked out by hand below."""

    @freeze_time("2025-02-14")
    def test_earnings_reconcile(self):
        plan = self._plan([{"kind": "percentage", "rate": 10}])
        # January: 10,000 x 10 % = 1,000, approved, validated and paid.
        self._invoices([(self.rep_1, 10_000, date(2025, 1, 10))])
        jan = self._statement(plan, self.rep_1, self.jan)
        jan.action_submit()
        jan.with_user(self.leader_a).action_approve()
        jan.action_validate()
        jan.action_pay()
        # February so far: 4,000, and an adjustment of 45 (as an accepted
        # dispute books it).
        self._invoices([(self.rep_1, 4_000, date(2025, 2, 5))])
        feb = self._statement(plan, self.rep_1, self.feb)
        self.env["incentive.statement.line"].sudo().create(
            {
                "statement_id": feb.id,
                "kind": "adjustment",
                "name": "Trade fair",
                "amount": 45.0,
            }
        )
        # A deal posted after the statement was computed.
        self._invoices([(self.rep_1, 1_000, date(2025, 2, 12))])

        # The rep opens My Performance: their draft statement is brought up
        # to date first.
        Users = self.env["res.users"].with_user(self.rep_1)
        Users.action_open_my_performance()
        rep = Users.browse(self.rep_1.id)
        # 5,000 x 10 % + 45 = 545.
        self.assertEqual(feb.amount_total, 545.0)
        self.assertEqual(rep.incentive_earned, 545.0)
        # The estimator starts from the same figure.
        estimator = (
            self.env["incentive.estimator"]
            .with_user(self.rep_1)
            .create({"plan_id": plan.id, "amount": 0.0})
        )
        self.assertEqual(estimator.current_payout, rep.incentive_earned)
        # 14 of 28 days elapsed: 5,000 becomes 10,000 x 10 % = 1,000, + 45.
        self.assertEqual(rep.incentive_expected, 1_045.0)
        self.assertEqual(rep.incentive_paid_year, 1_000.0)
        self.assertEqual(rep.incentive_approved_unpaid, 0.0)
        self.assertEqual(
            rep.incentive_history,
            [
                {"period": self.jan.display_name, "amount": 1_000.0},
                {"period": self.feb.display_name, "amount": 545.0},
            ],
        )

    @freeze_time("2025-02-14")
    def test_approved_not_paid(self):
        """Approved and validated statements wait for payroll; a draft does
        not count there."""
        plan = self._plan([{"kind": "percentage", "rate": 10}])
        self._invoices([(self.rep_1, 3_000, date(2025, 1, 10))])
        jan = self._statement(plan, self.rep_1, self.jan)
        jan.action_submit()
        jan.with_user(self.leader_a).action_approve()
        rep = self.env["res.users"].with_user(self.rep_1).browse(self.rep_1.id)
        self.assertEqual(rep.incentive_approved_unpaid, 300.0)
        self.assertEqual(rep.incentive_paid_year, 0.0)

    def test_only_stale_statements_recomputed(self):
        """Opening My Performance recomputes a draft statement only when a
        document of the rep changed since its computation."""
        plan = self._plan([{"kind": "percentage", "rate": 10}])
        self._invoices([(self.rep_1, 2_000, date(2025, 1, 10))])
        statement = self._statement(plan, self.rep_1, self.jan)
        self.assertEqual(statement.amount_total, 200.0)
        Users = self.env["res.users"].with_user(self.rep_1)
        self.assertFalse(Users._get_stale_incentive_statements(statement))
        # A test runs in one transaction, where every row is written "now":
        # move the computation and what it read an hour back, as if the
        # invoice below came in a later transaction.
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE incentive_statement
               SET computed_date = computed_date - INTERVAL '1 hour'
             WHERE id = %(id)s;
            UPDATE account_move SET write_date = write_date - INTERVAL '2 hours'
             WHERE invoice_user_id = %(user)s;
            UPDATE performance_target SET write_date = write_date - INTERVAL '2 hours'
             WHERE user_id = %(user)s;
            """,
            {"id": statement.id, "user": self.rep_1.id},
        )
        statement.invalidate_recordset()
        self.assertFalse(Users._get_stale_incentive_statements(statement))
        self._invoices([(self.rep_1, 1_000, date(2025, 1, 21))])
        self.env.flush_all()
        self.assertEqual(Users._get_stale_incentive_statements(statement), statement)
        with freeze_time("2025-01-21"):
            Users.action_open_my_performance()
        self.assertEqual(statement.amount_total, 300.0)
