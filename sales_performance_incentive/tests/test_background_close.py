from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.base.models import ir_cron
from odoo.addons.sales_performance.models.performance_period_background import (
    PerformancePeriod,
)

from .committed_case import CommittedCase

CRON = "sales_performance.ir_cron_performance_period_close"
CRON_2 = "sales_performance.ir_cron_performance_period_close_2"
REP_GROUPS = (
    "sales_team.group_sale_salesman",
    "sales_performance.group_performance_user",
)


@tagged("post_install", "-at_install")
class TestBackgroundClose(CommittedCase):
    """The close of a period above the company's size, through Odoo's
    scheduled-job workers on committed data: seven salespeople (two teams
    and one without a team) in chunks of two, their targets, scorecards
    and statements compared with the same period closed in one go."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            self.ids = self._build(self._env(cr))

    def _build(self, env):
        company = env.ref("base.main_company")
        company.write(
            {"performance_close_background_size": 3, "performance_close_chunk_size": 2}
        )
        period = env["performance.period"].create(
            {
                "name": "Background 2033-03",
                "period_type": "month",
                "date_start": date(2033, 3, 1),
                "date_end": date(2033, 3, 31),
                "company_id": company.id,
            }
        )
        rep_groups = [Command.set([env.ref(xmlid).id for xmlid in REP_GROUPS])]
        Users = env["res.users"].with_context(no_reset_password=True)
        reps = Users.create(
            [
                {
                    "name": f"Background Rep {index}",
                    "login": f"background_rep_{index}",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": rep_groups,
                }
                for index in range(7)
            ]
        )
        admin = Users.create(
            {
                "name": "Background Closer",
                "login": "background_closer",
                "email": "background.closer@example.com",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [
                    Command.set(
                        [
                            env.ref("base.group_user").id,
                            env.ref("sales_performance.group_performance_admin").id,
                        ]
                    )
                ],
            }
        )
        teams = env["crm.team"].create(
            [
                {
                    "name": "Background Team A",
                    "user_id": reps[0].id,
                    "company_id": company.id,
                    "member_ids": [Command.set(reps[:3].ids)],
                },
                {
                    "name": "Background Team B",
                    "user_id": reps[3].id,
                    "company_id": company.id,
                    "member_ids": [Command.set(reps[3:6].ids)],
                },
            ]
        )
        kpi = env.ref("sales_performance.kpi_invoiced_revenue")
        Target = env["performance.target"]
        target_base = {"kpi_id": kpi.id, "period_id": period.id}
        Target.create(
            [{**target_base, "owner_type": "company", "target_value": 7000.0}]
            + [
                {
                    **target_base,
                    "owner_type": "team",
                    "team_id": t.id,
                    "target_value": 3000.0,
                }
                for t in teams
            ]
            + [
                {
                    **target_base,
                    "owner_type": "user",
                    "user_id": r.id,
                    "target_value": 1000.0,
                }
                for r in reps
            ]
        )
        template = env["performance.scorecard.template"].create(
            {
                "name": "Background Template",
                "company_id": company.id,
                "team_ids": [Command.set(teams.ids)],
                "user_ids": [Command.set(reps[6].ids)],
                "line_ids": [Command.create({"kpi_id": kpi.id, "weight": 100})],
            }
        )
        # The template is in use in the period: the close makes the rest.
        template.generate_scorecards(period, users=reps[:1])
        plan = env["incentive.plan"].create(
            {
                "name": "Background Plan",
                "company_id": company.id,
                "date_start": date(2033, 1, 1),
                "date_end": date(2033, 12, 31),
                "rule_ids": [
                    Command.create(
                        {"name": "Commission", "kind": "percentage", "rate": 5.0}
                    ),
                    Command.create(
                        {
                            "name": "Accelerator",
                            "kind": "tiered",
                            "kpi_id": kpi.id,
                            "tier_basis": "attainment",
                            "tier_mode": "marginal",
                            "tier_ids": [
                                Command.create({"lower": 0, "upper": 100, "rate": 0}),
                                Command.create({"lower": 100, "upper": 0, "rate": 2}),
                            ],
                        }
                    ),
                ],
                "assignment_ids": [Command.create({"team_id": teams[0].id})]
                + [Command.create({"user_id": r.id}) for r in reps[3:]],
            }
        )
        plan.action_publish()
        customer = env["res.partner"].create({"name": "Background Customer"})
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": date(2033, 3, 5 + index),
                    "invoice_user_id": rep.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Service",
                                "quantity": 1,
                                "price_unit": 400.0 * (index + 1),
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for index, rep in enumerate(reps)
            ]
        )
        moves.action_post()
        return {"period": period.id, "reps": reps.ids, "admin": admin.id}

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _period(self, cr, uid=None):
        env = self._env(cr, uid or self.ids["admin"])
        return env["performance.period"].browse(self.ids["period"])

    def _start(self):
        """*Close Period* as the administrator, committed."""
        with self.registry.cursor() as cr:
            return self._period(cr).action_close()

    def _snapshot(self, period):
        """Everything the close made in ``period``, by natural keys: doubles
        and losses show as different counts."""
        env = period.env(su=True)
        domain = [("period_id", "=", period.id)]
        targets = env["performance.target"].search(domain)
        cards = env["performance.scorecard"].search(domain)
        statements = env["incentive.statement"].search(domain)

        def mail(records):
            return sorted(
                (
                    record.user_id.login,
                    len(record.message_ids),
                    tuple(
                        sorted(record.message_follower_ids.partner_id.mapped("name"))
                    ),
                    tuple(
                        sorted(
                            (a.activity_type_id.name, a.user_id.login)
                            for a in record.activity_ids
                        )
                    ),
                )
                for record in records
            )

        summary = period.message_ids.filtered(
            lambda message: "Period closed by" in (message.body or "")
        )
        return {
            "state": period.state,
            "closed_by": period.closed_by_id.login,
            "targets": sorted(
                (t.owner_type, t.owner_name, t.actual, t.attainment) for t in targets
            ),
            "scorecards": sorted(
                (
                    card.user_id.login,
                    card.state,
                    card.total_score,
                    card.rating,
                    tuple(
                        (line.target, line.actual, line.score) for line in card.line_ids
                    ),
                )
                for card in cards
            ),
            "statements": sorted(
                (
                    st.user_id.login,
                    st.state,
                    st.amount_total,
                    tuple(
                        sorted(
                            (line.kind, line.base, line.rate, line.amount, line.name)
                            for line in st.line_ids
                        )
                    ),
                )
                for st in statements
            ),
            "scorecard_mail": mail(cards),
            "statement_mail": mail(statements),
            "summary": [message.body for message in summary],
        }

    def _one_go(self):
        """The same period closed in the click, rolled back."""
        with self.registry.cursor() as cr:
            period = self._period(cr)
            period.company_id.sudo().performance_close_background_size = 0
            self.assertIs(period.action_close(), True)
            snapshot = self._snapshot(period)
            cr.rollback()
        self.assertEqual(snapshot["state"], "closed")
        return snapshot

    def _background(self):
        with self.registry.cursor() as cr:
            return self._snapshot(self._period(cr))

    def _job(self, cr):
        return self._period(cr).close_job_id.sudo()

    def _run_worker(self, batches=None):
        """One cron worker's run; ``batches`` limits the steps it takes
        before it lets another worker go on (Odoo takes 10)."""
        limit = batches or ir_cron.MAX_BATCH_PER_CRON_JOB
        with patch.object(ir_cron, "MAX_BATCH_PER_CRON_JOB", limit):
            return self.run_cron_worker(CRON)

    def _progress(self):
        with self.registry.cursor() as cr:
            period = self._period(cr)
            return (
                period.close_state,
                period.close_chunk_done_count,
                period.close_chunk_count,
            )

    # ------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------

    def test_chunks_progress_and_equality(self):
        """Above the size the click only plans the close: the company and
        team targets, then the salespeople two by two, teams together; each
        worker step commits one chunk and reports progress to Odoo; the end
        freezes the period, tells the starter, and the result is that of a
        close in one go."""
        reps = self.ids["reps"]
        reference = self._one_go()
        action = self._start()
        self.assertEqual(action["tag"], "display_notification")
        with self.registry.cursor() as cr:
            period = self._period(cr)
            job = self._job(cr)
            self.assertEqual(period.state, "open")
            chunks = job.chunk_ids.sorted("sequence")
            self.assertFalse(chunks[0].user_ids, "company and team targets first")
            # Team A (three) over two chunks, team B likewise, the one
            # without a team with the last of team B.
            self.assertEqual(
                [chunk.user_ids.ids for chunk in chunks[1:]],
                [reps[:2], reps[2:3], reps[3:5], reps[5:7]],
            )
        self.assertEqual(self._progress(), ("running", 0, 5))
        self.assertTrue(self._run_worker(batches=2))
        self.assertEqual(self._progress(), ("running", 2, 5))
        with self.registry.cursor() as cr:
            progress = self._env(cr)["ir.cron.progress"].search(
                [("cron_id", "=", self._env(cr).ref(CRON).id)], order="id"
            )
            self.assertEqual(progress.mapped("done"), [1, 1])
            self.assertEqual(progress.mapped("remaining"), [5, 4])
        # Another worker (of any server) takes the rest, the end included.
        self.assertTrue(self._run_worker())
        self.assertFalse(self._run_worker(), "nothing left to run")
        self.assertEqual(self._progress(), ("done", 5, 5))
        result = self._background()
        self.assertEqual(result, reference)
        self.assertEqual(len(result["summary"]), 1)
        with self.registry.cursor() as cr:
            period = self._period(cr)
            summary = period.message_ids.filtered(
                lambda message: "Period closed by Background Closer" in message.body
            )
            self.assertEqual(summary.partner_ids, period.env.user.partner_id)

    def test_second_close_refused(self):
        """While one connection starts the close, a second one is refused at
        once; once the close runs in the background, every new attempt is
        refused with its progress until it is done."""
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            self._period(cr_a).action_close()
            with self.assertRaisesRegex(UserError, "Someone else is closing"):
                self._period(cr_b).action_close()
            cr_b.rollback()
            cr_a.commit()
            with self.assertRaisesRegex(UserError, "0 of 5 chunks done"):
                self._period(cr_b).action_close()
            with self.assertRaisesRegex(UserError, "already runs in the background"):
                self._period(cr_b).action_open_close_wizard()
            with self.assertRaisesRegex(UserError, "already runs in the background"):
                self._period(cr_b).action_reopen()
            cr_b.rollback()
        self.assertTrue(self._run_worker())
        with self.registry.cursor() as cr:
            self.assertEqual(self._period(cr).state, "closed")
            self.assertEqual(
                len(
                    self._env(cr)["performance.period.close.job"].search(
                        [("period_id", "=", self.ids["period"])]
                    )
                ),
                1,
            )

    def test_failed_chunk_then_resume(self):
        """A chunk that raises is rolled back alone: the others are kept, the
        close stops and tells the starter; *Close Period* again runs the
        failed chunk only, and the result is that of a close in one go."""
        reference = self._one_go()
        self._start()
        victim = self.ids["reps"][3]
        original = PerformancePeriod._run_close_chunk

        def failing(period, scope, users):
            result = original(period, scope, users)
            if victim in users.ids:
                raise ValueError("Injected failure")
            return result

        with (
            patch.object(PerformancePeriod, "_run_close_chunk", failing),
            mute_logger(
                "odoo.addons.sales_performance.models.performance_period_close_job"
            ),
        ):
            self.assertTrue(self._run_worker())
        self.assertEqual(self._progress(), ("failed", 4, 5))
        with self.registry.cursor() as cr:
            period = self._period(cr)
            self.assertEqual(period.state, "open")
            self.assertIn("Injected failure", period.close_error)
            self.assertFalse(
                self._env(cr)["incentive.statement"].search(
                    [("period_id", "=", period.id), ("user_id", "=", victim)]
                ),
                "the failed chunk's work is rolled back",
            )
            stopped = period.message_ids.filtered(
                lambda message: "stopped" in message.body
            )
            self.assertEqual(stopped.partner_ids, period.env.user.partner_id)
        self._start()
        self.assertEqual(self._progress(), ("running", 4, 5))
        self.assertTrue(self._run_worker())
        self.assertEqual(self._progress(), ("done", 5, 5))
        self.assertEqual(self._background(), reference)

    def test_killed_worker_then_resume(self):
        """A worker killed in the middle of a chunk (its transaction never
        commits) leaves the chunks committed before as they are; the next
        worker finishes the rest without doing any twice."""
        reference = self._one_go()
        self._start()
        self.assertTrue(self._run_worker(batches=3))
        self.assertEqual(self._progress(), ("running", 3, 5))
        # The fourth chunk is computed, then the process dies before its
        # commit: PostgreSQL rolls it back and releases its locks.
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["performance.period.close.job"]._cron_run()
            cr.rollback()
        self.assertEqual(self._progress(), ("running", 3, 5))
        self.assertTrue(self._run_worker())
        self.assertEqual(self._progress(), ("done", 5, 5))
        self.assertEqual(self._background(), reference)

    def test_two_workers_at_once(self):
        """The click wakes both scheduled actions of the close; two workers
        on two connections take different chunks at the same time, neither
        waits for the other, and together they close the period as in one
        go."""
        reference = self._one_go()
        self._start()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            crons = env["performance.period.close.job"]._get_crons()
            self.assertEqual(crons, env.ref(CRON) | env.ref(CRON_2))
            triggered = env["ir.cron.trigger"].search([("cron_id", "in", crons.ids)])
            self.assertEqual(triggered.cron_id, crons)
        for pair in range(2):
            with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
                # B gives up rather than wait for a lock A holds.
                cr_b.execute("SET LOCAL lock_timeout = '5s'")
                self._env(cr_a)["performance.period.close.job"]._cron_run()
                self._env(cr_b)["performance.period.close.job"]._cron_run()
                cr_a.commit()
                cr_b.commit()
            self.assertEqual(self._progress(), ("running", 2 * pair + 2, 5))
        with patch.object(ir_cron, "MAX_BATCH_PER_CRON_JOB", 1):
            self.assertTrue(self.run_cron_worker(CRON_2))
            self.assertTrue(self.run_cron_worker(CRON))
        self.assertEqual(self._progress(), ("done", 5, 5))
        self.assertEqual(self._background(), reference)
