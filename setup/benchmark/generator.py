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

The code is split by concern: this module (master data, the spec, and the
entry points), ``generator_orm`` (through the ORM), ``generator_rows`` (the
rows of the spec), ``generator_sql`` (the bulk load) and ``generator_setup``
(targets, template, plan, employees). This directory must be on
``sys.path``.
"""

import random
from collections import defaultdict
from datetime import timedelta

from generator_orm import write_orm  # noqa: F401 (an entry point)
from generator_setup import (  # noqa: F401 (entry points)
    create_employees,
    get_month_period,
    setup_performance,
)
from generator_sql import write_sql  # noqa: F401 (an entry point)

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
