# Run by setup/uninstall_check.py through `odoo shell` on the database it
# builds without the suite: a company already on Odoo, with salespeople who
# have only Odoo's sales roles, a team and its leader, and customer invoices
# posted, paid, partly paid and refunded. Prints one line of what it made.
# pylint: disable=undefined-variable
from odoo import Command, fields

env = env  # noqa: F821, PLW0127
company = env.company
today = fields.Date.today()


def user(login, group):
    return (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": login.replace(".", " ").title(),
                "login": login,
                "password": login,
                "email": f"{login}@example.com",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set([env.ref(group).id])],
            }
        )
    )


rep = user("existing.rep", "sales_team.group_sale_salesman")
leader = user("existing.leader", "sales_team.group_sale_salesman")
env["crm.team"].create(
    {
        "name": "Existing Team",
        "user_id": leader.id,
        "member_ids": [Command.set(rep.ids)],
    }
)
customer = env["res.partner"].create({"name": "Existing Customer", "is_company": True})
product = env["product.product"].create(
    {"name": "Existing Service", "type": "service", "list_price": 100.0}
)
moves = env["account.move"].create(
    [
        {
            "move_type": move_type,
            "partner_id": customer.id,
            "invoice_user_id": rep.id,
            "invoice_date": today,
            "invoice_line_ids": [
                Command.create({"product_id": product.id, "price_unit": amount})
            ],
        }
        for move_type, amount in (
            ("out_invoice", 1000.0),
            ("out_invoice", 800.0),
            ("out_invoice", 500.0),
            ("out_refund", 200.0),
            ("out_invoice", 300.0),
        )
    ]
)
moves[:4].action_post()
for move, amount in ((moves[0], None), (moves[1], 300.0)):
    env["account.payment.register"].with_context(
        active_model="account.move", active_ids=move.ids
    ).create({"amount": amount} if amount else {})._create_payments()
env.cr.commit()
print(f"FIXTURE: {len(moves)} moves, users {rep.login} and {leader.login}")
