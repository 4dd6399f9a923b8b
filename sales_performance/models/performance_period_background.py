from collections import defaultdict

from markupsafe import Markup
from psycopg2.errors import LockNotAvailable

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class PerformancePeriod(models.Model):
    """The close of a large period in the background: above the company's
    size, *Close Period* splits the salespeople of the period into chunks
    that the scheduled job closes one by one (``performance.period.close.job``);
    the last step freezes the period and posts the same summary as a close
    in the click. ``performance_period.py`` holds the period and the close
    itself."""

    _inherit = "performance.period"

    close_job_id = fields.Many2one(
        "performance.period.close.job",
        string="Background Close",
        readonly=True,
        copy=False,
    )
    close_state = fields.Selection(related="close_job_id.state", string="Close Status")
    close_progress = fields.Float(
        related="close_job_id.progress", string="Close Progress"
    )
    close_chunk_count = fields.Integer(related="close_job_id.chunk_count")
    close_chunk_done_count = fields.Integer(related="close_job_id.chunk_done_count")
    close_error = fields.Text(related="close_job_id.error")

    def action_close(self):
        """Close the small periods in the click; start the close of the
        periods above the company's size in the background, or resume their
        stopped close."""
        self._check_open()
        self.check_access("write")
        self._lock_for_close()
        stopped = self.filtered(lambda period: period.close_state == "failed")
        for period in stopped:
            period.close_job_id.sudo()._resume()
            period._notify_close(
                _(
                    "%(user)s resumed the background close of %(period)s.",
                    user=self.env.user.name,
                    period=period.display_name,
                ),
                None,
            )
        background = self.env["performance.period"]
        plans = {}
        for period in self - stopped:
            scope = period._get_close_scope()
            users = period._get_close_users(scope)
            limit = period.company_id.performance_close_background_size
            if limit and len(users) > limit:
                background |= period
                plans[period] = (scope, users)
        in_click = self - stopped - background
        if in_click:
            super(PerformancePeriod, in_click).action_close()
        for period in background:
            period._start_background_close(*plans[period])
        if not (stopped or background):
            return True
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": _(
                    "The close runs in the background; you will be notified "
                    "when it is done. Its progress shows on the period."
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_reopen(self):
        self._check_no_background_close()
        return super().action_reopen()

    def action_open_close_wizard(self):
        self._check_no_background_close()
        return super().action_open_close_wizard()

    def _check_no_background_close(self):
        for period in self:
            job = period.close_job_id
            if period.close_state == "running":
                raise UserError(
                    _(
                        "The close of %(period)s already runs in the background, "
                        "started by %(user)s: %(done)s of %(count)s chunks done. "
                        "Wait until it is done.",
                        period=period.display_name,
                        user=job.sudo().user_id.name,
                        done=job.chunk_done_count,
                        count=job.chunk_count,
                    )
                )

    def _lock_for_close(self):
        """Lock these periods for the close, refusing at once when another
        close holds them (another connection inside its close) or runs in
        the background."""
        try:
            # The refusal is expected: PostgreSQL's error is not logged.
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM performance_period WHERE id IN %s "
                    "FOR NO KEY UPDATE NOWAIT",
                    tuple(self.ids),
                ),
                log_exceptions=False,
            )
        except LockNotAvailable:
            raise UserError(
                _(
                    "Someone else is closing %(periods)s right now. Try again "
                    "when they are done.",
                    periods=", ".join(self.mapped("display_name")),
                )
            ) from None
        self.invalidate_recordset(["close_job_id"])
        self._check_no_background_close()

    # ------------------------------------------------------------
    # Chunks
    # ------------------------------------------------------------

    def _get_close_templates(self):
        """The scorecard templates a close computes by default: the active
        ones that already have scorecards in the period."""
        self.ensure_one()
        return (
            self.env["performance.scorecard"]
            .sudo()
            ._read_group([("period_id", "=", self.id)], [], ["template_id:recordset"])[
                0
            ][0]
            .filtered("active")
        )

    def _get_close_scope(self):
        """What a close of the period works on, as ids: ``{"templates":
        [...]}``. Other addons add their keys (the incentive addon: plans)."""
        self.ensure_one()
        return {"templates": self._get_close_templates().ids}

    def _get_close_users(self, scope):
        """The salespeople the close of ``scope`` computes something for:
        owners of the period's targets and the users of its templates. Other
        addons add theirs."""
        self.ensure_one()
        Target = self.env["performance.target"].sudo()
        users = Target.search(
            [("period_id", "=", self.id), ("owner_type", "=", "user")]
        ).user_id
        for template in (
            self.env["performance.scorecard.template"]
            .sudo()
            .browse(scope.get("templates", []))
        ):
            users |= template._get_users()
        return users

    def _get_close_chunks(self, users):
        """The salespeople split into chunks of at most the company's chunk
        size, whole teams together where they fit, a team larger than a chunk
        over several: a list of lists of user ids."""
        self.ensure_one()
        size = max(self.company_id.performance_close_chunk_size, 1)
        by_team = defaultdict(list)
        for user in users.sorted("id"):
            by_team[user.sudo().sale_team_id.id or 0].append(user.id)
        chunks = [[]]
        # Teams in the order they were made, salespeople without one last.
        for team_id in sorted(by_team, key=lambda team_id: (not team_id, team_id)):
            members = by_team[team_id]
            if chunks[-1] and len(chunks[-1]) + len(members) > size:
                chunks.append([])
            for start in range(0, len(members), size):
                part = members[start : start + size]
                if chunks[-1] and len(chunks[-1]) + len(part) > size:
                    chunks.append([])
                chunks[-1].extend(part)
        return [chunk for chunk in chunks if chunk]

    def _run_close_chunk(self, scope, users):
        """One chunk of a background close. With ``users``, what
        ``_run_close`` does for these salespeople: their targets, then their
        scorecards of the templates of ``scope``; without, the company and
        team targets of the period. Other addons add their steps after
        ``super()`` under the same context."""
        self.ensure_one()
        if "performance_kpi_values" not in self.env.context:
            self = self.with_context(performance_kpi_values={})
        Target = self.env["performance.target"]
        if not users:
            Target.search(
                [("period_id", "=", self.id), ("owner_type", "!=", "user")]
            ).action_compute()
            return True
        Target.search(
            [
                ("period_id", "=", self.id),
                ("owner_type", "=", "user"),
                ("user_id", "in", users.ids),
            ]
        ).action_compute()
        templates = (
            self.env["performance.scorecard.template"]
            .sudo()
            .browse(scope.get("templates", []))
            .exists()
        )
        if templates:
            templates.with_env(self.env).generate_scorecards(self, users=users)
        return True

    def _start_background_close(self, scope, users):
        """Plan the chunks of the close (the company and team targets first,
        then the salespeople), remember what the summary compares, and wake
        the scheduled job."""
        self.ensure_one()
        pending = [
            {"name": item["name"], "count": item["count"]}
            for item in self._get_close_pending()
            if item["count"]
        ]
        chunks = [[]] + self._get_close_chunks(users)
        # sudo: the close's own bookkeeping, written by the close only.
        job = (
            self.env["performance.period.close.job"]
            .sudo()
            .create(
                {
                    "period_id": self.id,
                    "user_id": self.env.uid,
                    "scope": scope,
                    "figures_before": self.sudo()._get_close_figures(),
                    "pending": pending,
                    "chunk_ids": [
                        fields.Command.create(
                            {
                                "sequence": sequence,
                                "user_ids": [fields.Command.set(chunk)],
                            }
                        )
                        for sequence, chunk in enumerate(chunks)
                    ],
                }
            )
        )
        self.close_job_id = job
        self.message_post(
            body=_(
                "%(user)s started the close of %(period)s in the background: "
                "%(users)s salespeople in %(count)s chunks.",
                user=self.env.user.name,
                period=self.display_name,
                users=len(users),
                count=len(chunks),
            ),
            subtype_xmlid="mail.mt_note",
        )
        job._wake()
        return job

    def _finish_close(self, before, pending):
        """The end of a background close, as the person who started it:
        freeze the period and post the summary of a close in the click,
        telling them."""
        self.ensure_one()
        self.write(
            {
                "state": "closed",
                "closed_by_id": self.env.uid,
                "closed_date": fields.Datetime.now(),
            }
        )
        after = self.sudo()._get_close_figures()
        self._notify_close(self._get_close_summary(before, after, pending), "success")

    def _notify_close(self, body, notification_type):
        """Post ``body`` on the period for the person who started its
        background close (their inbox, and a notification on their screen
        when ``notification_type`` is given)."""
        self.ensure_one()
        starter = self.close_job_id.sudo().user_id or self.env.user
        self.with_context(mail_notify_author=True).message_post(
            body=body,
            subtype_xmlid="mail.mt_note",
            partner_ids=starter.partner_id.ids,
        )
        if notification_type:
            starter._bus_send(
                "simple_notification",
                {
                    "type": notification_type,
                    "title": self.display_name,
                    "message": body.striptags() if isinstance(body, Markup) else body,
                    "sticky": True,
                },
            )
