import time

from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name
from odoo.tools import SQL

# Rows of these tables that existed before a test may be changed by it; the
# case puts their columns back. Every other table must only gain rows.
RESTORED = {
    "ir_cron": (
        "nextcall",
        "lastcall",
        "failure_count",
        "first_failure_date",
        "active",
    ),
    # New internal users are subscribed to the periodic digests.
    "digest_digest": ("write_date", "write_uid"),
    "res_company": (
        "performance_close_background_size",
        "performance_close_chunk_size",
    ),
}


class CommittedCase(BaseCase):
    """Tests on committed data, for what only committed data shows: Odoo's
    scheduled-job workers (each step in its own transaction and cursor) and
    two connections at once. Each test writes its data in transactions of
    its own and commits them; afterwards every row added to any table after
    the test started is deleted (ids above the sequence mark taken before),
    the few columns of existing rows it may change are put back, and the
    case fails if any other existing row was written. The database is left
    as the test found it."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            self._marks = self._take_marks(cr)
            self._saved = {}
            for table, columns in RESTORED.items():
                if table not in self._marks:
                    continue
                cr.execute(
                    SQL(
                        "SELECT id, %s FROM %s",
                        SQL(", ").join(SQL.identifier(c) for c in columns),
                        SQL.identifier(table),
                    )
                )
                self._saved[table] = cr.fetchall()
            cr.execute("SELECT now() AT TIME ZONE 'UTC'")
            (self._started,) = cr.fetchone()
        # Rows dated in the same second as the start count as written by it.
        time.sleep(0.01)
        self.addCleanup(self._remove_committed)

    @staticmethod
    def _take_marks(cr):
        cr.execute(
            """
            SELECT c.table_name FROM information_schema.columns c
              JOIN information_schema.tables t
                ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = current_schema() AND c.column_name = 'id'
               AND t.table_type = 'BASE TABLE' AND c.data_type IN ('integer', 'bigint')
            """
        )
        tables = [name for (name,) in cr.fetchall()]
        marks = {}
        for table in tables:
            cr.execute(
                SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table))
            )
            marks[table] = cr.fetchone()[0]
        return marks

    def _remove_committed(self):
        with self.registry.cursor() as cr:
            left = dict(self._marks)
            # Rows point at each other: what a foreign key still holds is
            # deleted in a later pass.
            for _pass in range(20):
                blocked = {}
                for table, mark in left.items():
                    try:
                        with cr.savepoint(flush=False):
                            cr.execute(
                                SQL(
                                    "DELETE FROM %s WHERE id > %s",
                                    SQL.identifier(table),
                                    mark,
                                )
                            )
                    except Exception:  # noqa: BLE001 (a foreign key: next pass)
                        blocked[table] = mark
                left = blocked
                if not left:
                    break
            for table, rows in self._saved.items():
                columns = RESTORED[table]
                for row in rows:
                    cr.execute(
                        SQL(
                            "UPDATE %s SET %s WHERE id = %s",
                            SQL.identifier(table),
                            SQL(", ").join(
                                SQL("%s = %s", SQL.identifier(column), value)
                                for column, value in zip(columns, row[1:], strict=True)
                            ),
                            row[0],
                        )
                    )
            written = self._written_since(cr)
        self.registry.clear_cache()
        self.assertFalse(left, "rows added by the test could not be removed")
        self.assertFalse(written, "the test wrote rows it found")

    def _written_since(self, cr):
        """Tables whose rows older than the test were written during it,
        other than the restored ones."""
        cr.execute(
            """
            SELECT table_name FROM information_schema.columns
             WHERE table_schema = current_schema() AND column_name = 'write_date'
            """
        )
        written = []
        for (table,) in cr.fetchall():
            if table in RESTORED or table not in self._marks:
                continue
            cr.execute(
                SQL(
                    "SELECT 1 FROM %s WHERE id <= %s AND write_date > %s LIMIT 1",
                    SQL.identifier(table),
                    self._marks[table],
                    self._started,
                )
            )
            if cr.fetchone():
                written.append(table)
        return written

    def _env(self, cr, uid=SUPERUSER_ID):
        return api.Environment(cr, uid, {})

    def run_cron_worker(self, xmlid):
        """What a cron worker of an Odoo server does with the scheduled job
        ``xmlid`` when it is ready (``ir.cron._process_jobs``, for this job
        alone: other jobs of the test database are left alone). Returns
        whether the job was ready."""
        with self.registry.cursor() as cr:
            cron_id = self._env(cr).ref(xmlid).id
        db = sql_db.db_connect(self.registry.db_name)
        with db.cursor() as cron_cr:
            IrCron = self.registry["ir.cron"]
            job = IrCron._acquire_one_job(cron_cr, cron_id)
            if not job:
                return False
            IrCron._process_job(db, cron_cr, job)
        return True
