from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import IncentiveCommon


@tagged("post_install", "-at_install")
class TestStatementQueue(IncentiveCommon):
    """Statements, disputes and plan acceptance in people's activity
    queues: counted, never lost, traced, given only to people who can act."""

    @classmethod
    def default_env_context(cls):
        return {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._invoices([(cls.rep_1, 10_000, date(2025, 1, 10))])
        cls.plan = cls._plan([{"kind": "percentage", "rate": 5}], users=cls.rep_1)
        cls.statement = cls.plan.generate_statements(cls.jan)

    def _activity(self, record, xmlid):
        activity_type = self.env.ref(f"sales_performance_incentive.{xmlid}")
        activities = record.sudo().activity_ids.filtered(
            lambda activity: activity.activity_type_id == activity_type
        )
        self.assertEqual(len(activities), 1)
        return activities.with_env(self.env)

    def _user_without_access(self, login):
        """An internal user of the company without any level of the suite."""
        return new_test_user(
            self.env,
            login=login,
            groups="base.group_user",
            company_id=self.env.company.id,
            company_ids=[Command.set(self.env.company.ids)],
        )

    def _leader_without_access(self):
        leader = self._user_without_access("leader_no_access")
        self.team_a.user_id = leader
        # As an administrator would, after the role granted the leader level.
        leader.groups_id = [Command.set(self.env.ref("base.group_user").ids)]
        return leader

    def _notes(self, record):
        return record.message_ids.filtered(
            lambda message: message.subtype_id == self.env.ref("mail.mt_note")
        ).mapped("body")

    def _dispute(self):
        # Lines are disputed once their statement is submitted.
        if self.statement.state == "draft":
            self.statement.action_submit()
        return (
            self.env["incentive.dispute"]
            .with_user(self.rep_1)
            .create({"line_id": self.statement.line_ids[:1].id, "reason": "Too low"})
        )

    @freeze_time("2025-02-03")
    def test_submitted_statement_is_due_today_and_counted(self):
        """A submitted statement is due today in its approver's queue and
        counted by the activity counter; the step's deadline is on it."""
        self.statement.action_submit()
        activity = self._activity(self.statement, "mail_activity_statement_approve")
        self.assertEqual(activity.user_id, self.leader_a)
        self.assertEqual(activity.date_deadline, date(2025, 2, 3))
        self.assertEqual(
            self.statement.waiting_deadline,
            activity.activity_type_id._get_date_deadline(),
        )
        self.assertGreaterEqual(
            self.statement.waiting_deadline, date(2025, 2, 3) + timedelta(days=1)
        )
        groups = self.env["res.users"].with_user(self.leader_a)._get_activity_groups()
        counted = {group["model"]: group["total_count"] for group in groups}
        self.assertEqual(counted.get("incentive.statement"), 1)

    def test_mark_done_cannot_lose_a_statement_step(self):
        """While a statement waits on its approver, then on its validator,
        "Mark Done" and cancelling are refused; the steps close them."""
        self.statement.action_submit()
        approve = self._activity(self.statement, "mail_activity_statement_approve")
        for close in ("action_done", "action_feedback", "unlink"):
            with self.assertRaisesRegex(UserError, "Approve or Refuse"):
                getattr(approve.with_user(self.leader_a), close)()
        self.statement.with_user(self.leader_a).action_approve()
        self.assertFalse(approve.exists())
        validate = self._activity(self.statement, "mail_activity_statement_validate")
        with self.assertRaisesRegex(UserError, "Validate or Refuse"):
            validate.with_user(validate.user_id).action_done_schedule_next()
        self.statement.with_user(validate.user_id).action_validate()
        self.assertFalse(validate.exists())

    def test_mark_done_cannot_lose_a_dispute(self):
        """An open dispute's activity is closed by resolving it only."""
        dispute = self._dispute()
        activity = self._activity(dispute, "mail_activity_dispute")
        with self.assertRaisesRegex(UserError, "Resolve"):
            activity.with_user(self.leader_a).action_done()
        dispute.with_user(self.leader_a).action_reject("The rate is 5 %")
        self.assertFalse(activity.exists())

    def test_mark_done_cannot_lose_a_plan_acceptance(self):
        """A participant's acceptance activity is closed by accepting only."""
        activity = self._activity(self.plan, "mail_activity_plan_accept")
        with self.assertRaisesRegex(UserError, "has not accepted"):
            activity.with_user(self.rep_1).action_done()
        self.plan.assignment_ids.with_user(self.rep_1).action_accept()
        self.assertFalse(activity.exists())

    def test_each_step_leaves_a_trace(self):
        """Submitting, approving, refusing, validating and paying each post
        who took the step in the statement's chatter."""
        self.statement.action_submit()
        self.assertIn(
            f"Submitted for approval by {self.env.user.name}.",
            self._notes(self.statement)[0],
        )
        self.statement.with_user(self.leader_a).action_refuse(reason="Wrong rate")
        self.assertIn("Refused by Leader A.", self._notes(self.statement)[0])
        self.assertIn("Wrong rate", self._notes(self.statement)[0])
        self.statement.action_submit()
        self.statement.with_user(self.leader_a).action_approve()
        self.assertIn("Approved by Leader A.", self._notes(self.statement)[0])
        self.statement.action_validate()
        self.assertIn("Validated by", self._notes(self.statement)[0])
        self.statement.action_pay()
        self.assertIn("Marked as paid by", self._notes(self.statement)[0])

    def test_approver_without_access_hands_over_to_incentive_admins(self):
        """A team leader without the suite's access never gets the
        approval: an incentive administrator does, and may approve."""
        self._leader_without_access()
        self.statement.action_submit()
        approver = self._activity(
            self.statement, "mail_activity_statement_approve"
        ).user_id
        self.assertTrue(
            approver.has_group("sales_performance_incentive.group_incentive_admin")
        )
        self.statement.with_user(approver).action_approve()
        self.assertEqual(self.statement.state, "approved")

    def test_validator_without_group_hands_over_to_the_group(self):
        """A company validator outside the validator group is passed over
        for a member of the group."""
        self.env.company.incentive_validator_id = self.leader_b
        self.statement.action_submit()
        self.statement.with_user(self.leader_a).action_approve()
        validator = self._activity(
            self.statement, "mail_activity_statement_validate"
        ).user_id
        self.assertNotEqual(validator, self.leader_b)
        self.statement.with_user(validator).action_validate()
        self.assertEqual(self.statement.state, "validated")

    def test_dispute_approver_without_access_hands_over(self):
        """A dispute whose approver lacks access goes to an incentive
        administrator."""
        self._leader_without_access()
        dispute = self._dispute()
        resolver = self._activity(dispute, "mail_activity_dispute").user_id
        self.assertTrue(
            resolver.has_group("sales_performance_incentive.group_incentive_admin")
        )
        dispute.with_user(resolver).action_reject("The rate is 5 %")

    def test_publishing_to_a_participant_without_access_is_refused(self):
        """Only the participant accepts their plan: publishing to one without
        the suite's user level is refused, naming them and the group, and
        the plan stays a draft."""
        outsider = self._user_without_access("rep_outsider")
        plan = self._plan(
            [{"kind": "percentage", "rate": 5}],
            users=outsider,
            publish=False,
            name="Outsider Plan",
        )
        with self.assertRaises(UserError) as error:
            plan.action_publish()
        self.assertIn("rep_outsider", str(error.exception))
        self.assertIn("Sales Performance / User", str(error.exception))
        self.assertEqual(plan.state, "draft")
