from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import LEADER_GROUPS, REP_GROUPS


@tagged("post_install", "-at_install")
class TestWeekPlanTourPhone(HttpCase):
    browser_size = "375x667"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        leader = new_test_user(
            cls.env, login="week_leader", name="Week Leader", groups=LEADER_GROUPS
        )
        cls.rep = new_test_user(
            cls.env, login="week_rep", name="Week Rep", groups=REP_GROUPS
        )
        cls.won = cls.env.ref("sales_performance.kpi_won_count")
        team = cls.env["crm.team"].create(
            {
                "name": "Week Team",
                "user_id": leader.id,
                "member_ids": [Command.set(cls.rep.ids)],
                "performance_plan_kpi_ids": [
                    Command.set(
                        (
                            cls.env.ref("sales_performance.kpi_invoiced_revenue")
                            | cls.won
                        ).ids
                    )
                ],
            }
        )
        today = fields.Date.context_today(cls.env["performance.period"])
        week = cls.env["performance.period"]._get_week(today, cls.env.company)
        cls.plan = cls.env["performance.week.plan"]._open_plans(week, team)

    def test_rep_submits_the_monday_plan_on_a_phone(self):
        """A rep plans a KPI of their week on a phone and submits: the plan
        is their target of the week."""
        self.start_tour(
            "/odoo/action-sales_performance.action_performance_week_plan",
            "sales_performance_week_plan_phone",
            login="week_rep",
        )
        self.assertEqual(self.plan.state, "submitted")
        line = self.plan.line_ids.filtered(lambda line: line.kpi_id == self.won)
        self.assertEqual(line.target_id.target_value, 7.0)
        self.assertEqual(line.target_id.user_id, self.rep)
