"""The incentive story of the demo company.

Called once by ``demo/incentive_demo.xml``, after the Sales Performance demo
(``performance.demo``) has built its year of invoices, payments and targets.
It reuses that demo's users, teams, periods and documents and goes through the
buttons each person would click, as that person: the incentive administrator
publishes the plans and submits the statements, the salespeople accept their
plan and dispute a line, the team leaders approve and resolve.

The statements cover the months of the current fiscal year up to today: the
older ones paid, the one before last validated, last month approved (one still
waiting on its team leader) and the current month a draft that carries a
dispute adjustment, a correction and a split deal. Nothing is random: two
databases created on the same day hold the same statements.
"""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

from odoo.addons.sales_performance.demo.performance_demo import FAST

DEMO = "sales_performance."
MODULE = "sales_performance_incentive."

# Target incentive of each team's members for the year: about what the plan
# pays at 100 % of quota.
TARGET_INCENTIVES = [
    ("demo_team_direct", 12000.0),
    ("demo_team_key_accounts", 18000.0),
    ("demo_team_channel", 12000.0),
]
# Salespeople who have not accepted the plan yet: the activity waits for them.
PENDING = ("demo_user_rep_sara", "demo_user_rep_tom", "demo_user_rep_chloe")
# Last month's statement its team leader has not approved yet.
WAITING = "demo_user_rep_daniel"
# Who may receive the credit note dated in an approved month, in order of
# preference: the first whose statement the plan cap did not cut.
LATE_REFUND_CANDIDATES = (
    "demo_user_rep_hannah",
    "demo_user_rep_amelia",
    "demo_user_rep_mateo",
    "demo_user_rep_ravi",
    "demo_user_rep_sara",
)
PLAN_DOCUMENT = """
<p>The Field Sales Commission pays the members of Direct Sales, Key Accounts
and Channel Partners on the revenue they invoice during the fiscal year.</p>
<ul>
<li><b>Commission</b>: 3 % of the revenue invoiced, less the credit notes issued
within 90 days of their invoice.</li>
<li><b>Accelerator</b>: 2 % more on the revenue of the month between 100 % and
120 % of the monthly quota, and 4 % more above 120 %.</li>
<li><b>Quota bonus</b>: 500 in every month the monthly quota is met.</li>
<li><b>Cap</b>: the plan pays at most 4,000 a month.</li>
</ul>
<p>Shared deals are credited by the splits recorded on the order. Statements
are approved by the team leader and validated by Finance before payroll.</p>
"""
COLLECTIONS_DOCUMENT = """
<p>The Collections Plan rewards the Channel Partners team for cash collected
from resellers: 2 % of the revenue of every invoice, earned when and as far as
it is paid.</p>
"""
VERSION_DOCUMENT = """
<p>Proposed for next month: the same terms, plus a spiff of 150 per Furniture
Care Plan sold.</p>
"""
# Context of the story: activities are scheduled without e-mails.
QUIET = {"mail_activity_quick_update": True, "mail_auto_subscribe_no_notify": True}


class IncentiveDemo(models.AbstractModel):
    _name = "incentive.demo"
    _description = "Sales Incentive Demo Data"

    @api.model
    def _generate(self):
        """Create the incentive story of the main company (once)."""
        if self.env.ref(MODULE + "demo_plan_field_sales", raise_if_not_found=False):
            return
        company = self.env.ref("base.main_company")
        demo = self.with_company(company).with_context(**QUIET)
        today = fields.Date.context_today(demo)
        year = demo._demo_year(company, today)
        if not year:
            return
        months = demo.env["performance.period"].search(
            [
                ("id", "child_of", year.id),
                ("period_type", "=", "month"),
                ("date_start", "<=", today),
            ],
            order="date_start",
        )
        admin = demo.env.ref("base.user_admin")
        reps = demo.env["performance.demo"]._demo_reps()
        demo._demo_monthly_targets(company, months, reps)
        demo._demo_split_deal(today)
        plan = demo._demo_field_sales_plan(year, admin)
        collections = demo._demo_collections_plan(year, months, admin)
        demo._demo_accept(plan | collections)
        demo._demo_accounting(company)
        demo._demo_statements(plan, months, admin)
        demo._demo_collection_statements(collections, months, admin)
        if len(months) > 1:
            last_month = months[-2]
            demo._demo_disputes(plan, last_month)
            demo._demo_late_refund(company, plan, last_month, admin)
        version = demo._demo_new_version(plan, today, admin)
        demo.env["ir.model.data"]._update_xmlids(
            [
                {"xml_id": MODULE + name, "record": record, "noupdate": True}
                for name, record in (
                    ("demo_plan_field_sales", plan),
                    ("demo_plan_field_sales_v2", version),
                    ("demo_plan_collections", collections),
                )
            ]
        )

    # ------------------------------------------------------------
    # Set-up
    # ------------------------------------------------------------

    def _demo_year(self, company, today):
        """The open fiscal year of today, made by the Sales Performance demo."""
        return self.env["performance.period"].search(
            [
                ("company_id", "=", company.id),
                ("period_type", "=", "year"),
                ("state", "=", "open"),
                ("date_start", "<=", today),
                ("date_end", ">=", today),
            ],
            limit=1,
        )

    def _demo_monthly_targets(self, company, months, reps):
        """Monthly revenue quotas for the months the base demo left without
        one, allocated as it allocates the current month's: the accelerator
        and the bonus read them."""
        kpi = self.env.ref(DEMO + "kpi_invoiced_revenue")
        Target = self.env["performance.target"]
        planned = Target.search(
            [
                ("period_id", "in", months.ids),
                ("kpi_id", "=", kpi.id),
                ("owner_type", "=", "company"),
            ]
        ).period_id
        team_plans = defaultdict(float)
        for rep in reps:
            team_plans[rep["team"]] += rep["plan"]
        # Added to the base demo's targets in the context it adds its own with.
        generator = self.env["performance.demo"].with_context(**FAST)
        for month in months - planned:
            generator._demo_revenue_targets(
                company, month, kpi, reps, team_plans, 1.0 / 12
            )
        Target.search(
            [("period_id", "in", (months - planned).ids), ("kpi_id", "=", kpi.id)]
        ).action_compute()

    def _demo_split_deal(self, today):
        """A deal Olivia and Daniel won together, its credit split 60/40 on the
        order and carried to the invoice."""
        olivia = self.env.ref(DEMO + "demo_user_rep_olivia")
        daniel = self.env.ref(DEMO + "demo_user_rep_daniel")
        order = self.env["sale.order"].create(
            {
                "partner_id": self.env.ref(DEMO + "demo_partner_harbor_view").id,
                "user_id": olivia.id,
                "team_id": olivia.sale_team_id.id,
                "client_order_ref": "JOINT-DEAL",
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.env.ref(
                                DEMO + "demo_product_workstation"
                            ).id,
                            "product_uom_qty": 12,
                        }
                    ),
                    Command.create(
                        {
                            "product_id": self.env.ref(
                                DEMO + "demo_product_design_project"
                            ).id,
                            "product_uom_qty": 1,
                        }
                    ),
                ],
                "incentive_split_ids": [
                    Command.create({"user_id": olivia.id, "percentage": 60}),
                    Command.create({"user_id": daniel.id, "percentage": 40}),
                ],
            }
        )
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date = today
        invoice.action_post()
        return order

    # ------------------------------------------------------------
    # Plans
    # ------------------------------------------------------------

    def _demo_field_sales_plan(self, year, admin):
        kpi = self.env.ref(DEMO + "kpi_invoiced_revenue")
        plan = (
            self.env["incentive.plan"]
            .with_user(admin)
            .create(
                {
                    "name": "Field Sales Commission",
                    "date_start": year.date_start,
                    "date_end": year.date_end,
                    "earn_on": "invoice",
                    "clawback_days": 90,
                    "kpi_id": kpi.id,
                    "cap_amount": 4000.0,
                    "description": PLAN_DOCUMENT,
                    "rule_ids": [
                        Command.create(
                            {
                                "sequence": 10,
                                "name": "Commission on revenue",
                                "kind": "percentage",
                                "rate": 3.0,
                            }
                        ),
                        Command.create(
                            {
                                "sequence": 20,
                                "name": "Accelerator above quota",
                                "kind": "tiered",
                                "kpi_id": kpi.id,
                                "tier_basis": "attainment",
                                "tier_mode": "marginal",
                                "tier_ids": [
                                    Command.create(
                                        {"lower": 0, "upper": 100, "rate": 0}
                                    ),
                                    Command.create(
                                        {"lower": 100, "upper": 120, "rate": 2}
                                    ),
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
                                "kpi_id": kpi.id,
                                "condition_measure": "attainment",
                                "condition_operator": ">=",
                                "condition_value": 100,
                            }
                        ),
                    ],
                    "assignment_ids": [
                        Command.create(
                            {
                                "team_id": self.env.ref(DEMO + xmlid).id,
                                "target_incentive": amount,
                            }
                        )
                        for xmlid, amount in TARGET_INCENTIVES
                    ],
                }
            )
        )
        plan.action_publish()
        return plan

    def _demo_collections_plan(self, year, months, admin):
        """A plan on payment for the channel team, introduced last month."""
        start = months[-2].date_start if len(months) > 1 else months[-1].date_start
        plan = (
            self.env["incentive.plan"]
            .with_user(admin)
            .create(
                {
                    "name": "Collections Plan",
                    "date_start": start,
                    "date_end": year.date_end,
                    "earn_on": "payment",
                    "description": COLLECTIONS_DOCUMENT,
                    "rule_ids": [
                        Command.create(
                            {
                                "name": "Commission on collected revenue",
                                "kind": "percentage",
                                "rate": 2.0,
                            }
                        )
                    ],
                    "assignment_ids": [
                        Command.create(
                            {
                                "team_id": self.env.ref(DEMO + "demo_team_channel").id,
                                "target_incentive": 3000.0,
                            }
                        )
                    ],
                }
            )
        )
        plan.action_publish()
        return plan

    def _demo_accept(self, plans):
        """Most salespeople accept their plans; a few have not yet."""
        pending = [self.env.ref(DEMO + xmlid) for xmlid in PENDING]
        assignments = plans.assignment_ids.filtered("user_id")
        for user in assignments.user_id.sorted("id"):
            if user in pending:
                continue
            assignments.filtered(lambda a, u=user: a.user_id == u).with_user(
                user
            ).action_accept()

    def _demo_new_version(self, plan, today, admin):
        """A draft version 2 of the plan, proposed from next month with a
        spiff on care plans."""
        plan.with_user(admin).action_new_version()
        version = self.env["incentive.plan"].search(
            [("previous_id", "=", plan.id)], limit=1
        )
        next_month = today.replace(day=1) + relativedelta(months=1)
        version.with_user(admin).write(
            {
                "date_start": min(next_month, version.date_end),
                "description": VERSION_DOCUMENT + PLAN_DOCUMENT,
                "rule_ids": [
                    Command.create(
                        {
                            "sequence": 40,
                            "name": "Care plan spiff",
                            "kind": "spiff",
                            "amount": 150.0,
                            "product_ids": [
                                Command.set(
                                    self.env.ref(DEMO + "demo_product_care_plan").ids
                                )
                            ],
                        }
                    )
                ],
            }
        )
        return version

    # ------------------------------------------------------------
    # Statements
    # ------------------------------------------------------------

    def _demo_statements(self, plan, months, admin):
        """One statement per salesperson and month, oldest first: paid up to three
        months ago, validated two months ago, approved last month (one still
        waiting on its team leader), draft this month."""
        waiting = self.env.ref(DEMO + WAITING)
        past = months[:-1]
        for index, month in enumerate(past):
            age = len(past) - index
            statements = plan.with_user(admin).generate_statements(month)
            statements.action_submit()
            if age == 1:
                statements -= statements.filtered(lambda st: st.user_id == waiting)
            self._demo_approve(statements)
            if age == 1:
                continue
            statements.with_user(admin).action_validate()
            if age > 2:
                self._demo_pay(statements, admin)
        plan.with_user(admin).generate_statements(months[-1])

    def _demo_pay(self, statements, admin):
        """Mark the statements paid."""
        statements.with_user(admin).action_pay()

    def _demo_approve(self, statements):
        """Each team leader approves the statements of their team."""
        by_approver = defaultdict(lambda: statements.browse())
        # Those with nothing earned approved themselves when submitted.
        for statement in statements.filtered(lambda st: st.state == "to_approve"):
            by_approver[statement._get_responsible_for_approval()] |= statement
        for approver, batch in by_approver.items():
            batch.with_user(approver).action_approve()

    def _demo_collection_statements(self, plan, months, admin):
        """Last month's collections waiting on the channel leader, this
        month's a draft."""
        for month in months[-2:]:
            if month.date_end < plan.date_start:
                continue
            statements = plan.with_user(admin).generate_statements(month)
            if month != months[-1]:
                statements.action_submit()

    def _demo_disputes(self, plan, last_month):
        """Olivia disputes a line of last month's approved statement and her
        leader grants it: an adjustment in this month's draft. Lucas's dispute
        still waits on his leader."""
        statements = self.env["incentive.statement"].search(
            [
                ("plan_id", "=", plan.id),
                ("period_id", "=", last_month.id),
                ("state", "=", "approved"),
            ]
        )
        Dispute = self.env["incentive.dispute"]
        olivia = self.env.ref(DEMO + "demo_user_rep_olivia")
        statement = statements.filtered(lambda st: st.user_id == olivia)
        line = statement.line_ids.filtered(
            lambda rule_line: rule_line.rule_id.kind == "percentage"
        )
        if line:
            dispute = Dispute.with_user(olivia).create(
                {
                    "line_id": line.id,
                    "reason": "The Brightline Dental add-on order I closed was "
                    "invoiced without a salesperson, so it is missing from my "
                    "commission: 3 % of 15,000.",
                    "amount_claimed": 450.0,
                }
            )
            dispute.with_user(statement._get_responsible_for_approval()).action_accept(
                "Billing confirms the invoice was posted without a salesperson. "
                "3 % of 15,000 granted.",
                450.0,
            )
        lucas = self.env.ref(DEMO + "demo_user_rep_lucas")
        statement = statements.filtered(lambda st: st.user_id == lucas)
        line = statement.line_ids.filtered(
            lambda rule_line: rule_line.rule_id.kind == "tiered"
        )
        if line:
            Dispute.with_user(lucas).create(
                {
                    "line_id": line.id,
                    "reason": "The Kestrel Bank second floor was delivered this "
                    "month but invoiced on the 2nd of the next one: please count "
                    "it towards my accelerator.",
                    "amount_claimed": 600.0,
                }
            )

    def _demo_late_refund(self, company, plan, last_month, admin):
        """A credit note dated in last month, posted after its statements were
        approved: the approved statement stays as it is and the difference
        lands as a correction in this month's draft."""
        Statement = self.env["incentive.statement"]
        statements = Statement.search(
            [
                ("plan_id", "=", plan.id),
                ("period_id", "=", last_month.id),
                ("state", "=", "approved"),
            ]
        ).filtered(
            lambda st: (
                not st.dispute_ids
                and not st.line_ids.filtered(lambda line: line.kind == "cap")
            )
        )
        Move = self.env["account.move"]
        for xmlid in LATE_REFUND_CANDIDATES:
            user = self.env.ref(DEMO + xmlid)
            if user not in statements.user_id:
                continue
            invoice = Move.search(
                [
                    ("invoice_user_id", "=", user.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("invoice_date", ">=", last_month.date_start),
                    ("invoice_date", "<=", last_month.date_end),
                ],
                order="amount_untaxed desc, id",
                limit=1,
            )
            if invoice:
                break
        else:
            return
        journal = self.env["performance.demo"]._demo_sale_journal(company)
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "move_ids": [Command.set(invoice.ids)],
                    "date": last_month.date_end,
                    "reason": "Damaged workstations returned",
                    "journal_id": journal.id,
                }
            )
        )
        wizard.refund_moves()
        refund = wizard.new_move_ids
        line = refund.invoice_line_ids.sorted("price_subtotal")[-1]
        others = refund.invoice_line_ids - line
        refund.invoice_line_ids = [
            Command.update(line.id, {"quantity": max(1, line.quantity // 3)})
        ] + [Command.unlink(other.id) for other in others]
        refund.invoice_date = last_month.date_end
        refund.action_post()
        (invoice | refund).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        ).reconcile()
        Statement.search(
            [
                ("plan_id", "=", plan.id),
                ("user_id", "=", user.id),
                ("state", "=", "draft"),
            ]
        ).with_user(admin).action_compute()
