from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import SQL

from .common import IncentiveCommon

SUITE_MODULES = (
    "sales_performance",
    "sales_performance_incentive",
    "sales_performance_hr_link",
)
# Every scheduled job of the suite. A job added to an addon and missing here
# fails test_every_cron_is_listed.
CRONS = (
    "sales_performance.ir_cron_performance_target_compute",
    "sales_performance.ir_cron_performance_pace_alert",
    "sales_performance.ir_cron_performance_weekly_digest",
    "sales_performance.ir_cron_performance_anomaly_detect",
    "sales_performance.ir_cron_performance_week_plan",
    "sales_performance.ir_cron_performance_week_report",
    "sales_performance.ir_cron_performance_period_close",
    "sales_performance.ir_cron_performance_period_close_2",
    "sales_performance_incentive.ir_cron_incentive_statement_compute",
)
# Columns that only say when a run happened: a refresh writes its rows again
# (write_date, write_uid) and stamps the time it computed (computed_date) even
# when every value it computes is the same as before.
RUN_STAMPS = {"write_date", "write_uid", "computed_date", "actual_date"}


def snapshot(env):
    """Every row of the suite's tables, minus the run stamps, plus the number
    of chatter messages, activities and followers of the suite's records."""
    env.flush_all()
    cr = env.cr
    cr.execute(
        """
        SELECT table_name FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
           AND (table_name LIKE 'performance\\_%%' OR table_name LIKE 'incentive\\_%%')
         ORDER BY table_name
        """
    )
    tables = [row[0] for row in cr.fetchall()]
    result = {}
    for table in tables:
        cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s "
            "ORDER BY ordinal_position",
            [table],
        )
        columns = [row[0] for row in cr.fetchall() if row[0] not in RUN_STAMPS]
        cr.execute(
            SQL(
                "SELECT %s FROM %s",
                SQL(", ").join(SQL.identifier(column) for column in columns),
                SQL.identifier(table),
            )
        )
        result[table] = {"columns": columns, "rows": sorted(cr.fetchall(), key=repr)}
    for table, column in (
        ("mail_message", "model"),
        ("mail_activity", "res_model"),
        ("mail_followers", "res_model"),
    ):
        cr.execute(
            SQL(
                "SELECT %s, count(*) FROM %s "
                "WHERE %s LIKE 'performance.%%' OR %s LIKE 'incentive.%%' "
                "GROUP BY 1 ORDER BY 1",
                SQL.identifier(column),
                SQL.identifier(table),
                SQL.identifier(column),
                SQL.identifier(column),
            )
        )
        result[table] = {"columns": [column, "count"], "rows": cr.fetchall()}
    return result


def differences(before, after):
    """Readable differences between two snapshots, one line per change."""
    lines = []
    for table in sorted(set(before) | set(after)):
        old = before.get(table, {"rows": []})
        new = after.get(table, {"rows": []})
        if old["rows"] == new["rows"]:
            continue
        columns = new.get("columns") or old.get("columns")
        gone = [row for row in old["rows"] if row not in new["rows"]]
        added = [row for row in new["rows"] if row not in old["rows"]]
        lines.append(
            f"{table}: {len(old['rows'])} -> {len(new['rows'])} rows, "
            f"{len(gone)} changed or removed, {len(added)} changed or added"
        )
        for sign, rows in (("-", gone[:3]), ("+", added[:3])):
            for row in rows:
                lines.append(f"  {sign} {dict(zip(columns, row, strict=False))}")
    return lines


@tagged("post_install", "-at_install")
class TestIdempotence(IncentiveCommon):
    """Scheduled jobs run twice change nothing the second time; refreshing an
    approved or paid record changes nothing at all. The fixtures live in the
    current month of their own company, since the jobs work on today."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env.user)
        company = cls.env.company
        year = cls.Period.generate_fiscal_year(today.year, company)
        cls.month = year.child_ids.child_ids.filtered(
            lambda period: period.date_start <= today <= period.date_end
        )
        cls.Target.create(
            [
                {
                    "kpi_id": cls.kpi_revenue.id,
                    "period_id": cls.month.id,
                    "owner_type": "user",
                    "team_id": team.id,
                    "user_id": rep.id,
                    "target_value": 50_000.0,
                }
                for team, rep in (
                    (cls.team_a, cls.rep_1),
                    (cls.team_a, cls.rep_2),
                    (cls.team_b, cls.rep_3),
                )
            ]
        )
        cls._invoices([(cls.rep_1, 1_000.0, cls.month.date_start)])
        cls.plan = cls._plan(
            [{"kind": "percentage", "rate": 2.0}],
            users=cls.rep_1 | cls.rep_2,
            name="Idempotence Plan",
            date_start=year.date_start,
            date_end=year.date_end,
        )
        cls.template = cls.env["performance.scorecard.template"].create(
            {
                "name": "Idempotence Template",
                "team_ids": [Command.set(cls.team_a.ids)],
                "line_ids": [
                    Command.create(
                        {
                            "kpi_id": cls.kpi_revenue.id,
                            "weight": 100,
                            "default_target": 10_000,
                        }
                    )
                ],
                "band_ids": [
                    Command.create({"name": "A", "min_score": 100, "max_score": 150}),
                    Command.create({"name": "B", "min_score": 0, "max_score": 100}),
                ],
            }
        )
        cls.scorecards = cls.template.generate_scorecards(cls.month)
        # Team A plans its weeks: the week jobs have plans to open and report.
        cls.team_a.performance_plan_kpi_ids = cls.kpi_revenue

    def test_every_cron_is_listed(self):
        """Every scheduled job of the three addons is in the table above."""
        crons = self.env["ir.model.data"].search(
            [("module", "in", SUITE_MODULES), ("model", "=", "ir.cron")]
        )
        self.assertEqual(
            sorted(f"{data.module}.{data.name}" for data in crons), sorted(CRONS)
        )

    def test_crons_twice(self):
        """Run twice, each job changes nothing the second time."""
        for xmlid in CRONS:
            with self.subTest(cron=xmlid):
                cron = self.env.ref(xmlid)
                cron.method_direct_trigger()
                before = snapshot(self.env)
                cron.method_direct_trigger()
                after = snapshot(self.env)
                changes = differences(before, after)
                self.assertFalse(
                    changes,
                    "\n".join([f"{xmlid} changed data when run again:", *changes]),
                )

    def _values(self, records):
        """Every stored field of ``records`` and of their lines."""
        records.env.invalidate_all()
        stored = [
            name
            for name, field in records._fields.items()
            if field.store and name not in RUN_STAMPS
        ]
        line_stored = [
            name
            for name, field in records.line_ids._fields.items()
            if field.store and name not in RUN_STAMPS
        ]
        return records.read(stored), records.line_ids.read(line_stored)

    def _assert_refresh_changes_nothing(self, records):
        before = self._values(records)
        records.action_compute()
        self.assertEqual(self._values(records), before)

    def test_refresh_frozen_scorecard(self):
        """Refreshing an approved scorecard changes none of its values."""
        card = self.scorecards.filtered(lambda c: c.user_id == self.rep_1)
        card.sudo()._move_to("hr_calibration")
        card.with_user(self.hr_officer).action_approve()
        self.assertEqual(card.state, "approved")
        self.assertTrue(card.frozen)
        # Later documents would change the score of a live scorecard.
        self._invoices([(self.rep_1, 5_000.0, self.month.date_start)])
        self._assert_refresh_changes_nothing(card)

    def test_refresh_closed_statements(self):
        """Refreshing an approved, validated or paid statement changes none of
        its values or lines."""
        statements = self.plan.generate_statements(self.month)
        statements.action_submit()
        # One has nothing earned yet: it approved itself when submitted.
        statements.filtered(lambda st: st.state == "to_approve").action_approve()
        self.assertEqual(set(statements.mapped("state")), {"approved"})
        self._invoices([(self.rep_1, 5_000.0, self.month.date_start)])
        approved, validated = statements[0], statements[1]
        validated.action_validate()
        self._assert_refresh_changes_nothing(approved)
        self._assert_refresh_changes_nothing(validated)
        validated.action_pay()
        self.assertEqual(validated.state, "paid")
        self._assert_refresh_changes_nothing(validated)
