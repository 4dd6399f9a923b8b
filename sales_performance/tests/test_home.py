from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .common import JAN_15
from .test_scorecard import ScorecardCommon

# Opening My Performance once the worker's caches are warm: the action's
# saved filters (one query); describing res.users took 35.
QUERIES_GET_VIEWS = 3


@tagged("post_install", "-at_install")
class TestMyPerformance(ScorecardCommon):
    @freeze_time("2025-01-20")
    def test_home_shows_own_current_targets_and_scorecard(self):
        """My Performance lists the rep's current targets and latest scorecard only."""
        self._invoices([(self.rep_1, 400.0, JAN_15)])
        mine = self._target(1000.0, owner=self.rep_1)
        self._target(900.0, owner=self.rep_1, period=self.feb)  # not current yet
        self._target(800.0, owner=self.rep_2)
        mine.action_compute()
        cards = self.template.generate_scorecards(self.jan)
        action = (
            self.env["res.users"].with_user(self.rep_1).action_open_my_performance()
        )
        self.assertEqual(
            (action["res_model"], action["res_id"]),
            ("performance.home", self.rep_1.id),
        )
        home = self.rep_1.with_user(self.rep_1)
        self.assertEqual(home.performance_target_ids, mine)
        self.assertEqual(home.performance_target_ids.attainment, 40.0)
        own_card = cards.filtered(lambda card: card.user_id == self.rep_1)
        self.assertEqual(home.performance_scorecard_id, own_card)
        self.assertEqual(home.performance_scorecard_state, "self_review")
        opened = home.action_open_my_scorecard()
        self.assertEqual(
            (opened["res_model"], opened["res_id"]),
            ("performance.scorecard", own_card.id),
        )

    @freeze_time("2025-01-20")
    def test_home_is_the_users_own_row(self):
        """My Performance opens the rep's own row of ``performance.home``,
        with the figures ``res.users`` computes for them; another rep's row
        is out of reach. The web client describes that small model, not
        ``res.users`` (whose description works out every group): opening
        the home stays within a few queries."""
        mine = self._target(1000.0, owner=self.rep_1)
        action = (
            self.env["res.users"].with_user(self.rep_1).action_open_my_performance()
        )
        Home = self.env["performance.home"].with_user(self.rep_1)
        home = Home.browse(action["res_id"])
        self.assertEqual(home.user_id, self.rep_1)
        self.assertEqual(home.performance_target_ids, mine)
        self.assertEqual(Home.search([]), home)
        with self.assertRaises(AccessError):
            Home.browse(self.rep_2.id).read(["performance_target_ids"])
        views = [*action["views"], (False, "search")]
        options = {"toolbar": True, "load_filters": True}
        described = Home.get_views(views, options)
        self.assertNotIn("res.users", described["models"])
        self.env.invalidate_all()
        with self.assertQueryCount(QUERIES_GET_VIEWS):
            Home.get_views(views, options)
