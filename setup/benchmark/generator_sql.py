"""The bulk load of a benchmark spec: every row a copy of the row Odoo
writes for one document of its kind, loaded through ``COPY``."""

import json
from collections import defaultdict
from contextlib import contextmanager, nullcontext

from generator_orm import _template_rows
from generator_rows import _spec_rows

# From this many invoice lines on, the documents' tables lose their secondary
# indexes and foreign keys while they are loaded, as pg_restore loads a dump:
# one bulk build of each after the load instead of an update of 20 indexes
# and 20 key checks per row.
BULK_FROM = 50_000
BULK_TABLES = (
    "account_move",
    "account_move_line",
    "account_payment",
    "account_partial_reconcile",
)


def _columns(cr, table):
    cr.execute(
        """
        SELECT column_name, data_type FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = %s
         ORDER BY ordinal_position
        """,
        (table,),
    )
    return cr.fetchall()


class _RowsFile:
    """A file over ``rows`` for ``COPY ... FROM STDIN``: tab-separated text
    made as PostgreSQL reads it, so that the rows are never all in memory as
    text."""

    def __init__(self, rows):
        self._rows = iter(rows)
        self._pending = ""

    def read(self, size=-1):
        size = size if size and size > 0 else 1 << 20
        parts = [self._pending]
        length = len(self._pending)
        for row in self._rows:
            line = (
                "\t".join("\\N" if value is None else str(value) for value in row)
                + "\n"
            )
            parts.append(line)
            length += len(line)
            if length >= size:
                break
        text = "".join(parts)
        self._pending = text[size:]
        return text[:size]

    readline = read


def _copy(cr, name, columns, rows):
    """Load rows into a temporary table through COPY."""
    cr.execute(f"DROP TABLE IF EXISTS {name}")
    cr.execute(f"CREATE TEMP TABLE {name} ({', '.join(columns)})")
    names = ", ".join(column.split()[0] for column in columns)
    cr._obj.copy_expert(f"COPY {name} ({names}) FROM STDIN", _RowsFile(rows))


@contextmanager
def _without_indexes(cr, tables):
    """Drop the secondary indexes and the foreign keys of ``tables`` (not
    their primary and unique keys), and make them again at the end: the
    foreign keys are validated over every row then."""
    cr.execute(
        """
        SELECT pg_get_indexdef(i.indexrelid), i.indexrelid::regclass::text
          FROM pg_index i
         WHERE i.indrelid = ANY(%s::regclass[])
           AND NOT i.indisprimary AND NOT i.indisunique
           AND NOT EXISTS (
               SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        (list(tables),),
    )
    indexes = cr.fetchall()
    cr.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
          FROM pg_constraint
         WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
        """,
        (list(tables),),
    )
    keys = cr.fetchall()
    for table, name, _definition in keys:
        cr.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for _definition, name in indexes:
        cr.execute(f"DROP INDEX {name}")
    yield
    cr.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for definition, _name in indexes:
        cr.execute(definition)
    for table, name, definition in keys:
        cr.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _clone(cr, table, template, source, overrides, renames):
    """INSERT INTO table SELECT ... FROM source: every column is the
    template's value unless ``overrides`` gives an SQL expression on the
    alias ``s``; text columns of the template have the template document
    names replaced (``renames``: {template name: SQL expression})."""
    cr.execute("DROP TABLE IF EXISTS _tpl")
    cr.execute(f"CREATE TEMP TABLE _tpl AS SELECT * FROM {table} LIMIT 0")
    cr.execute(
        f"INSERT INTO _tpl SELECT * FROM json_populate_record(NULL::{table}, %s)",
        (json.dumps(template),),
    )
    names = []
    exprs = []
    for column, data_type in _columns(cr, table):
        names.append(f'"{column}"')
        if column in overrides:
            exprs.append(overrides[column])
        elif data_type in ("character varying", "text") and template.get(column):
            expr = f't."{column}"'
            for old, new in renames.items():
                if old and old in template[column]:
                    expr = f"replace({expr}, '{old}', {new})"
            exprs.append(expr)
        else:
            exprs.append(f't."{column}"')
    cr.execute(
        f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
        f"SELECT {', '.join(exprs)} FROM {source} CROSS JOIN _tpl t"
    )
    return cr.rowcount


def _load_templates(env, master, date):
    """The template rows, by role."""
    tpl = _template_rows(env, master, date)
    tpl_inv, tpl_ref, tpl_pay_move = tpl["account_move"]
    by_move = defaultdict(list)
    for line in tpl["account_move_line"]:
        by_move[line["move_id"]].append(line)

    def product_first(lines):
        return sorted(lines, key=lambda line: line["display_type"] != "product")

    inv_lines = product_first(by_move[tpl_inv["id"]])
    receivable = inv_lines[1]["account_id"]
    return {
        "invoice": tpl_inv,
        "refund": tpl_ref,
        "payment_move": tpl_pay_move,
        "invoice_lines": inv_lines,
        "refund_lines": product_first(by_move[tpl_ref["id"]]),
        # The liquidity line first, then the receivable counterpart.
        "payment_lines": sorted(
            by_move[tpl_pay_move["id"]],
            key=lambda line: line["account_id"] == receivable,
        ),
        "payment": tpl["account_payment"][0],
        "partial": tpl["account_partial_reconcile"][0],
    }


def write_sql(env, spec, bulk_from=BULK_FROM):
    """Write the spec's documents with bulk SQL, cloning the rows Odoo makes
    for one document of each kind; from ``bulk_from`` lines on, without the
    tables' secondary indexes and foreign keys while loading (made again
    after). Returns counts per table."""
    cr = env.cr
    env.flush_all()
    templates = _load_templates(env, spec["master"], spec["invoices"][0]["date"])
    rows = _spec_rows(cr, spec, templates)
    _load_spec_rows(cr, rows)
    bulk = len(rows["lines"]) >= bulk_from
    with _without_indexes(cr, BULK_TABLES) if bulk else nullcontext():
        counts = _insert_rows(cr, templates, rows["links"])
    # The planner's statistics still describe the tables before the load (as
    # good as empty): without them the statements below walk the new lines
    # once per invoice. Autovacuum would analyze them on a live database.
    for table in BULK_TABLES:
        cr.execute(f"ANALYZE {table}")
    env.invalidate_all()
    _store_invoice_answers(env, spec)
    env.registry.clear_cache()
    return counts


def _store_invoice_answers(env, spec):
    """What sales_performance stores on each invoice (the part paid by
    payments, the customer's first invoice), filled by the statements the
    addon itself runs when it is installed on existing invoices."""
    moves = env["account.move"]
    moves._performance_fill_amount_paid([inv["move_id"] for inv in spec["invoices"]])
    company = spec["master"]["company"].id
    moves._performance_update_new_customers(
        {(inv["partner_id"], company) for inv in spec["invoices"]}
    )


def _load_spec_rows(cr, rows):
    match_by_line = rows["match_by_line"]
    resid_by_line = rows["resid_by_line"]
    reconciled_lines = rows["reconciled_lines"]
    move_rows = rows["moves"]
    line_rows = rows["lines"]
    partial_rows = rows["partials"]
    payment_rows = rows["payments"]
    _copy(
        cr,
        "_spec_move",
        [
            "id int",
            "kind varchar",
            "name varchar",
            "number int",
            "date date",
            "partner_id int",
            "partner_name varchar",
            "user_id int",
            "team_id int",
            "reversed_id int",
            "total numeric",
            "residual numeric",
            "payment_state varchar",
            "payment_id int",
            "modified boolean",
        ],
        move_rows,
    )
    _copy(
        cr,
        "_spec_line",
        [
            "id int",
            "move_id int",
            "kind varchar",
            "product_id int",
            "name varchar",
            "quantity numeric",
            "price_unit numeric",
            "subtotal numeric",
            "balance numeric",
            "residual numeric",
            "payment_id int",
            "date date",
            "seq int",
            "ref varchar",
            "matching varchar",
            "reconciled boolean",
        ],
        (
            row[:13] + (row[13], match_by_line.get(row[0]), row[0] in reconciled_lines)
            if row[2] != "payment_term"
            else row[:9]
            + (resid_by_line[row[0]],)
            + row[10:13]
            + (row[13], match_by_line.get(row[0]), row[0] in reconciled_lines)
            for row in line_rows
        ),
    )
    _copy(
        cr,
        "_spec_partial",
        ["id int", "debit_id int", "credit_id int", "amount numeric", "date date"],
        partial_rows,
    )
    _copy(
        cr,
        "_spec_payment",
        [
            "id int",
            "move_id int",
            "name varchar",
            "memo varchar",
            "date date",
            "amount numeric",
            "partner_id int",
        ],
        payment_rows,
    )
    cr.execute("ANALYZE _spec_move; ANALYZE _spec_line")


def _insert_rows(cr, templates, link_rows):
    """INSERT ... SELECT the loaded rows into the Odoo tables."""
    tpl_inv = templates["invoice"]
    tpl_ref = templates["refund"]
    tpl_pay_move = templates["payment_move"]
    inv_product, inv_term = templates["invoice_lines"]
    ref_product, ref_term = templates["refund_lines"]
    pay_liquidity, pay_counterpart = templates["payment_lines"]
    tpl_payment = templates["payment"]
    tpl_partial = templates["partial"]
    counts = {}
    sign = "(CASE WHEN s.kind = 'out_refund' THEN -1 ELSE 1 END)"
    move_overrides = {
        "id": "s.id",
        "name": "s.name",
        "sequence_number": "s.number",
        "date": "s.date",
        "partner_id": "s.partner_id",
        "commercial_partner_id": "s.partner_id",
        "invoice_partner_display_name": "s.partner_name",
        "amount_total": "s.total",
        "amount_residual": "s.residual",
        "payment_state": "s.payment_state",
        "is_manually_modified": "s.modified",
        # Filled after the insert, as sales_performance fills existing moves.
        "performance_amount_paid": "0",
        "performance_is_new_customer": "NULL::boolean",
    }
    doc_overrides = dict(
        move_overrides,
        partner_shipping_id="s.partner_id",
        invoice_date="s.date",
        invoice_date_due="s.date",
        invoice_user_id="s.user_id",
        team_id="s.team_id",
        reversed_entry_id="s.reversed_id",
        amount_untaxed="s.total",
        amount_untaxed_signed=f"{sign} * s.total",
        amount_untaxed_in_currency_signed=f"{sign} * s.total",
        amount_total_signed=f"{sign} * s.total",
        amount_total_in_currency_signed=f"{sign} * s.total",
        amount_residual_signed=f"{sign} * s.residual",
    )
    counts["account_move"] = 0
    for kind, template in (("out_invoice", tpl_inv), ("out_refund", tpl_ref)):
        cr.execute("DROP TABLE IF EXISTS _src")
        cr.execute(
            "CREATE TEMP TABLE _src AS SELECT * FROM _spec_move WHERE kind = %s",
            (kind,),
        )
        counts["account_move"] += _clone(
            cr,
            "account_move",
            template,
            "_src s",
            doc_overrides,
            {template["name"]: "s.name"},
        )
    pay_overrides = dict(
        move_overrides,
        # Set once the payments exist (the two tables point at each other).
        origin_payment_id="NULL::int",
        amount_total_signed="s.total",
        amount_total_in_currency_signed="s.total",
        ref="p.memo",
    )
    counts["account_move"] += _clone(
        cr,
        "account_move",
        tpl_pay_move,
        "_spec_move s JOIN _spec_payment p ON p.id = s.payment_id",
        pay_overrides,
        {},
    )
    counts["account_payment"] = _clone(
        cr,
        "account_payment",
        tpl_payment,
        "_spec_payment s",
        {
            "id": "s.id",
            "move_id": "s.move_id",
            "name": "s.name",
            "memo": "s.memo",
            "date": "s.date",
            "amount": "s.amount",
            "amount_company_currency_signed": "s.amount",
            "partner_id": "s.partner_id",
        },
        {},
    )
    line_overrides = {
        "id": "s.id",
        "move_id": "s.move_id",
        "move_name": "m.name",
        "date": "s.date",
        "partner_id": "m.partner_id",
        "balance": "s.balance",
        "debit": "GREATEST(s.balance, 0)",
        "credit": "GREATEST(-s.balance, 0)",
        "amount_currency": "s.balance",
        "reconciled": "s.reconciled",
        "matching_number": "s.matching",
    }
    product_overrides = dict(
        line_overrides,
        invoice_date="s.date",
        product_id="s.product_id",
        name="s.name",
        quantity="s.quantity",
        price_unit="s.price_unit",
        price_subtotal="s.subtotal",
        price_total="s.subtotal",
    )
    term_overrides = dict(
        line_overrides,
        invoice_date="s.date",
        date_maturity="s.date",
        amount_residual="s.residual",
        amount_residual_currency="s.residual",
    )
    pay_line_overrides = dict(
        line_overrides,
        date_maturity="s.date",
        payment_id="s.payment_id",
        price_subtotal="s.subtotal",
        price_total="s.subtotal",
        amount_residual="s.residual",
        amount_residual_currency="s.residual",
        ref="s.ref",
    )
    counts["account_move_line"] = 0
    for template, move_template, kind, condition, overrides in (
        (inv_product, tpl_inv, "product", "m.kind = 'out_invoice'", product_overrides),
        (inv_term, tpl_inv, "payment_term", "m.kind = 'out_invoice'", term_overrides),
        (ref_product, tpl_ref, "product", "m.kind = 'out_refund'", product_overrides),
        (ref_term, tpl_ref, "payment_term", "m.kind = 'out_refund'", term_overrides),
        (pay_liquidity, tpl_pay_move, "pay", "s.balance > 0", pay_line_overrides),
        (pay_counterpart, tpl_pay_move, "pay", "s.balance < 0", pay_line_overrides),
    ):
        renames = {move_template["name"]: "m.name"}
        if move_template is tpl_pay_move:
            renames[tpl_inv["name"]] = "s.ref"
        counts["account_move_line"] += _clone(
            cr,
            "account_move_line",
            template,
            f"_spec_line s JOIN _spec_move m ON m.id = s.move_id "
            f"AND s.kind = '{kind}' AND {condition}",
            overrides,
            renames,
        )
    counts["account_partial_reconcile"] = _clone(
        cr,
        "account_partial_reconcile",
        tpl_partial,
        "_spec_partial s",
        {
            "id": "s.id",
            "debit_move_id": "s.debit_id",
            "credit_move_id": "s.credit_id",
            "amount": "s.amount",
            "debit_amount_currency": "s.amount",
            "credit_amount_currency": "s.amount",
            "max_date": "s.date",
        },
        {},
    )
    cr.execute(
        """
        UPDATE account_move move SET origin_payment_id = s.payment_id
          FROM _spec_move s WHERE s.payment_id IS NOT NULL AND move.id = s.id
        """
    )
    if link_rows:
        cr.execute(
            "INSERT INTO account_move__account_payment (invoice_id, payment_id) "
            "SELECT * FROM unnest(%s::int[], %s::int[])",
            ([r[0] for r in link_rows], [r[1] for r in link_rows]),
        )
    counts["account_move__account_payment"] = len(link_rows)
    # Posting an invoice, a credit note or a customer payment ranks its
    # partner as a customer.
    cr.execute(
        """
        UPDATE res_partner partner SET customer_rank = partner.customer_rank + n.count
          FROM (SELECT partner_id, COUNT(*) AS count FROM _spec_move
                 GROUP BY partner_id) n
         WHERE partner.id = n.partner_id
        """
    )
    for table in (
        "_spec_move",
        "_spec_line",
        "_spec_partial",
        "_spec_payment",
        "_src",
        "_tpl",
    ):
        cr.execute(f"DROP TABLE IF EXISTS {table}")
    return counts
