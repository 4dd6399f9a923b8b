"""Bad input, one table: who tries what, the error they get, and proof that
nothing changed.

Each entry names the least-privileged role that may try the input, a
``prepare`` run as the superuser before the snapshot (the state the input
meets), the ``act`` run as that role, the exception class expected exactly
and a regular expression of its message. Errors raised by PostgreSQL
constraints are reported as the RPC layer reports them to the user
(``odoo.service.model._as_validation_error``).

Nothing changes: the tables of the suite hash the same before the input and
after its refusal; and a button or guarded write must fail before it writes
anything, not only be rolled back (constraints check what was just written)."""

from datetime import date

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.service.model import _as_validation_error
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .bad_input_base import BASE_ENTRIES, OTHER_TABLES, SUITE_PREFIXES
from .bad_input_incentive import INCENTIVE_ENTRIES
from .bad_input_proposal import PROPOSAL_ENTRIES
from .bad_input_weekly import WEEKLY_ENTRIES
from .common import IncentiveCommon

CATALOGUE = BASE_ENTRIES + WEEKLY_ENTRIES + INCENTIVE_ENTRIES + PROPOSAL_ENTRIES


@tagged("post_install", "-at_install")
class TestBadInputCatalogue(IncentiveCommon):
    """Every bad input of the catalogue is refused with its translated message
    and leaves the database as it was."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.performance_hr_user_id = cls.hr_officer
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.perf_admin.company_ids |= cls.company_b
        cls.incentive_admin = new_test_user(
            cls.env,
            login="incentive_admin",
            name="Incentive Admin",
            groups="base.group_user,sales_performance_incentive.group_incentive_admin",
        )
        cls.actors = {
            "rep": cls.rep_1,
            "rep_2": cls.rep_2,
            "leader": cls.leader_a,
            "hr": cls.hr_officer,
            "admin": cls.perf_admin,
            "incentive_admin": cls.incentive_admin,
        }
        cls.kpi_visits = cls.Kpi.create(
            {"name": "Customer Visits", "code": "VISITS", "kind": "manual"}
        )
        template = cls.env["performance.scorecard.template"].create(
            {
                "name": "Field Sales",
                "team_ids": [Command.set(cls.team_a.ids)],
                "line_ids": [
                    Command.create(
                        {
                            "kpi_id": cls.kpi_visits.id,
                            "weight": 100,
                            "default_target": 10,
                        }
                    )
                ],
            }
        )
        cls.card = template.generate_scorecards(cls.jan).filtered(
            lambda card: card.user_id == cls.rep_1
        )
        cls.anomaly_rule = cls.env.ref("sales_performance.anomaly_rule_split_orders")
        cls._invoices(
            [
                (cls.rep_1, 10_000, date(2025, 1, 10)),
                (cls.rep_3, 20_000, date(2025, 1, 12)),
                (cls.incentive_admin, 5_000, date(2025, 1, 14)),
            ]
        )
        cls.plan = cls._plan(
            [{"kind": "percentage", "rate": 5}],
            users=cls.rep_1 | cls.rep_3 | cls.incentive_admin,
        )
        statements = cls.plan.generate_statements(cls.jan)
        cls.st_1, cls.st_admin = (
            statements.filtered(lambda st, user=user: st.user_id == user)
            for user in (cls.rep_1, cls.incentive_admin)
        )
        cls.snapshot_tables = sorted(
            {
                model._table
                for name, model in cls.env.registry.items()
                if name.startswith(SUITE_PREFIXES)
                and model._auto
                and not model._abstract
                and not model._transient
            }
            | set(OTHER_TABLES)
        )

    def _snapshot(self, flush=True):
        """A digest per table of the suite (and the Odoo tables it writes)."""
        if flush:
            self.env.flush_all()
        return {
            table: self.env.execute_query(
                SQL(
                    "SELECT md5(string_agg(t::text, '' ORDER BY t.id)) FROM %s t",
                    SQL.identifier(table),
                )
            )[0][0]
            for table in self.snapshot_tables
        }

    def _refusal(self, entry, context):
        """The error ``entry`` meets, as the user would get it, and the
        digests of what it had written when it failed (None when PostgreSQL
        refused it: the transaction cannot be read before its rollback)."""
        env = self.env(user=self.actors[entry.who])
        error = written = None
        try:
            with self.env.cr.savepoint():
                try:
                    # A refusal by a constraint is expected: not logged.
                    with mute_logger("odoo.sql_db"):
                        entry.act(self, env, context)
                        env.flush_all()
                except IntegrityError:
                    raise
                except Exception as caught:  # noqa: BLE001 - compared below
                    error = caught
                    written = self._snapshot(flush=False)
                    raise
        except IntegrityError as caught:
            error = _as_validation_error(self.env, caught)
        except Exception as caught:  # noqa: BLE001 - compared by the caller
            error = caught
        finally:
            self.env.invalidate_all()
        return error, written

    def test_catalogue_is_large_and_distinct(self):
        """At least forty bad inputs, each named once."""
        names = [entry.name for entry in CATALOGUE]
        self.assertGreaterEqual(len(names), 40)
        self.assertEqual(len(names), len(set(names)))

    def test_catalogue(self):
        """Each bad input is refused with its message and changes nothing."""
        for entry in CATALOGUE:
            with self.subTest(entry=entry.name):
                try:
                    # Each entry meets the fixtures as they were built.
                    with self.env.cr.savepoint(flush=False) as savepoint:
                        self._check_entry(entry)
                        savepoint.rollback()
                finally:
                    self.env.invalidate_all()

    def _check_entry(self, entry):
        context = entry.prepare(self) if entry.prepare else None
        before = self._snapshot()
        error, written = self._refusal(entry, context)
        self.assertIsNotNone(
            error, f"{entry.name!r} was accepted: expected {entry.error.__name__}"
        )
        self.assertIs(
            type(error),
            entry.error,
            f"{entry.name!r} raised {type(error).__name__}: {error}",
        )
        self.assertRegex(
            str(error), entry.message, f"{entry.name!r}: unexpected message"
        )
        after = self._snapshot()
        changed = [table for table in before if before[table] != after[table]]
        self.assertFalse(changed, f"{entry.name!r} changed the tables {changed}")
        # Buttons and guarded writes check before they write; constraints
        # check what was just written, which the request's rollback undoes.
        if (
            written is not None
            and entry.checked_first
            and entry.error is not ValidationError
        ):
            changed = [table for table in before if before[table] != written[table]]
            self.assertFalse(
                changed, f"{entry.name!r} wrote to {changed} before it failed"
            )
