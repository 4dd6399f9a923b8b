from datetime import date

from psycopg2.errors import LockNotAvailable

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestConcurrentApproval(BaseCase):
    """Two approvers on two connections approve the same statement at once.
    The data is committed (another connection must see it) and removed
    afterwards."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            period = env["performance.period"].create(
                {
                    "name": "Concurrency 2031-01",
                    "period_type": "month",
                    "date_start": date(2031, 1, 1),
                    "date_end": date(2031, 1, 31),
                    "company_id": company.id,
                }
            )
            rep = env["res.users"].create(
                {
                    "name": "Concurrency Rep",
                    "login": "concurrency_rep",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [
                        Command.link(
                            env.ref("sales_performance.group_performance_user").id
                        )
                    ],
                }
            )
            plan = env["incentive.plan"].create(
                {
                    "name": "Concurrency Plan",
                    "company_id": company.id,
                    "date_start": date(2031, 1, 1),
                    "date_end": date(2031, 12, 31),
                    "rule_ids": [
                        Command.create(
                            {
                                "name": "Flat",
                                "kind": "bonus",
                                "amount": 100,
                                "kpi_id": env.ref(
                                    "sales_performance.kpi_invoiced_revenue"
                                ).id,
                                "condition_measure": "value",
                                "condition_operator": ">=",
                                "condition_value": 0,
                            }
                        )
                    ],
                    "assignment_ids": [Command.create({"user_id": rep.id})],
                }
            )
            plan.action_publish()
            statement = plan.generate_statements(period)
            statement.action_submit()
            self.ids = {
                "period": period.id,
                "rep": rep.id,
                "plan": plan.id,
                "statement": statement.id,
            }
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM mail_activity WHERE res_model IN "
                "('incentive.statement', 'incentive.plan') AND res_id IN %s",
                [(self.ids["statement"], self.ids["plan"])],
            )
            cr.execute(
                "DELETE FROM incentive_statement WHERE id = %s",
                [self.ids["statement"]],
            )
            cr.execute("DELETE FROM incentive_plan WHERE id = %s", [self.ids["plan"]])
            cr.execute(
                "DELETE FROM performance_period WHERE id = %s", [self.ids["period"]]
            )
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["res.users"].browse(self.ids["rep"]).write(
                {"active": False, "login": f"concurrency_rep_{self.ids['rep']}"}
            )

    def test_two_approvers_one_transition(self):
        """One approval goes through; the other gets a retryable lock error,
        then, retried, finds the statement already approved."""
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            env_a["incentive.statement"].browse(self.ids["statement"]).action_approve()
            try:
                # The refused lock is expected: PostgreSQL's error is not logged.
                with mute_logger("odoo.sql_db"):
                    env_b["incentive.statement"].browse(
                        self.ids["statement"]
                    ).action_approve()
                locked = False
            except LockNotAvailable:
                locked = True
            self.assertTrue(locked, "the second approval must not go through")
            cr_b.rollback()
            cr_a.commit()
            try:
                env_b["incentive.statement"].browse(
                    self.ids["statement"]
                ).action_approve()
                retried = None
            except UserError as error:
                retried = str(error)
            cr_b.rollback()
        self.assertIn("this action does not apply", retried or "")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            statement = env["incentive.statement"].browse(self.ids["statement"])
            self.assertEqual(statement.state, "approved")
            self.assertEqual(statement.amount_total, 100.0)
            self.assertEqual(len(statement.line_ids), 1)
            validate = env.ref(
                "sales_performance_incentive.mail_activity_statement_validate"
            )
            self.assertEqual(
                len(
                    statement.activity_ids.filtered(
                        lambda activity: activity.activity_type_id == validate
                    )
                ),
                1,
            )
