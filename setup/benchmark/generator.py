"""Benchmark data: reps, teams, customers and posted customer invoices.

The invoices, credit notes and partial payments are written with bulk SQL,
row for row what Odoo itself holds for them: one invoice, one credit note and
one payment are first made through the ORM inside a savepoint that is rolled
back, their rows are kept as templates, and every generated row is a copy of
its template with the values that differ (ids, names, dates, partners,
salespeople, amounts, residuals, reconciliation). The same ``spec`` can be
written through the ORM instead (``write_orm``), which is how the validation
test (tests/test_benchmark_generator.py at the repository root) checks that
both give the same rows.

Usage (inside an Odoo environment, as superuser)::

    master = create_master_data(env, reps=1000, teams=50, customers=5000)
    spec = build_spec(master, lines=1_000_000, date_from=..., date_to=...)
    write_sql(env, spec)
    setup_performance(env, master, period)
"""

import io
import json
import random
from collections import defaultdict
from datetime import timedelta

from odoo import Command

# Share of documents that are credit notes, and of invoices partly paid.
REFUND_EVERY = 20
PAYMENT_EVERY = 4
PRODUCT_COUNT = 20
PRICES = (25.0, 40.0, 55.5, 80.0, 120.0, 150.25, 199.0, 240.0, 310.0, 495.0)


# ----------------------------------------------------------------------------
# Master data (ORM, a few thousand records)
# ----------------------------------------------------------------------------


def create_master_data(env, reps, teams, customers, prefix="bench"):
    """Sales teams with their reps (users with the sales and performance
    groups), customers, products without taxes and an immediate payment term.
    Returns a dict of recordsets."""
    company = env.company
    groups = (
        env.ref("sales_team.group_sale_salesman")
        | env.ref("sales_performance.group_performance_user")
        | env.ref("base.group_user")
    )
    Users = env["res.users"].with_context(
        no_reset_password=True, mail_create_nolog=True, tracking_disable=True
    )
    users = Users.create(
        [
            {
                "name": f"{prefix.title()} Rep {index:05d}",
                "login": f"{prefix}.rep{index:05d}",
                "email": f"{prefix}.rep{index:05d}@example.com",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set(groups.ids)],
            }
            for index in range(reps)
        ]
    )
    team_count = max(1, min(teams, reps))
    leaders = users[:team_count]
    crm_teams = (
        env["crm.team"]
        .with_context(tracking_disable=True, mail_create_nolog=True)
        .create(
            [
                {
                    "name": f"{prefix.title()} Team {index:04d}",
                    "user_id": leaders[index].id,
                    "company_id": company.id,
                }
                for index in range(team_count)
            ]
        )
    )
    env["crm.team.member"].create(
        [
            {"crm_team_id": crm_teams[index % team_count].id, "user_id": user.id}
            for index, user in enumerate(users)
        ]
    )
    partners = (
        env["res.partner"]
        .with_context(tracking_disable=True, mail_create_nolog=True)
        .create(
            [
                {"name": f"{prefix.title()} Customer {index:06d}", "is_company": True}
                for index in range(customers)
            ]
        )
    )
    category = env["product.category"].create({"name": f"{prefix.title()} Products"})
    products = env["product.product"].create(
        [
            {
                "name": f"{prefix.title()} Product {index:02d}",
                "type": "service",
                "categ_id": category.id,
                "list_price": PRICES[index % len(PRICES)],
                "standard_price": round(PRICES[index % len(PRICES)] * 0.6, 2),
                "taxes_id": [Command.clear()],
                "supplier_taxes_id": [Command.clear()],
            }
            for index in range(PRODUCT_COUNT)
        ]
    )
    return {
        "company": company,
        "users": users,
        "teams": crm_teams,
        "team_of": {
            user.id: crm_teams[index % team_count].id
            for index, user in enumerate(users)
        },
        "partners": partners,
        "products": products,
        "payment_term": env.ref("account.account_payment_term_immediate"),
        "journal": env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        ),
        "bank_journal": env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        ),
    }


# ----------------------------------------------------------------------------
# What to generate (pure Python, deterministic)
# ----------------------------------------------------------------------------


def build_spec(
    master,
    lines,
    date_from,
    date_to,
    seed=42,
    max_lines=8,
    refund_every=REFUND_EVERY,
    payment_every=PAYMENT_EVERY,
):
    """The documents to write, in the order they are posted.

    ``invoices``: dicts with ``kind`` (out_invoice / out_refund), ``date``,
    ``partner_id``, ``user_id``, ``team_id``, ``lines`` [(product_id, name,
    quantity, price_unit)] and, for a credit note, ``origin`` (index of the
    invoice it reverses; it refunds that invoice's first line). ``payments``:
    dicts with ``invoice`` (index), ``date`` and ``amount`` (half of what is
    left to pay after credit notes). Exactly ``lines`` product lines.
    """
    assert date_from.year == date_to.year, "one calendar year at most"
    rng = random.Random(seed)
    users = master["users"]
    partner_ids = master["partners"].ids
    products = [(p.id, p.display_name, p.list_price) for p in master["products"]]
    days = (date_to - date_from).days + 1
    invoices = []
    refundable = []
    remaining = lines
    while remaining > 0:
        number = len(invoices)
        if number % refund_every == refund_every - 1 and refundable:
            origin = refundable.pop(rng.randrange(len(refundable)))
            source = invoices[origin]
            invoices.append(
                {
                    "kind": "out_refund",
                    "partner_id": source["partner_id"],
                    "user_id": source["user_id"],
                    "team_id": source["team_id"],
                    "lines": [source["lines"][0]],
                    "origin": origin,
                }
            )
            remaining -= 1
            continue
        count = min(remaining, rng.randint(1, max_lines))
        user = users[rng.randrange(len(users))]
        chosen = []
        for _index in range(count):
            product_id, name, price = products[rng.randrange(len(products))]
            chosen.append((product_id, name, float(rng.randint(1, 10)), price))
        invoices.append(
            {
                "kind": "out_invoice",
                "partner_id": partner_ids[rng.randrange(len(partner_ids))],
                "user_id": user.id,
                "team_id": master["team_of"][user.id],
                "lines": chosen,
                "origin": None,
            }
        )
        if count > 1:
            refundable.append(number)
        remaining -= count
    # Dates ascend with the posting order; a credit note is never dated
    # before the invoice it reverses.
    dates = sorted(date_from + timedelta(days=rng.randrange(days)) for _doc in invoices)
    for invoice, date in zip(invoices, dates, strict=True):
        invoice["date"] = date
    for invoice in invoices:
        if invoice["origin"] is not None:
            invoice["date"] = max(invoice["date"], invoices[invoice["origin"]]["date"])
    refunded = defaultdict(float)
    for invoice in invoices:
        invoice["total"] = round(
            sum(round(q * p, 2) for _i, _n, q, p in invoice["lines"]), 2
        )
        if invoice["origin"] is not None:
            refunded[invoice["origin"]] += invoice["total"]
    payments = []
    for index, invoice in enumerate(invoices):
        if invoice["kind"] != "out_invoice" or index % payment_every:
            continue
        due = round(invoice["total"] - refunded[index], 2)
        amount = round(due / 2, 2)
        if amount <= 0:
            continue
        payments.append(
            {
                "invoice": index,
                "date": min(invoice["date"] + timedelta(days=10), date_to),
                "amount": amount,
            }
        )
    return {"invoices": invoices, "payments": payments, "master": master}


# ----------------------------------------------------------------------------
# Through the ORM (reference, and template rows)
# ----------------------------------------------------------------------------


def write_orm(env, spec):
    """Post the spec's documents through the ORM, as a user would: invoices,
    then credit notes, then payments through the Register Payment wizard.
    Returns (moves in spec order, payments in spec order)."""
    master = spec["master"]
    Move = env["account.move"].with_context(
        tracking_disable=True, mail_create_nolog=True
    )
    moves = env["account.move"]
    for invoice in spec["invoices"]:
        vals = {
            "move_type": invoice["kind"],
            "partner_id": invoice["partner_id"],
            "invoice_date": invoice["date"],
            "invoice_user_id": invoice["user_id"],
            "team_id": invoice["team_id"],
            "journal_id": master["journal"].id,
            "invoice_payment_term_id": master["payment_term"].id,
            "invoice_line_ids": [
                Command.create(
                    {"product_id": product, "quantity": qty, "price_unit": price}
                )
                for product, _name, qty, price in invoice["lines"]
            ],
        }
        if invoice["origin"] is not None:
            vals["reversed_entry_id"] = moves[invoice["origin"]].id
        move = Move.create(vals)
        move.action_post()
        moves |= move
    payments = env["account.payment"]
    for payment in spec["payments"]:
        wizard = (
            env["account.payment.register"]
            .with_context(
                active_model="account.move", active_ids=moves[payment["invoice"]].ids
            )
            .create(
                {
                    "amount": payment["amount"],
                    "payment_date": payment["date"],
                    "journal_id": master["bank_journal"].id,
                }
            )
        )
        payments |= wizard._create_payments()
    env.flush_all()
    return moves, payments


def _template_rows(env, master, date):
    """Rows of one invoice (one line), its credit note and a partial payment
    made through the ORM, then rolled back: {table: [row dicts]}."""
    user = master["users"][0]
    product = master["products"][0]
    spec = {
        "master": master,
        "invoices": [
            {
                "kind": "out_invoice",
                "date": date,
                "partner_id": master["partners"][0].id,
                "user_id": user.id,
                "team_id": master["team_of"][user.id],
                "lines": [(product.id, product.display_name, 4.0, 100.0)],
                "origin": None,
            },
            {
                "kind": "out_refund",
                "date": date,
                "partner_id": master["partners"][0].id,
                "user_id": user.id,
                "team_id": master["team_of"][user.id],
                "lines": [(product.id, product.display_name, 1.0, 100.0)],
                "origin": 0,
            },
        ],
        "payments": [{"invoice": 0, "date": date, "amount": 100.0}],
    }
    rows = {}
    savepoint = env.cr.savepoint()
    try:
        moves, payments = write_orm(env, spec)
        move_ids = tuple(moves.ids + payments.move_id.ids)
        queries = {
            "account_move": ("id IN %s", move_ids),
            "account_move_line": ("move_id IN %s", move_ids),
            "account_payment": ("id IN %s", tuple(payments.ids)),
            "account_partial_reconcile": (
                "debit_move_id IN (SELECT id FROM account_move_line "
                "WHERE move_id IN %s)",
                move_ids,
            ),
        }
        for table, (where, params) in queries.items():
            env.cr.execute(
                f"SELECT row_to_json(t)::text FROM {table} t "  # noqa: S608
                f"WHERE {where} ORDER BY id",
                (params,),
            )
            rows[table] = [json.loads(text) for (text,) in env.cr.fetchall()]
    finally:
        savepoint.close(rollback=True)
    env.invalidate_all()
    return rows


# ----------------------------------------------------------------------------
# Bulk SQL
# ----------------------------------------------------------------------------


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


def _reserve_ids(cr, table, count):
    """First of ``count`` consecutive ids taken from the table's sequence."""
    cr.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", (table,))
    (first,) = cr.fetchone()
    cr.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
        (table, first + max(count, 1) - 1),
    )
    return first


def _copy(cr, name, columns, rows):
    """Load rows into a temporary table through COPY."""
    cr.execute(f"DROP TABLE IF EXISTS {name}")
    cr.execute(f"CREATE TEMP TABLE {name} ({', '.join(columns)})")
    buffer = io.StringIO()
    for row in rows:
        buffer.write(
            "\t".join("\\N" if value is None else str(value) for value in row) + "\n"
        )
    buffer.seek(0)
    cr._obj.copy_from(buffer, name, columns=[c.split()[0] for c in columns])


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


def _next_numbers(cr, journal_id, prefix):
    cr.execute(
        """
        SELECT COALESCE(MAX(sequence_number), 0) FROM account_move
         WHERE journal_id = %s AND sequence_prefix = %s
        """,
        (journal_id, prefix),
    )
    return cr.fetchone()[0] + 1


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


def write_sql(env, spec):
    """Write the spec's documents with bulk SQL, cloning the rows Odoo makes
    for one document of each kind. Returns counts per table."""
    cr = env.cr
    env.flush_all()
    templates = _load_templates(env, spec["master"], spec["invoices"][0]["date"])
    rows = _spec_rows(cr, spec, templates)
    _load_spec_rows(cr, rows)
    counts = _insert_rows(cr, templates, rows["links"])
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


def _spec_rows(cr, spec, templates):
    """The rows to write, as plain tuples, in posting order: ids reserved
    from the sequences, names numbered after the last posted ones."""
    master = spec["master"]
    invoices = spec["invoices"]
    payments = spec["payments"]
    tpl_inv = templates["invoice"]
    tpl_ref = templates["refund"]
    tpl_pay_move = templates["payment_move"]
    # Ids and names, in posting order.
    move_base = _reserve_ids(cr, "account_move", len(invoices) + len(payments))
    line_count = sum(len(inv["lines"]) + 1 for inv in invoices) + 2 * len(payments)
    line_base = _reserve_ids(cr, "account_move_line", line_count)
    payment_base = _reserve_ids(cr, "account_payment", len(payments))
    refunds = [i for i, inv in enumerate(invoices) if inv["origin"] is not None]
    partial_base = _reserve_ids(
        cr, "account_partial_reconcile", len(refunds) + len(payments)
    )

    def numbering(template):
        prefix = template["sequence_prefix"]
        width = len(template["name"]) - len(prefix)
        number = _next_numbers(cr, template["journal_id"], prefix)
        return prefix, width, number

    numbers = {
        "out_invoice": list(numbering(tpl_inv)),
        "out_refund": list(numbering(tpl_ref)),
        "entry": list(numbering(tpl_pay_move)),
    }

    def next_name(kind):
        prefix, width, number = numbers[kind]
        numbers[kind][2] += 1
        return f"{prefix}{number:0{width}d}", number

    partners = {
        p["id"]: p["name"]
        for p in master["partners"].read(["name"])  # noqa: B035
    }
    move_rows = []
    line_rows = []
    partial_rows = []
    payment_rows = []
    link_rows = []
    term_line = {}
    residual = {}
    matching = {}
    reconciled = set()
    line_id = line_base
    for index, invoice in enumerate(invoices):
        move_id = move_base + index
        invoice["move_id"] = move_id
        name, number = next_name(invoice["kind"])
        invoice["name"] = name
        sign = 1 if invoice["kind"] == "out_invoice" else -1
        for sequence, (product_id, pname, qty, price) in enumerate(invoice["lines"]):
            subtotal = round(qty * price, 2)
            line_rows.append(
                (
                    line_id,
                    move_id,
                    "product",
                    product_id,
                    pname,
                    qty,
                    price,
                    subtotal,
                    -sign * subtotal,
                    0.0,
                    None,
                    invoice["date"],
                    sequence,
                    None,
                )
            )
            line_id += 1
        term_line[index] = line_id
        residual[index] = invoice["total"]
        line_rows.append(
            (
                line_id,
                move_id,
                "payment_term",
                None,
                None,
                0.0,
                0.0,
                0.0,
                sign * invoice["total"],
                invoice["total"] * sign,
                None,
                invoice["date"],
                0,
                None,
            )
        )
        line_id += 1
        move_rows.append(
            [
                move_id,
                invoice["kind"],
                name,
                number,
                invoice["date"],
                invoice["partner_id"],
                partners[invoice["partner_id"]],
                invoice["user_id"],
                invoice["team_id"],
                None if invoice["origin"] is None else move_base + invoice["origin"],
                invoice["total"],
                invoice["total"],
                "not_paid",
                None,
            ]
        )
    partial_id = partial_base
    for index in refunds:
        invoice = invoices[index]
        origin = invoice["origin"]
        amount = invoice["total"]
        partial_rows.append(
            (partial_id, term_line[origin], term_line[index], amount, invoice["date"])
        )
        matching.setdefault(origin, partial_id)
        matching[index] = matching[origin]
        residual[origin] = round(residual[origin] - amount, 2)
        residual[index] = 0.0
        reconciled.add(index)
        partial_id += 1
    for number_, payment in enumerate(payments):
        origin = payment["invoice"]
        move_id = move_base + len(invoices) + number_
        payment_id = payment_base + number_
        payment["payment_id"] = payment_id
        name, number = next_name("entry")
        inv = invoices[origin]
        liquidity_id, counterpart_id = line_id, line_id + 1
        line_id += 2
        for line_key, balance, resid in (
            (liquidity_id, payment["amount"], payment["amount"]),
            (counterpart_id, -payment["amount"], 0.0),
        ):
            line_rows.append(
                (
                    line_key,
                    move_id,
                    "pay",
                    None,
                    None,
                    1.0,
                    0.0,
                    balance,
                    balance,
                    resid,
                    payment_id,
                    payment["date"],
                    0,
                    inv["name"],
                )
            )
        partial_rows.append(
            (
                partial_id,
                term_line[origin],
                counterpart_id,
                payment["amount"],
                max(payment["date"], inv["date"]),
            )
        )
        matching.setdefault(origin, partial_id)
        payment["matching"] = matching[origin]
        payment["counterpart"] = counterpart_id
        partial_id += 1
        residual[origin] = round(residual[origin] - payment["amount"], 2)
        move_rows.append(
            [
                move_id,
                "entry",
                name,
                number,
                payment["date"],
                inv["partner_id"],
                partners[inv["partner_id"]],
                None,
                None,
                None,
                payment["amount"],
                0.0,
                "not_paid",
                payment_id,
            ]
        )
        payment_rows.append(
            (
                payment_id,
                move_id,
                name,
                inv["name"],
                payment["date"],
                payment["amount"],
                inv["partner_id"],
            )
        )
        link_rows.append((move_base + origin, payment_id))
    # Registering a payment writes on the invoice, which marks it modified.
    paid = {payment["invoice"] for payment in payments}
    for index, row in enumerate(move_rows):
        row.append(index in paid)
    # Residuals and payment states of the invoices and credit notes.
    for index, _invoice in enumerate(invoices):
        row = move_rows[index]
        row[11] = residual[index]
        if index in reconciled and not residual[index]:
            row[12] = "paid"
        elif index in matching:
            row[12] = "partial"
    match_by_line = {}
    for index, partial in matching.items():
        match_by_line[term_line[index]] = f"P{partial}"
    for payment in payments:
        match_by_line[payment["counterpart"]] = f"P{payment['matching']}"
    resid_by_line = {term_line[i]: residual[i] for i in range(len(invoices))}
    reconciled_lines = {term_line[i] for i in reconciled} | {
        p["counterpart"] for p in payments
    }

    return {
        "moves": move_rows,
        "lines": line_rows,
        "partials": partial_rows,
        "payments": payment_rows,
        "links": link_rows,
        "match_by_line": match_by_line,
        "resid_by_line": resid_by_line,
        "reconciled_lines": reconciled_lines,
    }


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


# ----------------------------------------------------------------------------
# Targets, scorecard template and incentive plan (ORM, few records)
# ----------------------------------------------------------------------------


def get_month_period(env, company, date):
    """The month performance period holding ``date`` (the fiscal year is
    generated when missing)."""
    Period = env["performance.period"]
    domain = [
        ("company_id", "=", company.id),
        ("period_type", "=", "month"),
        ("date_start", "<=", date),
        ("date_end", ">=", date),
    ]
    period = Period.search(domain, limit=1)
    if not period:
        Period.generate_fiscal_year(date.year, company)
        period = Period.search(domain, limit=1)
    return period


# Share of reps with a validated leave in the period, and hired inside it.
LEAVE_EVERY = 10
HIRED_EVERY = 50


def create_employees(env, master, period, prefix="bench"):
    """One employee per rep, on the company's working schedule, so that the
    HR link prorates every salesperson target: every tenth rep has a
    validated three-day leave in the period, every fiftieth was hired in
    the middle of it. Returns ``{"employees": n, "leaves": n}``."""
    company = master["company"]
    users = master["users"]
    calendar = company.resource_calendar_id
    middle = period.date_start + (period.date_end - period.date_start) / 2
    Employee = env["hr.employee"].with_context(
        tracking_disable=True, mail_create_nolog=True, mail_notrack=True
    )
    employees = Employee.create(
        [
            {
                "name": user.name,
                "user_id": user.id,
                "company_id": company.id,
                "resource_calendar_id": calendar.id,
                "tz": "UTC",
                "performance_hire_date": middle if index % HIRED_EVERY == 1 else False,
            }
            for index, user in enumerate(users)
        ]
    )
    leave_type = env["hr.leave.type"].create(
        {
            "name": f"{prefix.title()} Time Off",
            "requires_allocation": "no",
            "leave_validation_type": "no_validation",
            "company_id": company.id,
        }
    )
    # The first working week of the period, Tuesday to Thursday.
    tuesday = period.date_start + timedelta(days=(1 - period.date_start.weekday()) % 7)
    leaves = (
        env["hr.leave"]
        .with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
        )
        .create(
            [
                {
                    "employee_id": employee.id,
                    "holiday_status_id": leave_type.id,
                    "request_date_from": tuesday,
                    "request_date_to": tuesday + timedelta(days=2),
                }
                for index, employee in enumerate(employees)
                if index % LEAVE_EVERY == 0
            ]
        )
    )
    leaves.filtered(lambda leave: leave.state != "validate").action_validate()
    return {"employees": len(employees), "leaves": len(leaves)}


def setup_performance(env, master, spec, period, prefix="bench"):
    """Targets (company -> teams -> reps for revenue, reps only for the
    collection rate and new customers), one scorecard template over the
    benchmark teams and one published incentive plan with a percentage rule,
    a tiered rule, a bonus and a plan cap, every rep taking part."""
    company = master["company"]
    users = master["users"]
    teams = master["teams"]
    revenue = env.ref("sales_performance.kpi_invoiced_revenue")
    collection = env.ref("sales_performance.kpi_collection_rate")
    new_customers = env.ref("sales_performance.kpi_new_customers")
    sold = defaultdict(float)
    for invoice in spec["invoices"]:
        sign = 1 if invoice["kind"] == "out_invoice" else -1
        sold[invoice["user_id"]] += sign * invoice["total"]
    # Targets around what each rep sells, so attainment spreads around 100 %.
    per_user = {
        user.id: round(sold[user.id] * (0.8 + 0.4 * (index % 5) / 4), -1) or 1000.0
        for index, user in enumerate(users)
    }
    Target = env["performance.target"].with_context(
        tracking_disable=True,
        mail_create_nolog=True,
        mail_notrack=True,
        performance_change_reason="Benchmark plan",
    )
    company_target = Target.create(
        {
            "period_id": period.id,
            "kpi_id": revenue.id,
            "company_id": company.id,
            "owner_type": "company",
            "allocation_method": "manual",
            "target_value": sum(per_user.values()),
        }
    )
    by_team = defaultdict(float)
    for user_id, value in per_user.items():
        by_team[master["team_of"][user_id]] += value
    team_targets = Target.create(
        [
            {
                "parent_id": company_target.id,
                "period_id": period.id,
                "kpi_id": revenue.id,
                "company_id": company.id,
                "owner_type": "team",
                "team_id": team.id,
                "allocation_method": "manual",
                "target_value": by_team[team.id],
            }
            for team in teams
        ]
    )
    team_target_of = {target.team_id.id: target for target in team_targets}
    vals_list = []
    for user in users:
        team_id = master["team_of"][user.id]
        vals_list.append(
            {
                "parent_id": team_target_of[team_id].id,
                "period_id": period.id,
                "kpi_id": revenue.id,
                "company_id": company.id,
                "owner_type": "user",
                "user_id": user.id,
                "team_id": team_id,
                "target_value": per_user[user.id],
            }
        )
        for kpi, value in ((collection, 40.0), (new_customers, 3.0)):
            vals_list.append(
                {
                    "period_id": period.id,
                    "kpi_id": kpi.id,
                    "company_id": company.id,
                    "owner_type": "user",
                    "user_id": user.id,
                    "team_id": team_id,
                    "target_value": value,
                }
            )
    Target.create(vals_list)
    template = (
        env["performance.scorecard.template"]
        .with_context(tracking_disable=True, mail_create_nolog=True)
        .create(
            {
                "name": f"{prefix.title()} Scorecard",
                "company_id": company.id,
                "team_ids": [Command.set(teams.ids)],
                "line_ids": [
                    Command.create({"sequence": 1, "kpi_id": revenue.id, "weight": 60}),
                    Command.create(
                        {"sequence": 2, "kpi_id": collection.id, "weight": 20}
                    ),
                    Command.create(
                        {"sequence": 3, "kpi_id": new_customers.id, "weight": 20}
                    ),
                ],
                "band_ids": [
                    Command.create({"name": "A", "min_score": 120, "max_score": 150}),
                    Command.create({"name": "B", "min_score": 100, "max_score": 120}),
                    Command.create({"name": "C", "min_score": 70, "max_score": 100}),
                    Command.create({"name": "D", "min_score": 0, "max_score": 70}),
                ],
            }
        )
    )
    average = sum(sold.values()) / max(len(users), 1)
    year = period
    while year.parent_id:
        year = year.parent_id
    plan = (
        env["incentive.plan"]
        .with_context(tracking_disable=True, mail_create_nolog=True)
        .create(
            {
                "name": f"{prefix.title()} Commission",
                "company_id": company.id,
                "date_start": year.date_start,
                "date_end": year.date_end,
                "earn_on": "invoice",
                "kpi_id": revenue.id,
                # The cap bites for the reps selling the most.
                "cap_amount": round(average * 0.015 + 500.0, -2),
                "rule_ids": [
                    Command.create(
                        {
                            "sequence": 10,
                            "name": "Commission on revenue",
                            "kind": "percentage",
                            "rate": 1.0,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 20,
                            "name": "Accelerator above quota",
                            "kind": "tiered",
                            "kpi_id": revenue.id,
                            "tier_basis": "attainment",
                            "tier_mode": "marginal",
                            "tier_ids": [
                                Command.create({"lower": 0, "upper": 100, "rate": 0}),
                                Command.create({"lower": 100, "upper": 120, "rate": 2}),
                                Command.create({"lower": 120, "rate": 4}),
                            ],
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 30,
                            "name": "Quota bonus",
                            "kind": "bonus",
                            "amount": 500.0,
                            "kpi_id": revenue.id,
                            "condition_measure": "attainment",
                            "condition_operator": ">=",
                            "condition_value": 100,
                        }
                    ),
                ],
                "assignment_ids": [
                    Command.create({"user_id": user.id, "target_incentive": 3000.0})
                    for user in users
                ],
            }
        )
    )
    plan.with_context(tracking_disable=True).action_publish()
    return {"period": period, "template": template, "plan": plan}
