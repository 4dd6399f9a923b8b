"""The rows of a benchmark spec as plain tuples, in posting order: ids
reserved from the sequences, names numbered after the last posted ones."""


def _reserve_ids(cr, table, count):
    """First of ``count`` consecutive ids taken from the table's sequence."""
    cr.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", (table,))
    (first,) = cr.fetchone()
    cr.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
        (table, first + max(count, 1) - 1),
    )
    return first


def _next_numbers(cr, journal_id, prefix):
    cr.execute(
        """
        SELECT COALESCE(MAX(sequence_number), 0) FROM account_move
         WHERE journal_id = %s AND sequence_prefix = %s
        """,
        (journal_id, prefix),
    )
    return cr.fetchone()[0] + 1


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
