from datetime import date

from odoo.tests import freeze_time, tagged

from .common import JAN_15, PerformanceCommon


@tagged("post_install", "-at_install")
class TestPaceAlerts(PerformanceCommon):
    @classmethod
    def default_env_context(cls):
        return {}

    @freeze_time("2025-01-20")
    def test_zero_target_has_no_pace(self):
        """A target of 0 (a week planned at nothing) is neither behind nor
        ahead, and raises no alert."""
        zero = self._target(0.0, kpi=self.kpi_won, owner=self.rep_1)
        self.assertEqual(zero.elapsed_pct, 64.5)  # 20 of 31 days, to 0.1
        self.assertFalse(zero.pace_status)
        self.env["performance.target"]._cron_pace_alerts()
        self.assertFalse(zero.activity_ids)
        # Planned again at 2, nothing done yet: behind.
        zero.target_value = 2.0
        self.assertEqual(zero.pace_status, "behind")

    @freeze_time("2025-01-20")
    def test_alert_once_per_rep_and_period(self):
        """Behind pace: one activity for the leader and a notice to the rep, once."""
        self._invoices([(self.rep_1, 100.0, JAN_15), (self.rep_2, 900.0, JAN_15)])
        behind = self._target(1000.0, owner=self.rep_1)
        also_behind = self._target(10.0, kpi=self.kpi_won, owner=self.rep_1)
        on_pace = self._target(1000.0, owner=self.rep_2)
        Target = self.env["performance.target"]
        alert_type = self.env.ref("sales_performance.mail_activity_type_pace_alert")

        def alerts():
            return self.env["mail.activity"].search(
                [
                    ("activity_type_id", "=", alert_type.id),
                    ("res_model", "=", "performance.target"),
                ]
            )

        Target._cron_pace_alerts()
        self.assertEqual(
            (behind | also_behind).mapped("pace_status"), ["behind", "behind"]
        )
        self.assertEqual(on_pace.pace_status, "ahead")
        self.assertEqual(len(alerts()), 1)
        self.assertEqual(alerts().user_id, self.leader_a)
        self.assertIn("Rep 1", alerts().summary)
        notice = (behind | also_behind).message_ids.filtered(
            lambda m: self.rep_1.partner_id in m.partner_ids
        )
        self.assertEqual(len(notice), 1)

        alerts().action_feedback("Talked to Rep 1")
        Target._cron_pace_alerts()
        self.assertFalse(alerts(), "no second alert in the same period")
        self.assertEqual(len(alerts().with_context(active_test=False).search([])), 0)

    @freeze_time("2025-01-20")
    def test_no_alert_before_period_or_for_closed(self):
        """Only current, open periods are watched."""
        self._target(1000.0, owner=self.rep_1, period=self.feb)
        closed = self._target(1000.0, owner=self.rep_2)
        self.jan.action_close()
        self.env["performance.target"]._cron_pace_alerts()
        self.assertFalse(closed.pace_alerted)
        alert_type = self.env.ref("sales_performance.mail_activity_type_pace_alert")
        self.assertFalse(
            self.env["mail.activity"].search([("activity_type_id", "=", alert_type.id)])
        )


@tagged("post_install", "-at_install")
class TestWeeklyDigest(PerformanceCommon):
    def _digests(self, user):
        return self.env["mail.mail"].search(
            [
                ("recipient_ids", "in", user.partner_id.ids),
                ("subject", "like", "Your week in sales performance"),
            ]
        )

    def test_digest_once_a_week(self):
        """Each rep and leader gets one digest a week, however often the job runs."""
        self._invoices([(self.rep_1, 100.0, JAN_15)])
        self._target(1000.0, owner=self.rep_1)
        self._target(1000.0, owner=self.rep_2)
        Target = self.env["performance.target"]
        with freeze_time("2025-01-20"):
            Target._cron_weekly_digest()
            Target._cron_weekly_digest()
        with freeze_time("2025-01-24"):
            Target._cron_weekly_digest()
        self.assertEqual(len(self._digests(self.rep_1)), 1)
        self.assertEqual(len(self._digests(self.leader_a)), 1)
        self.assertFalse(self._digests(self.rep_3))
        body = self._digests(self.rep_1).body_html
        self.assertIn("Invoiced Revenue", body)
        self.assertIn("10.0 %", body)
        leader_body = self._digests(self.leader_a).body_html
        self.assertIn("Rep 2 · Invoiced Revenue", leader_body)
        with freeze_time("2025-01-27"):
            Target._cron_weekly_digest()
        self.assertEqual(len(self._digests(self.rep_1)), 2)
        self.assertEqual(self.rep_1.performance_digest_date, date(2025, 1, 27))
