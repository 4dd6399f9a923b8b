from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.sales_performance.hooks import _post_init_hook
from odoo.addons.sales_performance.models.res_groups import ACCESS_PARAM

from .common import PerformanceCommon


def _turn_mapping_off(env):
    """The database as it was before the suite: no sales role implies a
    level, nothing grants one."""
    env["res.groups"]._performance_sync_role_map(False)
    env["ir.config_parameter"].set_param(ACCESS_PARAM, False)


@tagged("post_install", "-at_install")
class TestAdoption(PerformanceCommon):
    """Installing on a running database: the people already there, with only
    Odoo's sales roles, get the levels of those roles."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _turn_mapping_off(cls.env)
        company = cls.env.company

        def user(login, groups):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )

        cls.old_rep = user("old_rep", "sales_team.group_sale_salesman")
        cls.old_other_rep = user("old_other_rep", "sales_team.group_sale_salesman")
        cls.old_leader = user("old_leader", "sales_team.group_sale_salesman")
        cls.old_all_docs = user(
            "old_all_docs", "sales_team.group_sale_salesman_all_leads"
        )
        cls.old_sales_admin = user("old_sales_admin", "sales_team.group_sale_manager")
        cls.old_team = cls.env["crm.team"].create(
            {
                "name": "Existing Team",
                "user_id": cls.old_leader.id,
                "company_id": company.id,
                "member_ids": [Command.set(cls.old_rep.ids)],
            }
        )
        cls.user_level = cls.env.ref("sales_performance.group_performance_user")
        cls.leader_level = cls.env.ref("sales_performance.group_performance_manager")
        cls.admin_level = cls.env.ref("sales_performance.group_performance_admin")

    def test_existing_users_have_no_level_before_install(self):
        """Odoo's sales roles alone grant nothing while the mapping is off."""
        for user in (self.old_rep, self.old_leader, self.old_sales_admin):
            self.assertFalse(user.has_group("sales_performance.group_performance_user"))

    def test_install_maps_sales_roles(self):
        """At install, each existing user gets the level of their sales role."""
        _post_init_hook(self.env)
        self.assertTrue(
            self.old_rep.has_group("sales_performance.group_performance_user")
        )
        self.assertFalse(
            self.old_rep.has_group("sales_performance.group_performance_manager")
        )
        self.assertTrue(
            self.old_all_docs.has_group("sales_performance.group_performance_manager")
        )
        self.assertFalse(
            self.old_all_docs.has_group("sales_performance.group_performance_hr")
        )
        self.assertTrue(
            self.old_sales_admin.has_group("sales_performance.group_performance_admin")
        )

    def test_install_makes_team_leaders_leaders(self):
        """A team's leader gets the Team Leader level, whatever their role."""
        _post_init_hook(self.env)
        self.assertTrue(
            self.old_leader.has_group("sales_performance.group_performance_manager")
        )

    def test_existing_users_work_from_day_one(self):
        """After install, the rep opens their home and reads their target;
        the leader reads the member's target, not another team's."""
        _post_init_hook(self.env)
        target = self._target(1000, period=self.jan, owner=self.old_rep)
        other = self._target(1000, period=self.jan, owner=self.rep_1)
        home = self.env["res.users"].with_user(self.old_rep)
        action = home.action_open_my_performance()
        self.assertEqual(action["res_id"], self.old_rep.id)
        self.old_rep.with_user(self.old_rep).performance_scorecard_id  # noqa: B018
        self.assertEqual(target.with_user(self.old_rep).target_value, 1000)
        with self.assertRaises(AccessError):
            other.with_user(self.old_rep).read(["target_value"])
        self.assertEqual(target.with_user(self.old_leader).user_id, self.old_rep)
        with self.assertRaises(AccessError):
            other.with_user(self.old_leader).read(["target_value"])

    def test_new_users_get_the_mapping(self):
        """After install, a user given a sales role later gets its level, and
        a newly named team leader the Team Leader level."""
        _post_init_hook(self.env)
        newcomer = new_test_user(
            self.env, login="newcomer", groups="sales_team.group_sale_salesman"
        )
        self.assertIn(self.user_level, newcomer.groups_id)
        self.assertNotIn(self.leader_level, newcomer.groups_id)
        self.old_team.user_id = newcomer
        self.assertIn(self.leader_level, newcomer.groups_id)
        promoted = new_test_user(
            self.env, login="promoted", groups="sales_team.group_sale_salesman"
        )
        promoted.groups_id += self.env.ref("sales_team.group_sale_manager")
        self.assertIn(self.admin_level, promoted.groups_id)

    def test_setting_turns_mapping_off(self):
        """Turned off in Settings, new users get no level; granted levels
        stay."""
        _post_init_hook(self.env)
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.performance_access_from_sales_roles)
        settings.performance_access_from_sales_roles = False
        settings.execute()
        self.assertNotIn(
            self.user_level, self.env.ref("sales_team.group_sale_salesman").implied_ids
        )
        self.assertIn(self.user_level, self.old_rep.groups_id)
        newcomer = new_test_user(
            self.env, login="newcomer", groups="sales_team.group_sale_salesman"
        )
        self.assertNotIn(self.user_level, newcomer.groups_id)
        self.env["crm.team"].create({"name": "New Team", "user_id": newcomer.id})
        self.assertNotIn(self.leader_level, newcomer.groups_id)
        settings = self.env["res.config.settings"].create({})
        settings.performance_access_from_sales_roles = True
        settings.execute()
        self.assertIn(self.user_level, newcomer.groups_id)
        self.assertIn(self.leader_level, newcomer.groups_id)


@tagged("post_install", "-at_install")
class TestSetupChecklist(PerformanceCommon):
    """The administrator's checklist ticks each step from the data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.new_company = cls.env["res.company"].create({"name": "Newly Adopting"})
        cls.env.user.company_ids += cls.new_company

    def _settings(self):
        return self.env["res.config.settings"].with_company(self.new_company).create({})

    def test_steps_tick_from_data(self):
        """Periods, KPIs, targets and a template tick their step once there."""
        settings = self._settings()
        self.assertFalse(settings.performance_setup_done)
        for step in (
            "performance_setup_periods",
            "performance_setup_kpis",
            "performance_setup_targets",
            "performance_setup_template",
        ):
            self.assertFalse(settings[step], step)
        Period = self.env["performance.period"]
        this_year = fields.Date.context_today(self.env.user).year
        year = Period.generate_fiscal_year(this_year, self.new_company)
        settings.action_performance_setup_kpis()
        month = year.child_ids.child_ids.sorted("date_start")[0]
        company_target = self.env["performance.target"].create(
            self._target_vals(
                10_000,
                period=month,
                owner=self.new_company,
                company_id=self.new_company.id,
            )
        )
        self.env["performance.scorecard.template"].create(
            {"name": "Field Sales", "company_id": self.new_company.id}
        )
        settings = self._settings()
        self.assertTrue(settings.performance_setup_periods)
        self.assertTrue(settings.performance_setup_kpis)
        self.assertTrue(settings.performance_setup_template)
        self.assertFalse(settings.performance_setup_targets)
        team = self.env["crm.team"].create(
            {"name": "Adopting Team", "company_id": self.new_company.id}
        )
        self.env["performance.target"].create(
            self._target_vals(
                10_000,
                period=month,
                owner=team,
                company_id=self.new_company.id,
                parent_id=company_target.id,
            )
        )
        self.assertTrue(self._settings().performance_setup_targets)

    def test_levels_step_counts_salespeople_without_one(self):
        """Salespeople without a level are counted and listed until granted."""
        _turn_mapping_off(self.env)
        before = self._settings().performance_setup_missing_levels
        late = new_test_user(
            self.env,
            login="late_rep",
            groups="sales_team.group_sale_salesman",
            company_id=self.new_company.id,
            company_ids=[Command.set(self.new_company.ids)],
        )
        # A salesperson of another company is that company's to set up.
        new_test_user(
            self.env, login="elsewhere_rep", groups="sales_team.group_sale_salesman"
        )
        settings = self._settings()
        self.assertEqual(settings.performance_setup_missing_levels, before + 1)
        self.assertIn("of this company ha", settings.performance_setup_levels_message)
        self.assertFalse(settings.performance_setup_levels)
        self.assertFalse(settings.performance_setup_done)
        listed = self.env["res.users"].search(
            settings.action_performance_setup_levels()["domain"]
        )
        self.assertIn(late, listed)
        late.groups_id += self.env.ref("sales_performance.group_performance_user")
        self.assertEqual(self._settings().performance_setup_missing_levels, before)
