from datetime import date

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import IncentiveCommon

AUTO_NOTE = "Approved automatically: nothing earned."


@tagged("post_install", "-at_install")
class TestStatementQueue(IncentiveCommon):
    """Disputes once submitted, a leader's team statements, zero statements
    that approve themselves."""

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
            [{"kind": "percentage", "rate": 5}],
            users=cls.rep_1 | cls.rep_2 | cls.rep_3 | cls.leader_a,
        )
        statements = cls.plan.generate_statements(cls.jan)
        cls.st_1, cls.st_2, cls.st_3, cls.st_leader = (
            statements.filtered(lambda st, user=user: st.user_id == user)
            for user in (cls.rep_1, cls.rep_2, cls.rep_3, cls.leader_a)
        )
        cls.Dispute = cls.env["incentive.dispute"]

    def _file(self, statement, reason="Invoice INV/7 is missing"):
        """File a dispute on the statement's line as the rep does, through
        the dispute form, and return it with the button's answer."""
        line = statement.line_ids[:1]
        form = Form(
            self.Dispute.with_user(statement.user_id).with_context(
                default_line_id=line.id
            )
        )
        form.reason = reason
        form.amount_claimed = 25
        dispute = form.save()
        return dispute, dispute.action_file()

    def _approval_activities(self, statements):
        approve = self.env.ref(
            "sales_performance_incentive.mail_activity_statement_approve"
        )
        return statements.activity_ids.filtered(
            lambda activity: activity.activity_type_id == approve
        )

    # ------------------------------------------------------------
    # Disputes as the form says
    # ------------------------------------------------------------

    def test_dispute_refused_on_draft(self):
        """A line of a draft statement cannot be disputed: nothing is filed,
        nothing posted."""
        messages = len(self.st_1.message_ids)
        with self.assertRaisesRegex(UserError, "is a draft"):
            self._file(self.st_1)
        self.assertFalse(self.Dispute.search([("statement_id", "=", self.st_1.id)]))
        self.assertEqual(len(self.st_1.message_ids), messages)
        self.assertFalse(self.st_1.line_ids.dispute_state)

    def test_dispute_after_submit_confirmed_and_marked(self):
        """Once submitted a line is disputed: the rep is told, the statement's
        chatter says so and the line is marked until resolved."""
        self.st_1.action_submit()
        dispute, answer = self._file(self.st_1)
        self.assertEqual(dispute.state, "open")
        self.assertEqual(answer["tag"], "display_notification")
        self.assertEqual(answer["params"]["type"], "success")
        self.assertIn(self.leader_a.name, answer["params"]["message"])
        self.assertEqual(
            answer["params"]["next"]["type"], "ir.actions.act_window_close"
        )
        body = "".join(self.st_1.message_ids.mapped("body"))
        self.assertIn("disputes the line", body)
        line = self.st_1.line_ids.with_user(self.rep_1)
        self.assertEqual(line.dispute_state, "open")
        self.assertEqual(line.with_user(self.leader_a).dispute_state, "open")
        dispute.with_user(self.leader_a).action_reject("The rate is 5 %")
        self.st_1.line_ids.invalidate_recordset(["dispute_state"])
        self.assertEqual(line.dispute_state, "rejected")

    def test_line_disputed_once_at_a_time(self):
        """A line with an open dispute is not disputed again."""
        self.st_1.action_submit()
        self._file(self.st_1)
        with self.assertRaisesRegex(UserError, "already disputed"):
            self._file(self.st_1, reason="Again")
        self.assertEqual(len(self.st_1.dispute_ids), 1)

    # ------------------------------------------------------------
    # A leader finds the team
    # ------------------------------------------------------------

    def test_leader_team_statements(self):
        """My Team's Statements holds the statements of the leader's team,
        not their own nor another team's, those waiting on them first."""
        self.st_1.action_submit()
        Statement = self.Statement.with_user(self.leader_a)
        action = Statement.action_open_team_statements()
        self.assertEqual(Statement.search(action["domain"]), self.st_1 | self.st_2)
        self.assertEqual(action["context"]["search_default_waiting_for_me"], 1)
        self.assertEqual(action["context"]["search_default_group_by_state"], 1)
        waiting = Statement.search(action["domain"] + [("is_waiting_on_me", "=", True)])
        self.assertEqual(waiting, self.st_1)
        self.assertTrue(waiting.is_waiting_on_me)
        self.assertFalse(self.st_2.with_user(self.leader_a).is_waiting_on_me)

        other = self.Statement.with_user(self.leader_b)
        action = other.action_open_team_statements()
        self.assertEqual(other.search(action["domain"]), self.st_3)
        self.assertEqual(action["context"]["search_default_waiting_for_me"], 0)
        self.assertFalse(
            self.st_1.with_user(self.leader_b).search_count(
                [("is_waiting_on_me", "=", True)]
            )
        )

    def test_team_menu_for_leaders(self):
        """The menu opens the team statements through a server action, for
        leaders and incentive administrators only."""
        menu = self.env.ref("sales_performance_incentive.menu_incentive_statement_team")
        self.assertEqual(menu.action._name, "ir.actions.server")
        self.assertTrue(menu.with_user(self.leader_a)._filter_visible_menus())
        self.assertFalse(menu.with_user(self.rep_1)._filter_visible_menus())
        action = menu.action.with_user(self.leader_a).run()
        self.assertEqual(action["res_model"], "incentive.statement")
        self.assertEqual(action["mobile_view_mode"], "kanban")

    # ------------------------------------------------------------
    # Zero statements
    # ------------------------------------------------------------

    def test_zero_statement_approves_itself(self):
        """A statement with nothing earned approves itself on submit, with a
        note and no activity for the leader; one with pay waits on them."""
        self.assertTrue(self.plan.auto_approve_zero)
        (self.st_1 | self.st_2).action_submit()
        self.assertEqual(self.st_2.amount_total, 0.0)
        self.assertEqual(self.st_2.state, "approved")
        self.assertTrue(self.st_2.approved_date)
        self.assertIn(AUTO_NOTE, "".join(self.st_2.message_ids.mapped("body")))
        self.assertFalse(self._approval_activities(self.st_2))
        self.assertEqual(self.st_1.state, "to_approve")
        self.assertEqual(self._approval_activities(self.st_1).user_id, self.leader_a)
        self.assertNotIn(AUTO_NOTE, "".join(self.st_1.message_ids.mapped("body")))

    def test_zero_statement_option_off(self):
        """Without the plan option a zero statement waits on its leader."""
        self.plan.auto_approve_zero = False
        self.st_2.action_submit()
        self.assertEqual(self.st_2.state, "to_approve")
        self.assertEqual(self._approval_activities(self.st_2).user_id, self.leader_a)

    def test_disputed_zero_statement_waits(self):
        """A zero statement with an open dispute goes to its leader."""
        self.plan.auto_approve_zero = False
        self.st_2.action_submit()
        self._file(self.st_2)
        self.st_2.with_user(self.leader_a).action_refuse("Check the dispute")
        self.plan.auto_approve_zero = True
        self.st_2.action_submit()
        self.assertEqual(self.st_2.state, "to_approve")
