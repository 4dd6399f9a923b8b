from datetime import date, timedelta

from odoo.tests import freeze_time, tagged

from .week_common import WeekCommon


@tagged("post_install", "-at_install")
class TestWeekReport(WeekCommon):
    """rep_1 plans 1,000 of revenue and 1,200 of invoiced total and invoices
    1,100 in the week: revenue met, total not met. rep_2 plans 500 and 500
    and invoices nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["sales_performance"], ["zh_CN"], overwrite=True
        )
        with freeze_time("2025-03-03 08:00:00"):
            cls.Plan._cron_week_plans()
        plan_1, plan_2 = cls._plans()
        cls.plan_1, cls.plan_2 = plan_1, plan_2
        cls._submit(plan_1, 1000.0, 1200.0)
        cls._submit(plan_2, 500.0, 500.0)
        cls._invoices([(cls.rep_1, 1100.0, date(2025, 3, 5))])

    def _run_friday(self, day="2025-03-07 16:00:00"):
        with freeze_time(day):
            self.Plan._cron_week_reports()

    def _leader_mails(self):
        return self.env["mail.mail"].search(
            [("recipient_ids", "in", self.leader_a.partner_id.ids)]
        )

    def _report_messages(self, plan):
        return plan.message_ids.filtered(
            lambda message: (
                message.message_type == "comment"
                and plan.user_id.partner_id in message.partner_ids
            )
        )

    def test_no_report_before_the_report_day(self):
        """The report waits for the team's report day."""
        self._run_friday("2025-03-06 16:00:00")
        self.assertFalse(self.plan_1.report_date)
        self.assertFalse(self._leader_mails())

    def test_report_per_kpi_plan_actual_met(self):
        """On Friday each line holds plan, actual and whether it was met, and
        opens the documents behind the actual."""
        self._run_friday()
        revenue = self._line(self.plan_1, self.kpi_revenue)
        total = self._line(self.plan_1, self.kpi_total)
        self.assertEqual((revenue.actual, revenue.met), (1100.0, True))
        self.assertEqual((total.actual, total.met), (1100.0, False))
        self.assertEqual((self.plan_1.met_count, self.plan_1.kpi_count), (1, 2))
        action = revenue.with_user(self.rep_1).action_view_documents()
        self.assertEqual(action["res_model"], "account.move")

    def test_report_mails_in_english(self):
        """The salesperson's report is on their week, the leader's mail has
        the whole team with what was not met in red."""
        self._run_friday()
        message = self._report_messages(self.plan_1)
        self.assertEqual(len(message), 1)
        body = str(message.body)
        self.assertIn("Hello Rep 1", body)
        self.assertIn("1 of 2 planned KPIs met", body)
        self.assertIn("Not met", body)
        self.assertIn(
            f"/odoo/performance.target/{self.plan_1.line_ids[0].target_id.id}", body
        )
        mail = self._leader_mails()
        self.assertEqual(len(mail), 1)
        html = str(mail.body_html)
        self.assertIn("Hello Leader A", html)
        self.assertIn("Rep 1", html)
        self.assertIn("Rep 2", html)
        self.assertIn("Team A, week 2025-W10", html)
        self.assertEqual(html.count("color: red"), 3)
        self.assertIn("week 2025-W10", mail.subject)

    def test_report_mails_in_chinese(self):
        """Each recipient reads the report in their own language."""
        (self.rep_2 | self.leader_a).write({"lang": "zh_CN"})
        self._run_friday()
        body = str(self._report_messages(self.plan_2).body)
        self.assertIn("您好", body)
        self.assertIn("未达成", body)
        self.assertNotIn("Not met", body)
        english = str(self._report_messages(self.plan_1).body)
        self.assertIn("Not met", english)
        html = str(self._leader_mails().body_html)
        self.assertIn("团队本周", html)
        self.assertIn("未达成", html)
        self.assertNotIn("Not met", html)

    def test_report_once_per_week(self):
        """However often the job runs, each week is reported once."""
        self._run_friday()
        self._run_friday("2025-03-07 17:00:00")
        self._run_friday("2025-03-08 09:00:00")
        self.assertEqual(len(self._report_messages(self.plan_1)), 1)
        self.assertEqual(len(self._leader_mails()), 1)

    def test_leader_comment_and_rep_answer_on_the_week(self):
        """The leader comments on the week and the salesperson answers there."""
        self._run_friday()
        self.plan_1.with_user(self.leader_a).message_post(
            body="Total below plan: what happened?", message_type="comment"
        )
        self.plan_1.with_user(self.rep_1).message_post(
            body="A big order slipped to Monday.", message_type="comment"
        )
        bodies = self.plan_1.with_user(self.rep_1).message_ids.mapped("body")
        self.assertIn("what happened", str(bodies))
        self.assertIn("slipped to Monday", str(bodies))


@tagged("post_install", "-at_install")
class TestCoaching(WeekCommon):
    def _week(self, monday, revenue, invoiced):
        """A week where rep_1 plans ``revenue`` (rep_2 nothing) and invoices
        ``invoiced``; reported on its Friday."""
        monday = date.fromisoformat(monday)
        with freeze_time(f"{monday} 08:00:00"):
            self.Plan._cron_week_plans()
            for plan in self._plans(monday):
                self._submit(plan, revenue if plan.user_id == self.rep_1 else 0.0, 0.0)
        if invoiced:
            self._invoices([(self.rep_1, invoiced, monday)])
        with freeze_time(f"{monday + timedelta(days=4)} 16:00:00"):
            self.Plan._cron_week_reports()
        return self._plans(monday)

    def _coaching(self):
        coaching = self.env.ref("sales_performance.mail_activity_type_coaching")
        return self.env["mail.activity"].search(
            [("activity_type_id", "=", coaching.id)]
        )

    def test_coaching_after_the_companys_weeks_in_a_row(self):
        """A KPI missed the company's number of weeks in a row gives the
        leader one coaching activity; a met week breaks the run."""
        self._week("2025-03-03", 1000.0, 200.0)
        self.assertFalse(self._coaching(), "one missed week is no run")
        self._week("2025-03-10", 1000.0, 1500.0)
        self._week("2025-03-17", 1000.0, 100.0)
        self.assertFalse(self._coaching(), "the met week broke the run")
        plans = self._week("2025-03-24", 1000.0, 100.0)
        activities = self._coaching()
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.leader_a)
        self.assertEqual(activities.res_id, plans[0].id)
        self.assertEqual(activities.summary, "Coach Rep 1 on Invoiced Revenue")
        self.assertIn("2 weeks in a row", str(activities.note))
        self._week("2025-03-31", 1000.0, 100.0)
        self.assertEqual(len(self._coaching()), 1, "not again inside the run")
