from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ADMIN_GROUPS, LEADER_GROUPS, REP_GROUPS


def current_month(env):
    """The month period of today, generating its fiscal year when missing:
    the screens open on the current period."""
    company = env.company
    Period = env["performance.period"]
    today = fields.Date.context_today(Period)
    month = Period.search(
        [
            ("company_id", "=", company.id),
            ("period_type", "=", "month"),
            ("date_start", "<=", today),
            ("date_end", ">=", today),
        ]
    )
    if not month:
        last_month = int(company.fiscalyear_last_month)
        year = Period.generate_fiscal_year(
            today.year if today.month <= last_month else today.year + 1, company
        )
        month = year.child_ids.child_ids.filtered(
            lambda m: m.date_start <= today <= m.date_end
        )
    return month


class TargetTourCommon(HttpCase):
    """Targets in the current month, since the targets screen opens on it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        month = current_month(cls.env)
        cls.leader = new_test_user(
            cls.env, login="tour_leader", name="Leader A", groups=LEADER_GROUPS
        )
        cls.rep_1 = new_test_user(
            cls.env, login="tour_rep", name="Rep One", groups=REP_GROUPS
        )
        cls.rep_2 = new_test_user(
            cls.env, login="tour_rep_2", name="Rep Two", groups=REP_GROUPS
        )
        team = cls.env["crm.team"].create(
            {
                "name": "Team A",
                "user_id": cls.leader.id,
                "member_ids": [Command.set((cls.rep_1 | cls.rep_2).ids)],
            }
        )
        cls.team_target = cls.env["performance.target"].create(
            {
                "kpi_id": cls.env.ref("sales_performance.kpi_win_rate").id,
                "period_id": month.id,
                "owner_type": "team",
                "team_id": team.id,
                "target_value": 50.0,
            }
        )
        cls.team_target.action_allocate()
        cls.team_target.child_ids.action_compute()


@tagged("post_install", "-at_install")
class TestRepTourPhone(TargetTourCommon):
    browser_size = "375x667"
    touch_enabled = True

    def test_rep_targets_at_phone_width(self):
        """A rep opens their targets on a phone and sees their own card only."""
        self.start_tour(
            "/odoo/action-sales_performance.action_performance_target",
            "sales_performance_rep_targets",
            login="tour_rep",
        )


@tagged("post_install", "-at_install")
class TestRepTourDesktop(TargetTourCommon):
    def test_rep_targets_at_desktop_width(self):
        """The same rep flow works on a desktop screen."""
        self.start_tour(
            "/odoo/action-sales_performance.action_performance_target",
            "sales_performance_rep_targets",
            login="tour_rep",
        )


@tagged("post_install", "-at_install")
class TestRepHomeTour(TargetTourCommon):
    def setUp(self):
        super().setUp()
        self.rep_1.action_id = self.env.ref(
            "sales_performance.action_my_performance"
        ).id

    def test_rep_lands_on_home_with_app_menu(self):
        """A rep whose home is My Performance lands inside the app, at the
        top of their page, with figures as people read them."""
        self.start_tour("/odoo", "sales_performance_rep_home", login="tour_rep")

    def test_rep_lands_on_home_on_phone(self):
        """The same on a phone: the burger menu holds the app's sections."""
        self.browser_size = "375x667"
        self.touch_enabled = True
        self.start_tour("/odoo", "sales_performance_rep_home_phone", login="tour_rep")


@tagged("post_install", "-at_install")
class TestLeaderTour(TargetTourCommon):
    def test_leader_opens_team_allocation(self):
        """A team leader opens the team target and its reps' shares."""
        self.start_tour(
            "/odoo/action-sales_performance.action_performance_target",
            "sales_performance_leader_targets",
            login="tour_leader",
        )


@tagged("post_install", "-at_install")
class TestLeaderTourPhone(TargetTourCommon):
    browser_size = "375x667"
    touch_enabled = True

    def test_leader_opens_team_allocation_on_phone(self):
        """The leader flow works on a phone, smart buttons folded."""
        self.start_tour(
            "/odoo/action-sales_performance.action_performance_target",
            "sales_performance_leader_targets_phone",
            login="tour_leader",
        )


class ScorecardTourCommon(HttpCase):
    """A scorecard of a rep, for the rep to submit and the leader to approve."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader = new_test_user(
            cls.env, login="sc_tour_leader", name="Tour Leader", groups=LEADER_GROUPS
        )
        cls.rep = new_test_user(
            cls.env, login="sc_tour_rep", name="Tour Rep", groups=REP_GROUPS
        )
        team = cls.env["crm.team"].create(
            {
                "name": "Tour Team",
                "user_id": cls.leader.id,
                "member_ids": [Command.set(cls.rep.ids)],
            }
        )
        Period = cls.env["performance.period"]
        period = Period.create(
            {
                "name": "Tour month",
                "period_type": "month",
                "date_start": "2019-01-01",
                "date_end": "2019-01-31",
            }
        )
        template = cls.env["performance.scorecard.template"].create(
            {
                "name": "Tour Template",
                "team_ids": [Command.set(team.ids)],
                "line_ids": [
                    Command.create(
                        {
                            "kpi_id": cls.env.ref(
                                "sales_performance.kpi_invoiced_revenue"
                            ).id,
                            "weight": 100,
                            "default_target": 1000,
                        }
                    )
                ],
                "band_ids": [
                    Command.create({"name": name, "min_score": low, "max_score": high})
                    for name, low, high in [
                        ("A", 120, 150),
                        ("B", 100, 120),
                        ("C", 0, 100),
                    ]
                ],
            }
        )
        cls.card = template.generate_scorecards(period)
        cls.env["performance.target"].create(
            {
                "kpi_id": cls.env.ref("sales_performance.kpi_won_count").id,
                "period_id": current_month(cls.env).id,
                "owner_type": "user",
                "user_id": cls.rep.id,
                "target_value": 4,
            }
        )


@tagged("post_install", "-at_install")
class TestScorecardTours(ScorecardTourCommon):
    def test_rep_submits_self_review(self):
        """A rep writes their self review and submits it, on a desktop."""
        self.start_tour(
            "/odoo/action-sales_performance.action_my_performance",
            "sales_performance_rep_scorecard",
            login="sc_tour_rep",
        )
        self.assertEqual(self.card.state, "manager_review")
        self.assertIn("two new key accounts", self.card.self_review)

    def test_leader_approves_from_activity(self):
        """The leader opens the activity and approves, on a desktop."""
        self.card.with_user(self.rep).action_submit()
        self.start_tour(
            "/odoo", "sales_performance_leader_approves", login="sc_tour_leader"
        )
        self.assertEqual(self.card.state, "hr_calibration")


@tagged("post_install", "-at_install")
class TestScorecardToursPhone(ScorecardTourCommon):
    browser_size = "375x667"
    touch_enabled = True

    def test_rep_submits_self_review_on_phone(self):
        """A rep writes their self review and submits it, on a phone."""
        self.start_tour(
            "/odoo/action-sales_performance.action_my_performance",
            "sales_performance_rep_scorecard_phone",
            login="sc_tour_rep",
        )
        self.assertEqual(self.card.state, "manager_review")

    def test_leader_approves_from_activity_on_phone(self):
        """The leader opens the activity and approves, on a phone."""
        self.card.with_user(self.rep).action_submit()
        self.start_tour(
            "/odoo", "sales_performance_leader_approves_phone", login="sc_tour_leader"
        )
        self.assertEqual(self.card.state, "hr_calibration")


@tagged("post_install", "-at_install")
class TestCloseTour(HttpCase):
    def test_admin_closes_period_from_dialog(self):
        """Desktop: the administrator opens the close dialog, sees the flag
        pending, closes anyway and reads the summary in the chatter."""
        company = self.env.company
        Period = self.env["performance.period"]
        year = Period.generate_fiscal_year(2019, company)
        month = year.child_ids.child_ids.sorted("date_start")[0]
        new_test_user(
            self.env, login="tour_close_admin", name="Close Admin", groups=ADMIN_GROUPS
        )
        rep = new_test_user(
            self.env, login="tour_close_rep", name="Close Rep", groups=REP_GROUPS
        )
        self.env["performance.target"].create(
            {
                "kpi_id": self.env.ref("sales_performance.kpi_won_count").id,
                "period_id": month.id,
                "owner_type": "user",
                "user_id": rep.id,
                "target_value": 5,
            }
        )
        self.env["performance.anomaly"].create(
            {
                "rule_id": self.env.ref(
                    "sales_performance.anomaly_rule_large_document"
                ).id,
                "key": "tour:close",
                "user_id": rep.id,
                "company_id": company.id,
                "date": month.date_start,
                "description": "A large invoice.",
            }
        )
        self.start_tour(
            f"/odoo/action-sales_performance.action_performance_period/{month.id}",
            "sales_performance_close_period",
            login="tour_close_admin",
        )
        self.assertEqual(month.state, "closed")
