from odoo import Command
from odoo.tests import tagged

from .common import PerformanceCommon


@tagged("post_install", "-at_install")
class TestLeaderboard(PerformanceCommon):
    """The leaderboard ranks each salesperson within their period and team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kpi_visits = cls.Kpi.create(
            {"name": "Customer Visits", "code": "VISITS", "kind": "manual"}
        )
        template = cls.env["performance.scorecard.template"].create(
            {
                "name": "Field Sales",
                "team_ids": [Command.set((cls.team_a | cls.team_b).ids)],
                "line_ids": [
                    Command.create(
                        {
                            "kpi_id": cls.kpi_visits.id,
                            "weight": 100,
                            "default_target": 10,
                        }
                    )
                ],
            }
        )
        cls.cards = template.generate_scorecards(cls.jan) | (
            template.generate_scorecards(cls.feb)
        )
        visits = {
            (cls.jan, cls.rep_1): 5,
            (cls.jan, cls.rep_2): 8,
            (cls.jan, cls.rep_3): 8,
            (cls.jan, cls.rep_4): 8,
            (cls.feb, cls.rep_1): 9,
            (cls.feb, cls.rep_2): 4,
        }
        for card in cls.cards:
            card.line_ids.actual = visits.get((card.period_id, card.user_id), 0)

    def _ranks(self, cards):
        return {
            (card.period_id.name, card.user_id.login): card.rank
            for card in cards
            if card.user_id.login.startswith("rep_")
        }

    def test_rank_within_period_and_team(self):
        """Highest total first, ties share a place, each period and team
        counted apart."""
        jan, feb = self.jan.name, self.feb.name
        self.assertEqual(
            self._ranks(self.cards),
            {
                (jan, "rep_1"): 2,
                (jan, "rep_2"): 1,
                (jan, "rep_3"): 1,
                (jan, "rep_4"): 1,
                (feb, "rep_1"): 1,
                (feb, "rep_2"): 2,
                (feb, "rep_3"): 1,
                (feb, "rep_4"): 1,
            },
        )

    def test_rank_read_by_the_rep(self):
        """A rep reads their place among scorecards they cannot open."""
        card = self.cards.filtered(
            lambda card: card.user_id == self.rep_1 and card.period_id == self.jan
        )
        self.assertEqual(card.with_user(self.rep_1).rank, 2)

    def test_leaderboard_by_period_and_team(self):
        """The leaderboard opens grouped by period, then team."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_performance.action_performance_scorecard_leaderboard"
        )
        self.assertIn("'team_id'", action["context"])
