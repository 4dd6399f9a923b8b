from datetime import date

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.sales_performance.hooks import _post_init_hook
from odoo.addons.sales_performance.models.res_groups import ACCESS_PARAM

from .common import IncentiveCommon


@tagged("post_install", "-at_install")
class TestAdoption(IncentiveCommon):
    """On a database in use, people who had only Odoo's sales roles before
    the install take part in a plan and approve statements as their role
    allows, from the first day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.groups"]._performance_sync_role_map(False)
        cls.env["ir.config_parameter"].set_param(ACCESS_PARAM, False)
        company = cls.env.company

        def user(login):
            return new_test_user(
                cls.env,
                login=login,
                groups="sales_team.group_sale_salesman",
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )

        cls.old_rep = user("old_rep")
        cls.old_leader = user("old_leader")
        cls.env["crm.team"].create(
            {
                "name": "Existing Team",
                "user_id": cls.old_leader.id,
                "company_id": company.id,
                "member_ids": [Command.set(cls.old_rep.ids)],
            }
        )
        _post_init_hook(cls.env)
        cls._invoices([(cls.old_rep, 10_000, date(2025, 1, 10))])

    def _activity(self, record, xmlid, user):
        activity_type = self.env.ref(f"sales_performance_incentive.{xmlid}")
        return record.activity_ids.filtered(
            lambda activity: (
                activity.activity_type_id == activity_type and activity.user_id == user
            )
        )

    def test_plan_accepted_and_statement_approved_by_existing_users(self):
        """The rep accepts the published plan from their activity and reads
        their statement; the leader approves it from theirs."""
        plan = self._plan([{"kind": "percentage", "rate": 5}], users=self.old_rep)
        accept = self._activity(plan, "mail_activity_plan_accept", self.old_rep)
        self.assertTrue(accept)
        self.assertEqual(
            accept.with_user(self.old_rep).res_name, plan.with_user(self.old_rep).name
        )
        assignment = plan.assignment_ids.with_user(self.old_rep)
        assignment.action_accept()
        self.assertEqual(assignment.state, "accepted")
        self.assertFalse(accept.exists())

        statement = self._statement(plan, self.old_rep)
        self.assertEqual(statement.with_user(self.old_rep).amount_total, 500.0)
        statement.action_submit()
        approve = self._activity(
            statement, "mail_activity_statement_approve", self.old_leader
        )
        self.assertTrue(approve)
        as_leader = statement.with_user(self.old_leader)
        self.assertEqual(as_leader.user_id, self.old_rep)
        as_leader.action_approve()
        self.assertEqual(statement.state, "approved")
        self.assertEqual(statement.approved_by_id, self.old_leader)
        self.assertFalse(approve.exists())
