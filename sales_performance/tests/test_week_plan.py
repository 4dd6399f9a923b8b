from datetime import date, datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged

from ..tools import week as week_tools
from .week_common import MONDAY, WeekCommon


@tagged("post_install", "-at_install")
class TestWeeks(WeekCommon):
    def test_weeks_start_on_the_languages_first_day(self):
        """Weeks start on the first day of the week of the company's
        language and are named after their ISO week."""
        weeks = self.Period.generate_weeks(date(2025, 1, 1), date(2025, 1, 31))
        self.assertEqual(weeks[0].date_start, date(2024, 12, 30))
        self.assertEqual(weeks.mapped("name")[:2], ["2025-W01", "2025-W02"])
        self.assertEqual(len(weeks), 5)
        self.assertEqual(set(weeks.mapped("period_type")), {"week"})
        self.assertFalse(weeks.parent_id, "weeks are standalone periods")
        self.env["res.lang"]._lang_get("en_US").week_start = "7"
        sunday = self.Period.generate_weeks(date(2026, 3, 4), date(2026, 3, 4))
        self.assertEqual(sunday.date_start, date(2026, 3, 1))
        self.assertEqual(sunday.date_end, date(2026, 3, 7))
        self.assertEqual(sunday.name, "2026-W10")

    def test_generating_again_creates_nothing(self):
        """Generating weeks again keeps the existing ones."""
        weeks = self.Period.generate_weeks(date(2025, 2, 1), date(2025, 2, 28))
        again = self.Period.generate_weeks(date(2025, 2, 1), date(2025, 2, 28))
        self.assertEqual(again, weeks)

    def test_generator_wizard_adds_the_weeks_of_the_year(self):
        """The fiscal year generator creates the weeks starting in the year."""
        wizard = self.env["performance.period.generate"].create(
            {"year": 2027, "with_weeks": True}
        )
        action = wizard.action_generate()
        periods = self.Period.search(action["domain"])
        weeks = periods.filtered(lambda period: period.period_type == "week")
        self.assertEqual(len(weeks), 53)
        self.assertEqual(weeks.sorted("date_start")[0].date_start, date(2026, 12, 28))

    def test_kpis_compute_over_a_week(self):
        """A target of a week counts the documents of the week only."""
        week = self.Period._get_week(MONDAY, self.env.company)
        self._invoices(
            [
                (self.rep_1, 300.0, date(2025, 3, 2)),
                (self.rep_1, 500.0, MONDAY),
                (self.rep_1, 200.0, date(2025, 3, 9)),
                (self.rep_1, 900.0, date(2025, 3, 10)),
            ]
        )
        target = self._target(1000.0, period=week, owner=self.rep_1)
        target.action_compute()
        self.assertEqual(target.actual, 700.0)
        self.assertEqual(target.attainment, 70.0)

    def test_deadline_in_the_reps_time_zone(self):
        """The plan is due at the team's hour in the salesperson's zone."""
        self.assertEqual(
            week_tools.plan_deadline(MONDAY, 0, 12.0, "Asia/Shanghai"),
            datetime(2025, 3, 3, 4, 0),
        )
        self.assertEqual(
            week_tools.plan_deadline(date(2025, 3, 2), 0, 9.5, "UTC"),
            datetime(2025, 3, 3, 9, 30),
        )


@tagged("post_install", "-at_install")
class TestWeekPlan(WeekCommon):
    @freeze_time("2025-03-03 08:00:00")
    def test_monday_job_opens_the_plans(self):
        """The job opens one plan per member of a planning team, with the
        team's KPIs and last week's actuals, due Monday 12:00."""
        self._invoices([(self.rep_1, 400.0, date(2025, 2, 26))])
        self.Plan._cron_week_plans()
        self.Plan._cron_week_plans()
        plans = self._plans()
        self.assertEqual(plans.user_id, self.rep_1 | self.rep_2)
        self.assertEqual(set(plans.mapped("state")), {"draft"})
        self.assertEqual(plans[0].deadline, datetime(2025, 3, 3, 12, 0))
        self.assertEqual(plans[0].line_ids.kpi_id, self.kpi_revenue | self.kpi_total)
        self.assertEqual(self._line(plans[0], self.kpi_revenue).previous_actual, 400.0)
        self.assertFalse(plans.activity_ids, "no reminder before the deadline")
        self.assertFalse(
            self.Plan.search([("user_id", "in", self.team_b.member_ids.ids)])
        )

    def test_late_reps_get_one_reminder(self):
        """After the deadline those who have not submitted get one reminder
        activity, which submitting closes."""
        with freeze_time("2025-03-03 08:00:00"):
            self.Plan._cron_week_plans()
            plan_1, plan_2 = self._plans()
            self._submit(plan_1, 1000.0, 1200.0)
        with freeze_time("2025-03-03 12:30:00"):
            self.Plan._cron_week_plans()
            self.Plan._cron_week_plans()
        plan_type = self.env.ref("sales_performance.mail_activity_type_week_plan")
        self.assertFalse(plan_1.activity_ids)
        self.assertEqual(plan_2.activity_ids.activity_type_id, plan_type)
        self.assertEqual(plan_2.activity_ids.user_id, self.rep_2)
        with self.assertRaises(UserError):
            plan_2.activity_ids.with_user(self.rep_2).action_done()
        self._submit(plan_2, 500.0, 500.0)
        self.assertFalse(plan_2.activity_ids)

    @freeze_time("2025-03-04 08:00:00")
    def test_submitted_plan_becomes_the_weeks_targets(self):
        """A submitted plan is the salesperson's targets of the week; a
        resubmission changes them with a reason in their chatter."""
        self.Plan._cron_week_plans()
        plan = self._plans()[0]
        self._submit(plan, 1000.0, 1200.0)
        targets = plan.line_ids.target_id
        self.assertEqual(len(targets), 2)
        self.assertEqual(targets.user_id, self.rep_1)
        self.assertEqual(targets.period_id, plan.period_id)
        self.assertEqual(
            self._line(plan, self.kpi_revenue).target_id.target_value, 1000.0
        )
        self.assertEqual(plan.state, "submitted")
        with self.assertRaises(UserError):
            self._line(plan.with_user(self.rep_1), self.kpi_revenue).planned_value = 9
        plan.with_user(self.leader_a).action_send_back(comment="Aim higher")
        self._submit(plan, 1500.0, 1200.0)
        target = self._line(plan, self.kpi_revenue).target_id
        self.assertEqual(target.target_value, 1500.0)
        self.assertIn("Week plan submitted", target.message_ids[0].body)

    @freeze_time("2025-03-04 08:00:00")
    def test_leader_sends_a_plan_back_with_a_comment(self):
        """The leader sends a submitted plan back with a comment: the comment
        is on the week and the salesperson has the plan to do again."""
        self.Plan._cron_week_plans()
        plan = self._plans()[0]
        self._submit(plan, 1000.0, 1200.0)
        action = plan.with_user(self.leader_a).action_send_back()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.leader_a)
            .with_context(**action["context"])
        )
        wizard.comment = "Plan more new customers"
        wizard.save().action_confirm()
        self.assertEqual(plan.state, "sent_back")
        self.assertIn("Plan more new customers", plan.message_ids[0].body)
        self.assertEqual(plan.activity_ids.user_id, self.rep_1)
        with self.assertRaises(UserError):
            plan.with_user(self.leader_a).action_send_back(comment="Again")

    @freeze_time("2025-03-04 08:00:00")
    def test_least_privileged_access(self):
        """A salesperson sees and plans only their own week; a leader reads
        the team's plans, changes none and sends back only those; another
        leader sees nothing of the team."""
        self.Plan._cron_week_plans()
        plan_1, plan_2 = self._plans()
        as_rep = self.Plan.with_user(self.rep_1)
        self.assertEqual(as_rep.search([]), plan_1)
        with self.assertRaises(AccessError):
            self._line(plan_2.with_user(self.rep_1), self.kpi_revenue).planned_value = 1
        with self.assertRaises(AccessError):
            plan_2.with_user(self.rep_1).action_submit()
        as_leader = self.Plan.with_user(self.leader_a)
        self.assertEqual(as_leader.search([]), plan_1 | plan_2)
        with self.assertRaises(AccessError):
            self._line(
                plan_1.with_user(self.leader_a), self.kpi_revenue
            ).planned_value = 1
        self.assertFalse(self.Plan.with_user(self.leader_b).search([]))
        self._submit(plan_1, 10.0, 10.0)
        with self.assertRaises(AccessError):
            plan_1.with_user(self.leader_b).action_send_back(comment="No")
        with self.assertRaises(AccessError):
            plan_1.with_user(self.rep_1).action_send_back(comment="Myself")
        # States, dates and results move only through the steps.
        with self.assertRaises(AccessError):
            plan_2.with_user(self.rep_2).write({"state": "submitted"})
        with self.assertRaises(AccessError):
            self._line(plan_2.with_user(self.rep_2), self.kpi_revenue).actual = 99
        # Leader and salesperson talk on the week without writing it.
        plan_1.with_user(self.leader_a).message_post(body="Why so low?")
        plan_1.with_user(self.rep_1).message_post(body="Two customers on leave.")
        self.assertEqual(len(self.Plan.with_user(self.rep_1).search([])), 1)

    @freeze_time("2025-03-04 08:00:00")
    def test_negative_plan_is_refused(self):
        """A negative planned value is refused and changes nothing."""
        self.Plan._cron_week_plans()
        plan = self._plans()[0].with_user(self.rep_1)
        with self.assertRaises(UserError):
            self._line(plan, self.kpi_revenue).planned_value = -5
            plan.env.flush_all()
        plan.invalidate_recordset()
        self.assertEqual(self._line(plan, self.kpi_revenue).planned_value, 0.0)

    @freeze_time("2025-03-05 08:00:00")
    def test_week_targets_feed_pace_and_digest(self):
        """The week's targets are current targets: the pace alert and the
        weekly digest read them with no new machinery."""
        with freeze_time("2025-03-03 08:00:00"):
            self.Plan._cron_week_plans()
        plan = self._plans()[0]
        self._submit(plan, 1000.0, 1200.0)
        current = self.Target.search(self.Target._get_current_domain())
        self.assertEqual(current & plan.line_ids.target_id, plan.line_ids.target_id)
        self.Target._cron_pace_alerts()
        self.assertTrue(all(plan.line_ids.target_id.mapped("pace_alerted")))
        sections = plan.line_ids.target_id._get_digest_sections(self.rep_1)
        self.assertIn("2025-W10", str(sections))
