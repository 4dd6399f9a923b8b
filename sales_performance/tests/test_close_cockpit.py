from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import JAN_15
from .test_scorecard import ScorecardCommon


@tagged("post_install", "-at_install")
class TestCloseCockpit(ScorecardCommon):
    """The period form shows what the period holds; *Close Period* shows what
    is pending and what the close will do, and a summary records what it did."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._invoices([(cls.rep_1, 300.0, JAN_15)])
        cls.target = cls._target(1000.0, owner=cls.rep_1, period=cls.jan)
        cls._target(500.0, owner=cls.rep_2, period=cls.jan)

    def _wizard(self, period=None):
        action = (
            (period or self.jan).with_user(self.perf_admin).action_open_close_wizard()
        )
        self.assertEqual(action["target"], "new")
        return (
            self.env["performance.period.close"]
            .with_user(self.perf_admin)
            .browse(action["res_id"])
        )

    def _lines(self, wizard, kind):
        return {
            line.code: line.count
            for line in wizard.line_ids.filtered(lambda line: line.kind == kind)
        }

    @freeze_time("2025-02-03")
    def test_smart_buttons_count_the_period(self):
        """Targets, scorecards, those in review and in appeal, per period."""
        cards = self.template.generate_scorecards(self.jan)
        approved = self._approved_card()
        approved.with_user(self.rep_1).action_appeal(reason="Visits missing.")
        period = self.jan.with_user(self.perf_admin)
        self.assertEqual(period.target_count, 2)
        self.assertEqual(period.scorecard_count, len(cards))
        self.assertEqual(period.scorecard_pending_count, len(cards) - 1)
        self.assertEqual(period.appeal_count, 1)
        self.assertEqual(self.feb.with_user(self.perf_admin).scorecard_count, 0)
        action = period.action_view_pending_scorecards()
        self.assertEqual(
            self.env["performance.scorecard"].search_count(action["domain"]),
            len(cards) - 1,
        )

    @freeze_time("2025-02-03")
    def test_dialog_lists_pending_and_plan(self):
        """The dialog counts what waits on someone and what the close will do,
        and each pending line opens the records it counts."""
        cards = self.template.generate_scorecards(self.jan)
        approved = self._approved_card()
        approved.with_user(self.rep_1).action_appeal(reason="Visits missing.")
        wizard = self._wizard()
        pending = self._lines(wizard, "pending")
        self.assertEqual(pending["scorecards"], len(cards) - 1)
        self.assertEqual(pending["appeals"], 1)
        self.assertNotIn("anomalies", pending, "nothing to show: no line")
        self.assertEqual(wizard.pending_count, len(cards))
        plan = self._lines(wizard, "plan")
        self.assertEqual(plan["refresh_targets"], 2)
        self.assertEqual(plan["recompute_scorecards"], len(cards) - 1)
        line = wizard.line_ids.filtered(lambda line: line.code == "appeals")
        action = line.action_open()
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]), approved
        )

    @freeze_time("2025-02-03")
    def test_pending_needs_an_explicit_choice(self):
        """With items pending the close stops unless *Close anyway* is ticked."""
        self.template.generate_scorecards(self.jan)
        wizard = self._wizard()
        self.assertTrue(wizard.pending_count)
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(self.jan.state, "open")
        with Form(wizard) as form:
            form.confirm_pending = True
        wizard.action_confirm()
        self.assertEqual(self.jan.state, "closed")

    @freeze_time("2025-02-03")
    def test_nothing_pending_closes_at_once(self):
        """A period with nothing pending closes from the dialog directly."""
        wizard = self._wizard()
        self.assertFalse(wizard.pending_count)
        wizard.action_confirm()
        self.assertEqual(self.jan.state, "closed")
        self.assertEqual(self.jan.closed_by_id, self.perf_admin)

    @freeze_time("2025-02-03")
    def test_summary_posted_after_close(self):
        """The summary names who closed, the targets refreshed, the scorecards
        generated and frozen, and what was left pending."""
        self._approved_card()
        before = self.env["performance.scorecard"].search_count(
            [("period_id", "=", self.jan.id)]
        )
        self.jan.with_user(self.perf_admin).action_close()
        after = self.env["performance.scorecard"].search_count(
            [("period_id", "=", self.jan.id)]
        )
        self.assertEqual(self.target.actual, 300.0)
        message = self.jan.message_ids.filtered(
            lambda m: "Period closed by" in (m.body or "")
        )
        self.assertEqual(len(message), 1)
        body = message.body
        self.assertIn(self.perf_admin.name, body)
        self.assertIn("Targets refreshed and frozen: 2", body)
        self.assertIn(
            f"Scorecards: {after}, of which {after - before} generated by the "
            "close and 1 frozen",
            body,
        )
        self.assertIn(
            "Closed with items still pending: Scorecards not approved yet", body
        )

    def test_close_button_opens_the_dialog(self):
        """The form's *Close Period* button opens the dialog, not the close."""
        view = self.env.ref("sales_performance.performance_period_view_form")
        self.assertIn('name="action_open_close_wizard"', view.arch_db)
        self.assertNotIn('name="action_close"', view.arch_db)
