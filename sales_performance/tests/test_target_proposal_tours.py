from datetime import timedelta

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import LEADER_GROUPS, REP_GROUPS
from .test_tours import current_month


@tagged("post_install", "-at_install")
class TestTargetProposalToursPhone(HttpCase):
    """Next month's targets of a team negotiated on phones."""

    browser_size = "375x667"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        month = current_month(cls.env)
        next_month = cls._next_month(month)
        cls.leader = new_test_user(
            cls.env, login="tour_ag_leader", name="Tour Leader", groups=LEADER_GROUPS
        )
        cls.rep = new_test_user(
            cls.env, login="tour_ag_rep", name="Tour Rep", groups=REP_GROUPS
        )
        team = cls.env["crm.team"].create(
            {
                "name": "Tour Team",
                "user_id": cls.leader.id,
                "member_ids": [Command.set(cls.rep.ids)],
            }
        )
        cls.env["performance.target"].create(
            [
                {
                    "kpi_id": cls.env.ref(xmlid).id,
                    "period_id": next_month.id,
                    "owner_type": "team",
                    "team_id": team.id,
                    "target_value": value,
                }
                for xmlid, value in (
                    ("sales_performance.kpi_invoiced_revenue", 1000.0),
                    ("sales_performance.kpi_won_count", 5.0),
                )
            ]
        )
        cls.round = (
            cls.env["performance.target.round"]
            .with_user(cls.leader)
            .create(
                {
                    "period_id": next_month.id,
                    "team_id": team.id,
                    "deadline": month.date_end,
                }
            )
        )
        cls.round.action_propose()
        cls.round = cls.round.with_user(cls.env.user)

    @classmethod
    def _next_month(cls, month):
        Period = cls.env["performance.period"]
        start = month.date_end + timedelta(days=1)
        found = Period.search(
            [
                ("company_id", "=", cls.env.company.id),
                ("period_type", "=", "month"),
                ("date_start", "=", start),
            ]
        )
        if found:
            return found
        last_month = int(cls.env.company.fiscalyear_last_month)
        year = Period.generate_fiscal_year(
            start.year if start.month <= last_month else start.year + 1,
            cls.env.company,
        )
        return year.child_ids.child_ids.filtered(lambda m: m.date_start == start)

    def _proposal(self, code):
        return self.round.proposal_ids.filtered(lambda p: p.kpi_id.code == code)

    def test_rep_accepts_and_counters_then_leader_answers(self):
        """On a phone the rep accepts one target and counters the other with a
        reason; the leader accepts the counter-proposal from the activity."""
        self.start_tour(
            "/odoo/action-sales_performance.action_my_performance",
            "sales_performance_rep_agrees_targets_phone",
            login="tour_ag_rep",
        )
        won, revenue = self._proposal("WON"), self._proposal("REVENUE")
        self.assertEqual(won.state, "agreed")
        self.assertEqual(won.target_id.target_value, 5.0)
        self.assertEqual(revenue.state, "countered")
        self.assertEqual(revenue.counter_value, 800.0)
        self.assertIn("budget", revenue.counter_reason)
        self.start_tour(
            "/odoo",
            "sales_performance_leader_answers_target_phone",
            login="tour_ag_leader",
        )
        self.assertEqual(revenue.state, "agreed")
        self.assertEqual(revenue.target_id.target_value, 800.0)
        self.assertEqual(self.round.state, "agreed")
