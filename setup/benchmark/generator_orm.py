"""Benchmark data through the ORM: the reference the bulk rows are checked
against, and the template rows they copy."""

import json

from odoo import Command


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
