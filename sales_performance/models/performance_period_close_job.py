import logging

from psycopg2.errors import LockNotAvailable
from psycopg2.extensions import TransactionRollbackError

from odoo import _, api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Errors of a chunk that say nothing about the chunk itself: another
# transaction got there first. The chunk is not marked failed; the whole
# step is rolled back and the scheduled job tries again.
RETRYABLE_ERRORS = (LockNotAvailable, TransactionRollbackError)


class PerformancePeriodCloseJob(models.Model):
    """A close of a period run by the scheduled job *Sales Performance:
    close periods in the background*, one chunk of salespeople per step, each
    step committed on its own by Odoo's batched scheduled actions
    (``ir.cron._notify_progress``), so that any cron worker of any Odoo
    server sharing the database takes the next one. A chunk is marked done
    in the transaction that did its work: a worker stopped in the middle
    leaves the committed chunks as they are and the next run does the rest.
    Records are written by the close only (sudo), read by everyone who reads
    the period."""

    _name = "performance.period.close.job"
    _description = "Background Close of a Performance Period"
    _order = "id desc"

    period_id = fields.Many2one(
        "performance.period", required=True, index=True, ondelete="cascade"
    )
    user_id = fields.Many2one("res.users", string="Started By", required=True)
    state = fields.Selection(
        [("running", "Running"), ("failed", "Stopped"), ("done", "Done")],
        default="running",
        required=True,
        index=True,
    )
    chunk_ids = fields.One2many("performance.period.close.chunk", "job_id")
    chunk_count = fields.Integer(string="Chunks", compute="_compute_progress")
    chunk_done_count = fields.Integer(string="Chunks Done", compute="_compute_progress")
    chunk_failed_count = fields.Integer(
        string="Chunks Failed", compute="_compute_progress"
    )
    progress = fields.Float(compute="_compute_progress")
    error = fields.Text(string="Last Error", readonly=True)
    # What the close works on and what its summary compares, fixed when it
    # starts so that every chunk closes the same scope.
    scope = fields.Json()
    figures_before = fields.Json()
    pending = fields.Json()

    def _compute_progress(self):
        counts = {
            (job.id, state): count
            for job, state, count in self.env[
                "performance.period.close.chunk"
            ]._read_group(
                [("job_id", "in", self.ids)], ["job_id", "state"], ["__count"]
            )
        }
        for job in self:
            done = counts.get((job.id, "done"), 0)
            failed = counts.get((job.id, "failed"), 0)
            total = done + failed + counts.get((job.id, "todo"), 0)
            job.chunk_count = total
            job.chunk_done_count = done
            job.chunk_failed_count = failed
            job.progress = 100.0 * done / total if total else 0.0

    # ------------------------------------------------------------
    # Scheduled job
    # ------------------------------------------------------------

    @api.model
    def _cron_run(self):
        """One step of the running closes: the next chunk, or the end of a
        close whose chunks are all through. Odoo commits each step and calls
        again while ``_notify_progress`` reports work remaining."""
        job = self._claim_finished_job()
        if job:
            job._finish()
        else:
            chunk = self.env["performance.period.close.chunk"]._claim()
            if not chunk:
                return
            chunk.job_id._run_chunk(chunk)
        self.env["ir.cron"]._notify_progress(done=1, remaining=self._count_remaining())

    @api.model
    def _claim_finished_job(self):
        """A running close with no chunk left to do, locked for this step."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT job.id FROM performance_period_close_job job
                 WHERE job.state = 'running'
                   AND NOT EXISTS (
                       SELECT 1 FROM performance_period_close_chunk chunk
                        WHERE chunk.job_id = job.id AND chunk.state = 'todo')
                 ORDER BY job.id
                 LIMIT 1
                   FOR NO KEY UPDATE SKIP LOCKED
                """
            )
        )
        return self.browse(rows[0][0]) if rows else self.browse()

    @api.model
    def _count_remaining(self):
        """Steps left: the chunks to do and the end of each running close."""
        [(count,)] = self.env.execute_query(
            SQL(
                """
                SELECT COUNT(chunk.id) + COUNT(DISTINCT job.id)
                  FROM performance_period_close_job job
                  LEFT JOIN performance_period_close_chunk chunk
                    ON chunk.job_id = job.id AND chunk.state = 'todo'
                 WHERE job.state = 'running'
                """
            )
        )
        return count

    def _get_crons(self):
        """The scheduled actions that run the close: the suite ships two, so
        that two cron workers close chunks at once (Odoo runs one step of a
        scheduled action at a time); an administrator duplicates one to use
        more."""
        code = "model._cron_run()"
        return (
            self.env["ir.cron"]
            .sudo()
            .search([("model_id.model", "=", self._name), ("code", "=", code)])
        )

    def _wake(self):
        """Make every scheduled action of the close run as soon as a worker
        is free."""
        for cron in self._get_crons():
            cron._trigger()

    @api.model
    def _wake_after_rollback(self):
        """Wake the close in a transaction of its own: the current one is
        about to be rolled back with its triggers."""
        with self.env.registry.cursor() as cr:
            self.with_env(self.env(cr=cr))._wake()

    def _run_chunk(self, chunk):
        """Close the chunk's salespeople as the person who started the close;
        an error rolls the chunk back and marks it failed, the other chunks go
        on."""
        self.ensure_one()
        period = self.period_id.with_user(self.user_id)
        try:
            with self.env.cr.savepoint():
                period._run_close_chunk(
                    self.scope or {}, chunk.user_ids.with_env(period.env)
                )
                chunk.write({"state": "done", "error": False})
        except RETRYABLE_ERRORS:
            # Another worker got there first: this step is rolled back and
            # the chunk stays to do; a worker takes it again at once.
            self._wake_after_rollback()
            raise
        except Exception as error:  # noqa: BLE001 (any error of the chunk stops it alone)
            _logger.exception("Chunk %s of the close of %s failed", chunk.id, period.id)
            message = str(error)
            chunk.write({"state": "failed", "error": message})
            self.error = message

    def _finish(self):
        """End the close: freeze the period and post the summary, or, when
        chunks failed, stop and say so. The starter is told either way."""
        self.ensure_one()
        period = self.period_id.with_user(self.user_id)
        failed = self.chunk_ids.filtered(lambda chunk: chunk.state == "failed")
        if failed:
            self.state = "failed"
            body = _(
                "The background close of %(period)s stopped: %(failed)s of "
                "%(count)s chunks failed (%(error)s). The other chunks are kept; "
                "Close Period again to run the failed ones.",
                period=period.display_name,
                failed=len(failed),
                count=len(self.chunk_ids),
                error=failed[0].error,
            )
            period._notify_close(body, "warning")
            return
        period._finish_close(self.figures_before or {}, self.pending or [])
        self.state = "done"

    def _resume(self):
        """Run the failed chunks of a stopped close again."""
        self.chunk_ids.filtered(lambda chunk: chunk.state == "failed").write(
            {"state": "todo"}
        )
        self.write({"state": "running", "error": False})
        self._wake()


class PerformancePeriodCloseChunk(models.Model):
    _name = "performance.period.close.chunk"
    _description = "Chunk of a Background Close"
    _order = "job_id, sequence, id"

    job_id = fields.Many2one(
        "performance.period.close.job", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    user_ids = fields.Many2many(
        "res.users",
        "performance_period_close_chunk_user_rel",
        "chunk_id",
        "user_id",
        string="Salespeople",
        help="Without salespeople, the chunk refreshes the company and team "
        "targets of the period.",
    )
    state = fields.Selection(
        [("todo", "To Do"), ("done", "Done"), ("failed", "Failed")],
        default="todo",
        required=True,
        index=True,
    )
    error = fields.Text(readonly=True)

    @api.model
    def _claim(self):
        """The next chunk to do of a running close, locked for this step:
        another worker running at the same time skips it."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT chunk.id FROM performance_period_close_chunk chunk
                  JOIN performance_period_close_job job ON job.id = chunk.job_id
                 WHERE job.state = 'running' AND chunk.state = 'todo'
                 ORDER BY chunk.job_id, chunk.sequence, chunk.id
                 LIMIT 1
                   FOR NO KEY UPDATE OF chunk SKIP LOCKED
                """
            )
        )
        return self.browse(rows[0][0]) if rows else self.browse()
