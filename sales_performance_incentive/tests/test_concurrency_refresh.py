from datetime import date

from psycopg2.errors import LockNotAvailable

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import SQL, mute_logger


class ConcurrencyCase(BaseCase):
    """Two people on two connections act on the same record at once. The
    data is committed (the other connection must see it) and removed
    afterwards."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        self.ids = {}
        self.addCleanup(self._cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.company = env.ref("base.main_company")
            self.ids["period"] = (
                env["performance.period"]
                .create(
                    {
                        "name": "Concurrent refresh 2032-01",
                        "period_type": "month",
                        "date_start": date(2032, 1, 1),
                        "date_end": date(2032, 1, 31),
                        "company_id": self.company.id,
                    }
                )
                .id
            )
            self.ids["users"] = (
                self._new_user(
                    env, "refresh_rep", "sales_performance.group_performance_user"
                )
                | self._new_user(
                    env, "refresh_hr_a", "sales_performance.group_performance_hr"
                )
                | self._new_user(
                    env, "refresh_hr_b", "sales_performance.group_performance_hr"
                )
            ).ids
            self._build(env)

    def _new_user(self, env, login, group):
        return env["res.users"].create(
            {
                "name": login.replace("_", " ").title(),
                "login": login,
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "groups_id": [Command.link(env.ref(group).id)],
            }
        )

    def _build(self, env):
        raise NotImplementedError

    def _records(self):
        """(model, ids) of the records made, deleted in this order."""
        return []

    def _made(self, key):
        return [self.ids[key]] if key in self.ids else []

    def _cleanup(self):
        with self.registry.cursor() as cr:
            for model, ids in self._records():
                if not ids:
                    continue
                for table, column in (
                    ("mail_activity", "res_model"),
                    ("mail_message", "model"),
                    ("mail_followers", "res_model"),
                ):
                    cr.execute(
                        SQL(
                            "DELETE FROM %s WHERE %s = %s AND res_id IN %s",
                            SQL.identifier(table),
                            SQL.identifier(column),
                            model,
                            tuple(ids),
                        )
                    )
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE id IN %s",
                        SQL.identifier(model.replace(".", "_")),
                        tuple(ids),
                    )
                )
            if self.ids.get("period"):
                cr.execute(
                    "DELETE FROM performance_period WHERE id = %s", [self.ids["period"]]
                )
            env = api.Environment(cr, SUPERUSER_ID, {})
            for user in env["res.users"].browse(self.ids.get("users", [])):
                user.write({"active": False, "login": f"{user.login}_{user.id}"})

    def _race(self, model, record_id, method, uid=SUPERUSER_ID, args=()):
        """Run ``method`` on two connections at once: the first holds its
        transaction open while the second tries. Returns whether the second
        was refused with a retryable lock error, then commits the first and
        retries the second (its result or UserError message is returned)."""
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, uid, {})
            env_b = api.Environment(cr_b, uid, {})
            getattr(env_a[model].browse(record_id), method)(*args)
            try:
                # The refused lock is expected: PostgreSQL's error is not logged.
                with mute_logger("odoo.sql_db"):
                    getattr(env_b[model].browse(record_id), method)(*args)
                locked = False
            except LockNotAvailable:
                locked = True
            cr_b.rollback()
            cr_a.commit()
            try:
                retried = getattr(env_b[model].browse(record_id), method)(*args)
            except UserError as error:
                retried = str(error)
            cr_b.commit()
        return locked, retried


@tagged("post_install", "-at_install")
class TestConcurrentStatementRefresh(ConcurrencyCase):
    def _build(self, env):
        plan = env["incentive.plan"].create(
            {
                "name": "Concurrent Refresh Plan",
                "company_id": self.company.id,
                "date_start": date(2032, 1, 1),
                "date_end": date(2032, 12, 31),
                "rule_ids": [
                    Command.create(
                        {
                            "name": "Flat",
                            "kind": "bonus",
                            "amount": 250,
                            "kpi_id": env.ref(
                                "sales_performance.kpi_invoiced_revenue"
                            ).id,
                            "condition_measure": "value",
                            "condition_operator": ">=",
                            "condition_value": 0,
                        }
                    )
                ],
                "assignment_ids": [Command.create({"user_id": self.ids["users"][0]})],
            }
        )
        self.ids["plan"] = plan.id
        plan.action_publish()
        period = env["performance.period"].browse(self.ids["period"])
        self.ids["statement"] = plan.generate_statements(period).id

    def _records(self):
        return [
            (
                "incentive.statement",
                [self.ids.get("statement")] if "statement" in self.ids else [],
            ),
            ("incentive.plan", [self.ids["plan"]] if "plan" in self.ids else []),
        ]

    def test_two_refreshes_one_set_of_lines(self):
        """Two refreshes of one draft statement at once: one goes through, the
        other gets a retryable lock error; retried, it leaves one line and the
        single-refresh total."""
        with self.registry.cursor() as cr:
            statement = api.Environment(cr, SUPERUSER_ID, {})[
                "incentive.statement"
            ].browse(self.ids["statement"])
            single_total = statement.amount_total
            single_lines = len(statement.line_ids)
        self.assertEqual(single_total, 250.0)
        self.assertEqual(single_lines, 1)
        locked, retried = self._race(
            "incentive.statement", self.ids["statement"], "action_compute"
        )
        self.assertTrue(locked, "the second refresh must not run alongside the first")
        self.assertIs(retried, True)
        with self.registry.cursor() as cr:
            statement = api.Environment(cr, SUPERUSER_ID, {})[
                "incentive.statement"
            ].browse(self.ids["statement"])
            self.assertEqual(statement.state, "draft")
            self.assertEqual(len(statement.line_ids), single_lines)
            self.assertEqual(statement.amount_total, single_total)

    def test_daily_job_skips_a_locked_statement(self):
        """The daily job meets a statement somebody is refreshing: it leaves
        that one for its next run instead of failing the whole job."""
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            before = env_b["incentive.statement"].browse(self.ids["statement"])
            computed = before.computed_date
            env_a["incentive.statement"].browse(self.ids["statement"]).action_compute()
            env_b["incentive.statement"]._cron_compute()
            env_b.flush_all()
            before.invalidate_recordset()
            self.assertEqual(before.computed_date, computed)
            cr_b.rollback()
            cr_a.rollback()
        # Asked directly, a refresh still says it must wait.
        locked, _retried = self._race(
            "incentive.statement", self.ids["statement"], "action_compute"
        )
        self.assertTrue(locked)


@tagged("post_install", "-at_install")
class TestConcurrentScorecard(ConcurrencyCase):
    def _build(self, env):
        template = env["performance.scorecard.template"].create(
            {
                "name": "Concurrent Refresh Template",
                "company_id": self.company.id,
                "user_ids": [Command.set(self.ids["users"][:1])],
                "line_ids": [
                    Command.create(
                        {
                            "kpi_id": env.ref(
                                "sales_performance.kpi_invoiced_revenue"
                            ).id,
                            "weight": 100,
                            "default_target": 1000,
                        }
                    )
                ],
            }
        )
        self.ids["template"] = template.id
        period = env["performance.period"].browse(self.ids["period"])
        card = template.generate_scorecards(period)
        self.ids["scorecard"] = card.id

    def _records(self):
        return [
            (
                "performance.scorecard",
                [self.ids["scorecard"]] if "scorecard" in self.ids else [],
            ),
            (
                "performance.scorecard.template",
                [self.ids["template"]] if "template" in self.ids else [],
            ),
        ]

    def _card_state(self):
        with self.registry.cursor() as cr:
            card = api.Environment(cr, SUPERUSER_ID, {})[
                "performance.scorecard"
            ].browse(self.ids["scorecard"])
            return {
                "state": card.state,
                "lines": len(card.line_ids),
                "targets": card.line_ids.mapped("target"),
                "activities": len(card.activity_ids),
            }

    def test_two_refreshes_one_set_of_lines(self):
        """Two refreshes of one scorecard at once: one goes through, the other
        gets a retryable lock error; retried, the lines are the same."""
        before = self._card_state()
        self.assertEqual(before["lines"], 1)
        locked, retried = self._race(
            "performance.scorecard", self.ids["scorecard"], "action_compute"
        )
        self.assertTrue(locked, "the second refresh must not run alongside the first")
        self.assertIs(retried, True)
        self.assertEqual(self._card_state(), before)

    def test_two_approvers_one_transition(self):
        """Two HR officers approve one scorecard at calibration at once: one
        approval goes through, the other gets a retryable lock error, then,
        retried, finds the scorecard already approved."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["performance.scorecard"].browse(self.ids["scorecard"])._move_to(
                "hr_calibration"
            )
        hr_a, hr_b = self.ids["users"][1:]
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            card_a = api.Environment(cr_a, hr_a, {})["performance.scorecard"].browse(
                self.ids["scorecard"]
            )
            card_b = api.Environment(cr_b, hr_b, {})["performance.scorecard"].browse(
                self.ids["scorecard"]
            )
            card_a.action_approve()
            with self.assertRaises(LockNotAvailable), mute_logger("odoo.sql_db"):
                card_b.action_approve()
            cr_b.rollback()
            cr_a.commit()
            with self.assertRaisesRegex(UserError, "this action does not apply"):
                card_b.action_approve()
            cr_b.rollback()
        after = self._card_state()
        self.assertEqual(after["state"], "approved")
        self.assertEqual(after["lines"], 1)
        # Approved: no step waits on anybody any more.
        with self.registry.cursor() as cr:
            card = api.Environment(cr, SUPERUSER_ID, {})[
                "performance.scorecard"
            ].browse(self.ids["scorecard"])
            self.assertFalse(card.activity_ids)
