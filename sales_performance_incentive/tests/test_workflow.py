from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import IncentiveCommon


@tagged("post_install", "-at_install")
class TestWorkflow(IncentiveCommon):
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
        statements = cls.plan.generate_statements(cls.jan)
        cls.st_1 = statements.filtered(lambda st: st.user_id == cls.rep_1)
        cls.st_3 = statements.filtered(lambda st: st.user_id == cls.rep_3)

    def _activities(self, record, xmlid):
        activity_type = self.env.ref(f"sales_performance_incentive.{xmlid}")
        return record.activity_ids.filtered(
            lambda activity: activity.activity_type_id == activity_type
        )

    def test_approval_chain_with_activities(self):
        """Submit schedules the leader's activity; approving closes it and
        schedules the validator's; validation and payment close the chain."""
        self.st_1.action_submit()
        self.assertEqual(self.st_1.state, "to_approve")
        approve = self._activities(self.st_1, "mail_activity_statement_approve")
        self.assertEqual(approve.user_id, self.leader_a)
        self.st_1.with_user(self.leader_a).action_approve()
        self.assertEqual(self.st_1.state, "approved")
        self.assertEqual(self.st_1.approved_by_id, self.leader_a)
        self.assertFalse(approve.exists())
        validate = self._activities(self.st_1, "mail_activity_statement_validate")
        self.assertEqual(validate.user_id, self.st_1._get_validator())
        self.st_1.action_validate()
        self.st_1.action_pay()
        self.assertEqual(self.st_1.state, "paid")
        self.assertFalse(self.st_1.activity_ids)
        self.assertEqual(self.st_1.amount_total, 500.0)

    def test_refuse_needs_reason(self):
        """Refusing asks for a reason and sends the statement back to draft."""
        self.st_1.action_submit()
        action = self.st_1.with_user(self.leader_a).action_refuse()
        self.assertEqual(action["res_model"], "incentive.reason")
        wizard = (
            self.env["incentive.reason"]
            .with_user(self.leader_a)
            .with_context(**action["context"])
            .create({"reason": "Wrong customer"})
        )
        wizard.action_confirm()
        self.assertEqual(self.st_1.state, "draft")
        self.assertEqual(self.st_1.refuse_reason, "Wrong customer")
        self.assertIn("Wrong customer", "".join(self.st_1.message_ids.mapped("body")))

    def test_nobody_approves_own_statement(self):
        """A leader cannot approve their own statement, nor another team's."""
        self.st_1.action_submit()
        with self.assertRaises(AccessError):
            self.st_1.with_user(self.rep_1).action_approve()
        with self.assertRaises(AccessError):
            self.st_1.with_user(self.leader_b).action_approve()
        self.assertEqual(self.st_1.state, "to_approve")

    def test_frozen_statement(self):
        """Approved statements keep their lines: no recompute, no edit."""
        self.st_1.action_submit()
        self.st_1.with_user(self.leader_a).action_approve()
        self._invoices([(self.rep_1, 10_000, date(2025, 1, 20))])
        self.st_1.action_compute()
        self.assertEqual(self.st_1.amount_total, 500.0)
        with self.assertRaises(UserError):
            self.st_1.line_ids.sudo().write({"amount": 1.0})
        with self.assertRaises(AccessError):
            self.st_1.with_user(self.leader_a).write({"state": "draft"})
        self.assertEqual(self.st_1.line_ids.amount, 500.0)

    def test_dispute_accepted_creates_adjustment(self):
        """A rep disputes a line; the leader accepts with an amount that lands
        in the next draft statement."""
        self.st_1.action_submit()
        self.st_1.with_user(self.leader_a).action_approve()
        dispute = (
            self.env["incentive.dispute"]
            .with_user(self.rep_1)
            .create(
                {
                    "line_id": self.st_1.line_ids.id,
                    "reason": "Invoice INV/7 is mine",
                    "amount_claimed": 50,
                }
            )
        )
        activity = self._activities(dispute.sudo(), "mail_activity_dispute")
        self.assertEqual(activity.user_id, self.leader_a)
        dispute.with_user(self.leader_a).action_accept("Agreed", 50)
        self.assertEqual(dispute.state, "accepted")
        adjustment = dispute.adjustment_line_id
        self.assertEqual(adjustment.amount, 50.0)
        self.assertEqual(adjustment.statement_id.period_id, self.feb)
        self.assertEqual(self.st_1.amount_total, 500.0)
        # The adjustment survives a recompute of the draft statement.
        adjustment.statement_id.action_compute()
        self.assertEqual(adjustment.statement_id.amount_total, 50.0)
        self.assertFalse(activity.exists())

    def test_dispute_rejected_and_refused_cases(self):
        """Disputes on someone else's statement and self-resolution are
        refused; a rejection records its reason."""
        (self.st_1 | self.st_3).action_submit()
        with self.assertRaises(AccessError):
            self.env["incentive.dispute"].with_user(self.rep_1).create(
                {"line_id": self.st_3.line_ids.id, "reason": "Mine too"}
            )
        dispute = (
            self.env["incentive.dispute"]
            .with_user(self.rep_1)
            .create({"line_id": self.st_1.line_ids.id, "reason": "Too low"})
        )
        with self.assertRaises(AccessError):
            dispute.with_user(self.rep_1).action_reject("No")
        dispute.with_user(self.leader_a).action_reject("The rate is 5 %")
        self.assertEqual(dispute.state, "rejected")
        self.assertEqual(dispute.resolution, "The rate is 5 %")

    def test_plan_acceptance(self):
        """Publishing notifies participants; accepting is recorded and tracked."""
        assignment = self.plan.assignment_ids.filtered(
            lambda a: a.user_id == self.rep_1
        )
        activity = self._activities(self.plan, "mail_activity_plan_accept").filtered(
            lambda a: a.user_id == self.rep_1
        )
        self.assertTrue(activity)
        self.assertEqual(assignment.state, "pending")
        with self.assertRaises(AccessError):
            assignment.with_user(self.rep_3).action_accept()
        assignment.with_user(self.rep_1).action_accept()
        self.assertEqual(assignment.state, "accepted")
        self.assertEqual(assignment.accepted_by_id, self.rep_1)
        self.assertFalse(activity.exists())

    def test_new_version(self):
        """A new version is a draft copy; publishing it closes the previous one."""
        action = self.plan.action_new_version()
        new = self.Plan.browse(action["res_id"])
        self.assertEqual(
            (new.state, new.version, new.previous_id), ("draft", 2, self.plan)
        )
        new.write({"date_start": date(2025, 7, 1)})
        new.rule_ids.rate = 6
        new.action_publish()
        self.assertEqual(self.plan.state, "closed")
        self.assertEqual(self.plan.date_end, date(2025, 6, 30))

    def test_estimator(self):
        """The estimator adds a hypothetical deal through the same engine and
        saves no statement."""
        count = self.Statement.search_count([])
        estimator = (
            self.env["incentive.estimator"]
            .with_user(self.rep_1)
            .create({"date": date(2025, 1, 25), "amount": 4_000})
        )
        self.assertEqual(estimator.plan_id, self.plan)
        self.assertEqual(estimator.current_payout, 500.0)
        self.assertEqual(estimator.estimated_payout, 700.0)
        self.assertEqual(estimator.difference, 200.0)
        self.assertEqual(self.Statement.search_count([]), count)
        with self.assertRaises(AccessError):
            self.env["incentive.estimator"].with_user(self.rep_1).create(
                {"user_id": self.rep_3.id, "date": date(2025, 1, 25), "amount": 1}
            )

    def test_dispute_on_draft_survives_refresh(self):
        """A dispute on a statement sent back to draft stays with it when its
        lines are recomputed, and keeps the line as it was disputed."""
        self.st_1.action_submit()
        dispute = (
            self.env["incentive.dispute"]
            .with_user(self.rep_1)
            .create({"line_id": self.st_1.line_ids.id, "reason": "Missing invoice"})
        )
        self.st_1.with_user(self.leader_a).action_refuse("See the dispute")
        self.st_1.action_compute()
        self.assertTrue(dispute.exists())
        self.assertEqual(dispute.statement_id, self.st_1)
        self.assertEqual(dispute.line_amount, 500.0)
        self.assertIn("500", dispute.line_name)
        dispute.with_user(self.leader_a).action_accept("Agreed", 25)
        self.assertEqual(dispute.adjustment_line_id.statement_id, self.st_1)
        self.st_1.action_compute()
        self.assertEqual(self.st_1.amount_total, 525.0)

    def test_late_participant_is_asked_to_accept(self):
        """Someone added to a published plan gets the request to accept it."""
        self.plan.write({"assignment_ids": [(0, 0, {"user_id": self.rep_2.id})]})
        activity_type = self.env.ref(
            "sales_performance_incentive.mail_activity_plan_accept"
        )
        self.assertIn(
            self.rep_2,
            self.plan.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            ).user_id,
        )
