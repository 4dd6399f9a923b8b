from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import JAN_15
from .test_scorecard import ScorecardCommon


@tagged("post_install", "-at_install")
class TestScorecardQueue(ScorecardCommon):
    """The review steps in people's activity queues: counted, never lost,
    traced in the chatter, given only to people who can act."""

    @classmethod
    def default_env_context(cls):
        return {}

    def _activity(self, card):
        self.assertEqual(len(card.activity_ids), 1)
        return card.activity_ids

    def _user_without_access(self, login):
        """An internal user of the company without any level of the suite
        (set after any role that grants one, as an administrator would)."""
        user = new_test_user(
            self.env,
            login=login,
            groups="base.group_user",
            company_id=self.env.company.id,
            company_ids=[Command.set(self.env.company.ids)],
        )
        return user

    def _take_access(self, user):
        user.groups_id = [Command.set(self.env.ref("base.group_user").ids)]

    def _notes(self, card):
        return card.message_ids.filtered(
            lambda message: message.subtype_id == self.env.ref("mail.mt_note")
        ).mapped("body")

    @freeze_time("2025-02-03")
    def test_waiting_work_is_due_today_and_counted(self):
        """A submitted scorecard is due today in the reviewer's queue, counted
        by the activity counter; its stage deadline is on the record."""
        card = self._rep_card()
        card.with_user(self.rep_1).action_submit()
        activity = self._activity(card)
        self.assertEqual(activity.user_id, self.leader_a)
        self.assertEqual(activity.date_deadline, date(2025, 2, 3))
        stage = self.env.ref("sales_performance.review_stage_manager_review")
        self.assertEqual(card.waiting_deadline, date(2025, 2, 3 + stage.deadline_days))
        groups = self.env["res.users"].with_user(self.leader_a)._get_activity_groups()
        counted = {group["model"]: group["total_count"] for group in groups}
        self.assertEqual(counted.get("performance.scorecard"), 1)
        card.with_user(self.leader_a).action_approve()
        card.with_user(self.hr_officer).action_approve()
        self.assertFalse(card.waiting_deadline, "approved: it waits on nobody")

    @freeze_time("2025-02-03")
    def test_update_gives_waiting_records_their_deadline(self):
        """A scorecard waiting since before the Due By date existed takes the
        date of its open activity, as an update of the suite runs init(); one
        waiting on nobody is left alone, and a second update changes
        nothing."""
        cards = self.template.generate_scorecards(self.jan)
        card = cards.filtered(lambda c: c.user_id == self.rep_1)
        idle = cards.filtered(lambda c: c.user_id == self.rep_2)
        card.with_user(self.rep_1).action_submit()
        self.assertTrue(card.waiting_deadline)
        self.env.flush_all()

        def activity_due(day):
            self.env.cr.execute(
                "UPDATE mail_activity SET date_deadline = %s"
                " WHERE res_model = 'performance.scorecard' AND res_id = %s",
                [day, card.id],
            )

        # Rep 2's scorecard has no open activity: it waits on nobody.
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM mail_activity"
            " WHERE res_model = 'performance.scorecard' AND res_id = %s",
            [idle.id],
        )
        self.env.cr.execute(
            "UPDATE performance_scorecard SET waiting_deadline = NULL WHERE id IN %s",
            [(card | idle)._ids],
        )
        activity_due("2025-02-10")
        self.env.invalidate_all()
        self.env["performance.scorecard"].init()
        self.assertEqual(card.waiting_deadline, date(2025, 2, 10))
        self.assertFalse(idle.waiting_deadline)
        activity_due("2025-02-20")
        self.env["performance.scorecard"].init()
        self.env.invalidate_all()
        self.assertEqual(card.waiting_deadline, date(2025, 2, 10))

    @freeze_time("2025-02-03")
    def test_mark_done_cannot_lose_a_step(self):
        """While a scorecard waits on a person, "Mark Done" or cancelling
        its activity is refused at every step; the step itself closes it."""
        card = self._rep_card()
        steps = [
            (self.rep_1, "action_submit"),
            (self.leader_a, "action_approve"),
            (self.hr_officer, "action_approve"),
        ]
        for user, action in steps:
            activity = self._activity(card).with_user(user)
            for close in (
                activity.action_done,
                activity.action_feedback,
                activity.action_done_schedule_next,
                activity.unlink,
            ):
                with self.assertRaisesRegex(UserError, "still waits on"):
                    close()
            self.assertEqual(self._activity(card).user_id, user)
            getattr(card.with_user(user), action)()
        self.assertFalse(card.activity_ids)
        card.with_user(self.rep_1).action_appeal(reason="Visits missing.")
        with self.assertRaisesRegex(UserError, "Resolve Appeal"):
            self._activity(card).with_user(self.hr_officer).action_done()
        # Other activities on the scorecard are anybody's to close.
        todo = card.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.leader_a.id
        )
        todo.with_user(self.leader_a).action_done()
        self.assertFalse(todo.exists())

    @freeze_time("2025-02-03")
    def test_each_step_leaves_a_trace(self):
        """Every review step posts who took it in the chatter, with the
        reason when there is one."""
        card = self._rep_card()
        card.with_user(self.rep_1).action_submit()
        self.assertIn("Self review submitted by Rep 1.", self._notes(card)[0])
        card.with_user(self.leader_a).action_refuse(reason="Add the visits.")
        self.assertIn("Sent back to the self review by Leader A.", self._notes(card)[0])
        self.assertIn("Add the visits.", self._notes(card)[0])
        card.with_user(self.rep_1).action_submit()
        card.with_user(self.leader_a).action_approve()
        self.assertIn("Manager review approved by Leader A.", self._notes(card)[0])
        card.with_user(self.hr_officer).action_approve()
        self.assertIn("Calibration approved by Hr Officer.", self._notes(card)[0])

    @freeze_time("2025-02-03")
    def test_reviewer_without_access_hands_over_to_hr(self):
        """A team leader without the suite's manager group never gets the
        manager review: the HR officer does, and may take it."""
        no_access = self._user_without_access("leader_no_access")
        self.team_a.user_id = no_access
        self._take_access(no_access)
        card = self._rep_card()
        card.with_user(self.rep_1).action_submit()
        self.assertEqual(self._activity(card).user_id, self.hr_officer)
        card.with_user(self.hr_officer).action_approve()
        self.assertEqual(card.state, "hr_calibration")

    @freeze_time("2025-02-03")
    def test_hr_reviewer_without_access_hands_over_to_hr_officers(self):
        """An HR reviewer set on the company without the HR group hands the
        calibration over to the HR officers."""
        self.env.company.performance_hr_user_id = self.leader_b
        card = self._rep_card()
        card.with_user(self.rep_1).action_submit()
        card.with_user(self.leader_a).action_approve()
        reviewer = self._activity(card).user_id
        self.assertNotEqual(reviewer, self.leader_b)
        self.assertTrue(reviewer.has_group("sales_performance.group_performance_hr"))
        card.with_user(reviewer).action_approve()
        self.assertEqual(card.state, "approved")

    @freeze_time("2025-02-03")
    def test_salesperson_without_access_is_refused(self):
        """Nobody else writes a self review: scorecards of a salesperson
        without the suite's user group are refused, naming them and the
        group."""
        outsider = self._user_without_access("rep_outsider")
        self.team_a.member_ids += outsider
        self._take_access(outsider)
        with self.assertRaises(UserError) as error:
            self.template.generate_scorecards(self.jan)
        self.assertIn("rep_outsider", str(error.exception))
        self.assertIn("Sales Performance / User", str(error.exception))
        self.assertFalse(
            self.env["performance.scorecard"].search([("period_id", "=", self.jan.id)])
        )

    @freeze_time("2025-01-20")
    def test_pace_alert_goes_to_someone_who_can_read_it(self):
        """A team leader who cannot read the target hands the pace alert
        over to the HR officer; without anybody, it is left out."""
        self._invoices([(self.rep_1, 100.0, JAN_15)])
        target = self._target(1000.0, owner=self.rep_1)
        no_access = self._user_without_access("leader_no_group")
        self.team_a.user_id = no_access
        self._take_access(no_access)
        self.env["performance.target"]._cron_pace_alerts()
        alert_type = self.env.ref("sales_performance.mail_activity_type_pace_alert")
        alert = target.activity_ids.filtered(
            lambda activity: activity.activity_type_id == alert_type
        )
        self.assertEqual(alert.user_id, self.hr_officer)

    def test_assignee_who_cannot_read_is_refused_or_rerouted(self):
        """The one helper checks that the assignee reads the record: another
        team's leader is refused, or replaced by the fallback."""
        target = self._target(1000.0, owner=self.rep_3)
        todo = self.env.ref("mail.mail_activity_data_todo")
        Workflow = self.env["performance.workflow.mixin"]
        entry = {
            "record": target,
            "activity_type": todo,
            "user": self.leader_a,
            "groups": ("sales_performance.group_performance_manager",),
        }
        with self.assertRaises(UserError) as error:
            Workflow._schedule_activities([entry])
        self.assertIn("Leader A", str(error.exception))
        activities = Workflow._schedule_activities(
            [{**entry, "fallback": self.leader_a | self.leader_b}]
        )
        self.assertEqual(activities.user_id, self.leader_b)
        self.assertFalse(
            Workflow._schedule_activities([{**entry, "if_denied": "skip"}])
        )

    @freeze_time("2025-02-03")
    def test_refresh_under_review_says_what_changed(self):
        """A refresh that changes the score of a scorecard under review
        posts the old and new total on it; one that changes nothing posts
        nothing."""
        self._invoices([(self.rep_1, 100_000.0, JAN_15)])
        self._target(1_000_000.0, owner=self.rep_1)
        card = self._rep_card()
        card.with_user(self.rep_1).action_submit()
        old_total = card.total_score
        before = len(card.message_ids)
        card.action_compute()
        self.assertEqual(len(card.message_ids), before)
        self._invoices([(self.rep_1, 900_000.0, date(2025, 1, 20))])
        card.action_compute()
        self.assertGreater(card.total_score, old_total)
        note = card.message_ids[0].body
        self.assertIn("total score %.2f → %.2f" % (old_total, card.total_score), note)
        self.assertIn(self.kpi_revenue.name, note)
