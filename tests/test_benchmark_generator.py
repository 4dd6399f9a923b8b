"""The benchmark's bulk SQL generator writes what Odoo itself would write.

The same small set of invoices, credit notes and partial payments is written
once with the generator (setup/benchmark/generator.py) and once through the
ORM, each inside a savepoint rolled back afterwards; the rows, and the totals
that KPIs, incentive credits and Odoo's invoice analysis read from them, must
be the same.
"""

import importlib.util
import sys
from datetime import date
from pathlib import Path

from odoo.tests import TransactionCase, tagged

GENERATOR = Path(__file__).resolve().parents[1] / "setup" / "benchmark" / "generator.py"
# The generator's modules import each other from their directory.
if str(GENERATOR.parent) not in sys.path:
    sys.path.insert(0, str(GENERATOR.parent))
_spec = importlib.util.spec_from_file_location("sp_benchmark_generator", GENERATOR)
generator = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generator)

# Written by whoever creates the row, at the time it does: not compared.
STAMPS = {"id", "create_date", "write_date", "create_uid", "write_uid"}
TABLES = {
    "account_move": {"reversed_entry_id": "move", "origin_payment_id": "payment"},
    "account_move_line": {"move_id": "move", "payment_id": "payment"},
    "account_payment": {"move_id": "move"},
    "account_partial_reconcile": {
        "debit_move_id": "line",
        "credit_move_id": "line",
        "full_reconcile_id": "full",
    },
}


@tagged("post_install", "-at_install")
class TestBenchmarkGenerator(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.date_from = date(2031, 3, 1)
        cls.date_to = date(2031, 3, 31)
        cls.master = generator.create_master_data(
            cls.env, reps=3, teams=2, customers=4, prefix="gencheck"
        )
        cls.spec = generator.build_spec(
            cls.master,
            lines=20,
            date_from=cls.date_from,
            date_to=cls.date_to,
            seed=7,
            max_lines=4,
            refund_every=3,
            payment_every=2,
        )
        cls.period = generator.get_month_period(
            cls.env, cls.master["company"], cls.date_from
        )
        cls.setup = generator.setup_performance(
            cls.env, cls.master, cls.spec, cls.period, prefix="gencheck"
        )

    def _capture(self, write):
        """Write the spec with ``write`` in a savepoint, read back its rows
        (ids replaced by positions) and the totals read from them, then roll
        back."""
        savepoint = self.env.cr.savepoint()
        try:
            write(self.env, self.spec)
            self.env.flush_all()
            self.env.invalidate_all()
            result = self._read_back()
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()
        return result

    def _read_back(self):
        cr = self.env.cr
        partners = tuple(self.master["partners"].ids)
        cr.execute(
            "SELECT id FROM account_move WHERE commercial_partner_id IN %s "
            "AND date BETWEEN %s AND %s ORDER BY id",
            (partners, self.date_from, self.date_to),
        )
        moves = [row[0] for row in cr.fetchall()]
        cr.execute(
            "SELECT id FROM account_move_line WHERE move_id IN %s ORDER BY id",
            (tuple(moves),),
        )
        lines = [row[0] for row in cr.fetchall()]
        cr.execute(
            "SELECT id FROM account_payment WHERE move_id IN %s ORDER BY id",
            (tuple(moves),),
        )
        payments = [row[0] for row in cr.fetchall()]
        cr.execute(
            "SELECT id FROM account_partial_reconcile WHERE debit_move_id IN %s "
            "OR credit_move_id IN %s ORDER BY id",
            (tuple(lines), tuple(lines)),
        )
        partials = [row[0] for row in cr.fetchall()]
        positions = {
            "move": {id_: n for n, id_ in enumerate(moves)},
            "line": {id_: n for n, id_ in enumerate(lines)},
            "payment": {id_: n for n, id_ in enumerate(payments)},
            "partial": {id_: n for n, id_ in enumerate(partials)},
            "full": {},
        }
        ids = {
            "account_move": moves,
            "account_move_line": lines,
            "account_payment": payments,
            "account_partial_reconcile": partials,
        }
        rows = {}
        for table, links in TABLES.items():
            cr.execute(
                f"SELECT * FROM {table} WHERE id IN %s ORDER BY id",  # noqa: S608
                (tuple(ids[table]) or (0,),),
            )
            columns = [column.name for column in cr.description]
            rows[table] = []
            for values in cr.fetchall():
                row = {}
                for column, value in zip(columns, values, strict=True):
                    if column in STAMPS:
                        continue
                    if column in links and value is not None:
                        value = positions[links[column]].get(value, ("?", value))
                    if column == "matching_number" and value and value[0] == "P":
                        value = ("P", positions["partial"].get(int(value[1:])))
                    row[column] = value
                rows[table].append(row)
        cr.execute(
            "SELECT invoice_id, payment_id FROM account_move__account_payment "
            "WHERE payment_id IN %s ORDER BY invoice_id, payment_id",
            (tuple(payments) or (0,),),
        )
        rows["account_move__account_payment"] = [
            (positions["move"][invoice], positions["payment"][payment])
            for invoice, payment in cr.fetchall()
        ]
        rows["customer_rank"] = self.master["partners"].mapped("customer_rank")
        return {"rows": rows, "totals": self._totals()}

    def _totals(self):
        users = self.master["users"]
        targets = self.env["performance.target"].search(
            [("period_id", "=", self.period.id), ("user_id", "in", users.ids)]
        )
        targets.action_compute()
        credits = self.env["incentive.credit"]._read_group(
            [
                ("user_id", "in", users.ids),
                ("date", ">=", self.date_from),
                ("date", "<=", self.date_to),
            ],
            ["user_id", "basis"],
            ["amount:sum", "quantity:sum", "margin:sum"],
        )
        analysis = self.env["account.invoice.report"]._read_group(
            [
                ("invoice_user_id", "in", users.ids),
                ("invoice_date", ">=", self.date_from),
                ("invoice_date", "<=", self.date_to),
            ],
            ["invoice_user_id", "move_type", "payment_state"],
            ["price_subtotal:sum", "quantity:sum", "__count"],
        )
        statements = self.setup["plan"].generate_statements(self.period)
        return {
            "actuals": sorted(
                (t.user_id.id, t.kpi_id.code, round(t.actual, 2)) for t in targets
            ),
            "credits": sorted(
                (user.id, basis, round(amount, 2), round(qty, 2), round(margin, 2))
                for user, basis, amount, qty, margin in credits
            ),
            "analysis": sorted(
                (user.id, move_type, state, round(subtotal, 2), round(qty, 2), count)
                for user, move_type, state, subtotal, qty, count in analysis
            ),
            "statements": sorted(
                (st.user_id.id, round(st.amount_total, 2)) for st in statements
            ),
        }

    def test_spec_covers_every_kind_of_document(self):
        """The small set has invoices, credit notes reversing invoices and
        partial payments, and exactly the product lines asked for."""
        invoices = self.spec["invoices"]
        self.assertEqual(sum(len(inv["lines"]) for inv in invoices), 20)
        self.assertTrue(any(inv["origin"] is not None for inv in invoices))
        self.assertTrue(self.spec["payments"])

    def test_sql_rows_equal_orm_rows(self):
        """Bulk SQL writes, column by column, the rows the ORM writes for the
        same documents, and every report reads the same totals from them."""
        self._check_sql_rows(generator.write_sql)

    def test_bulk_rows_equal_orm_rows(self):
        """The same with the tables' secondary indexes and foreign keys
        dropped during the load and made again after it (the path of large
        benchmarks): the keys validate every row written."""
        self._check_sql_rows(
            lambda env, spec: generator.write_sql(env, spec, bulk_from=0)
        )

    def _check_sql_rows(self, write_sql):
        by_sql = self._capture(write_sql)
        by_orm = self._capture(lambda env, spec: generator.write_orm(env, spec))
        self.assertTrue(by_orm["rows"]["account_move"])
        self.assertTrue(by_orm["rows"]["account_partial_reconcile"])
        for table in by_orm["rows"]:
            orm_rows = by_orm["rows"][table]
            sql_rows = by_sql["rows"][table]
            self.assertEqual(len(sql_rows), len(orm_rows), table)
            if table in TABLES:
                for number, (sql_row, orm_row) in enumerate(
                    zip(sql_rows, orm_rows, strict=True)
                ):
                    differences = {
                        column: (sql_row[column], orm_row[column])
                        for column in orm_row
                        if sql_row[column] != orm_row[column]
                    }
                    self.assertFalse(
                        differences, f"{table} row {number}: (sql, orm) {differences}"
                    )
            else:
                self.assertEqual(sql_rows, orm_rows, table)
        self.assertTrue(by_orm["totals"]["credits"])
        self.assertTrue(any(total for _u, total in by_orm["totals"]["statements"]))
        self.assertEqual(by_sql["totals"], by_orm["totals"])
