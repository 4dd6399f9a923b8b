"""A year of sales activity for the demo company.

Called once by ``demo/sales_performance_demo.xml`` after the users, teams,
customers and products of the demo exist. Everything goes through the ORM and
the wizards a user would click (order confirmation, invoicing, credit notes,
payment registration, won/lost, activities done, target allocation), so the
figures on the targets are the ones the KPIs really compute.

The documents cover the twelve months up to today, so that a database created
early in the year still shows a full pace picture. The random generator is
seeded: two databases created on the same day hold the same documents.
"""

import random
from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

DEMO = "sales_performance."

# Sales reps: yearly revenue plan, productivity (actual pace / plan: below
# 0.89 ends the year behind, above 1.11 ahead) and share of invoices collected.
REP_PLANS = [
    ("demo_user_rep_olivia", 300000, 1.24, 0.95),
    ("demo_user_rep_daniel", 300000, 1.00, 0.90),
    ("demo_user_rep_sara", 300000, 0.70, 0.85),
    ("demo_user_rep_tom", 300000, 0.96, 0.75),
    ("demo_user_rep_amelia", 600000, 1.16, 0.90),
    ("demo_user_rep_lucas", 480000, 0.78, 0.70),
    ("demo_user_rep_hannah", 420000, 1.02, 0.85),
    ("demo_user_rep_mateo", 360000, 1.30, 0.60),
    ("demo_user_rep_chloe", 300000, 0.66, 0.50),
    ("demo_user_rep_ravi", 240000, 1.00, 0.80),
]

# Sales teams and how each splits its targets between its members.
TEAM_ALLOCATION = [
    ("demo_team_direct", "equal"),
    ("demo_team_key_accounts", "weight"),
    ("demo_team_channel", "manual"),
]

INVOICES_PER_REP = 20
WON_PER_REP = 6
OPPORTUNITY_TOPICS = [
    "Headquarters fit-out",
    "New branch furniture",
    "Hybrid office refresh",
    "Meeting rooms upgrade",
    "Care plan renewal",
    "Ergonomic assessment",
    "Reception area redesign",
    "Open space acoustics",
]
REFUND_REASONS = [
    "Damaged workstations returned",
    "Commercial gesture: late delivery",
    "Wrong finish delivered, partly returned",
    "Installation delayed: discount agreed",
]
ACTIVITY_TYPES = [
    ("mail.mail_activity_data_call", "Discovery call"),
    ("mail.mail_activity_data_email", "Send the proposal"),
    ("mail.mail_activity_data_call", "Follow up on the quotation"),
    ("mail.mail_activity_data_todo", "Prepare the space plan"),
]
PLAN_REASON = "Sales plan %s approved at the kick-off meeting"
STRETCH_REASON = "Stretch goal: Atlas Logistics expansion signed early"
CUT_REASON = "Territory reduced: two resellers moved to Direct Sales"
FAST = {
    "tracking_disable": True,
    "mail_notrack": True,
    "mail_create_nolog": True,
    "mail_activity_quick_update": True,
}


class PerformanceDemo(models.AbstractModel):
    _name = "performance.demo"
    _description = "Sales Performance Demo Data"

    @api.model
    def _generate(self):
        """Create the demo year of the main company (once)."""
        company = self.env.ref("base.main_company")
        demo = self.with_company(company).with_context(**FAST)
        today = fields.Date.context_today(demo)
        year_period = demo._demo_periods(company, today)
        revenue_kpi = demo.env.ref(DEMO + "kpi_invoiced_revenue")
        if demo.env["performance.target"].search_count(
            [("period_id", "=", year_period.id), ("kpi_id", "=", revenue_kpi.id)],
            limit=1,
        ):
            return
        journal = demo._demo_sale_journal(company)
        rng = random.Random(42)
        window_start = today - timedelta(days=364)
        reps = demo._demo_reps()
        invoices = demo._demo_invoices(rng, reps, window_start, today)
        demo._demo_refunds(rng, invoices, journal, today)
        demo._demo_payments(rng, reps, invoices, today)
        leads = demo._demo_opportunities(rng, reps, window_start, today)
        demo._demo_activities(rng, reps, leads, window_start, today)
        demo._demo_targets(company, today, year_period, reps)
        demo._demo_scorecards(company, today, reps)

    # ------------------------------------------------------------
    # Set-up
    # ------------------------------------------------------------

    def _demo_periods(self, company, today):
        """The fiscal year holding today, and the previous one (closed) when
        the twelve months of documents reach into it. Returns the year."""
        Period = self.env["performance.period"]
        year = today.year
        if today >= Period._fiscal_year_start(year + 1, company):
            year += 1
        previous_start = Period._fiscal_year_start(year - 1, company)
        start = Period._fiscal_year_start(year, company)
        previous = self._demo_find_year(company, previous_start)
        if not previous and today - timedelta(days=364) < start:
            previous = Period.generate_fiscal_year(year - 1, company)
            all_previous = Period.search([("id", "child_of", previous.id)])
            all_previous.action_close()
        return self._demo_find_year(company, start) or Period.generate_fiscal_year(
            year, company
        )

    def _demo_find_year(self, company, date_start):
        return self.env["performance.period"].search(
            [
                ("company_id", "=", company.id),
                ("period_type", "=", "year"),
                ("date_start", "=", date_start),
            ],
            limit=1,
        )

    def _demo_sale_journal(self, company):
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        if not journal or not journal.default_account_id:
            raise UserError(
                _(
                    "The Sales Performance demo needs a sales journal with an income "
                    "account in %(company)s: install a chart of accounts first.",
                    company=company.name,
                )
            )
        return journal

    def _demo_reps(self):
        """One dict per sales rep: user, team, customers and plan."""
        reps = []
        for xmlid, plan, productivity, collection in REP_PLANS:
            user = self.env.ref(DEMO + xmlid)
            customers = self.env["res.partner"].search(
                [("user_id", "=", user.id), ("is_company", "=", True)], order="id"
            )
            reps.append(
                {
                    "user": user,
                    "team": user.sale_team_id,
                    "customers": customers,
                    "plan": plan,
                    "productivity": productivity,
                    "collection": collection,
                }
            )
        return reps

    # ------------------------------------------------------------
    # Orders, invoices, credit notes, payments
    # ------------------------------------------------------------

    def _demo_invoices(self, rng, reps, window_start, today):
        """Confirmed orders and their posted invoices, spread over the window."""
        products = [
            self.env.ref(DEMO + "demo_product_workstation"),
            self.env.ref(DEMO + "demo_product_design_project"),
            self.env.ref(DEMO + "demo_product_care_plan"),
        ]
        days = (today - window_start).days + 1
        plans = []  # (invoice date, order values)
        for rep in reps:
            yearly = rep["plan"] * rep["productivity"]
            count = max(8, round(INVOICES_PER_REP * (0.5 + 0.5 * rep["productivity"])))
            # A second customer is won some time during the year.
            customer_starts = [0] + [
                rng.randint(days // 6, days * 2 // 3) for _c in rep["customers"][1:]
            ]
            for index in range(count):
                offset = min(int((index + rng.random()) * days / count), days - 1)
                invoice_date = window_start + timedelta(days=offset)
                customers = [
                    customer
                    for customer, start in zip(
                        rep["customers"], customer_starts, strict=True
                    )
                    if start <= offset
                ]
                amount = yearly / count * rng.uniform(0.6, 1.4)
                plans.append(
                    (
                        invoice_date,
                        self._prepare_demo_order_vals(
                            rng,
                            rep,
                            rng.choice(customers),
                            products,
                            amount,
                            invoice_date,
                        ),
                    )
                )
        plans.append(
            self._prepare_demo_pulled_deal(rng, reps, products, window_start, today)
        )
        plans.sort(key=lambda plan: plan[0])
        orders = self.env["sale.order"].create([vals for _date, vals in plans])
        orders.action_confirm()
        for order, (_date, vals) in zip(orders, plans, strict=True):
            order.date_order = vals["date_order"]
        invoices = orders._create_invoices(grouped=True)
        for order, (invoice_date, _vals) in zip(orders, plans, strict=True):
            order.invoice_ids.invoice_date = invoice_date
        invoices.action_post()
        return invoices

    def _prepare_demo_order_vals(
        self, rng, rep, customer, products, amount, invoice_date
    ):
        workstation, design, care = products
        lines = []
        rest = amount
        if rng.random() < 0.45:
            lines.append((design, 1))
            rest -= design.list_price
        if rng.random() < 0.35:
            quantity = max(1, round(rest * 0.25 / care.list_price))
            lines.append((care, quantity))
            rest -= quantity * care.list_price
        lines.append((workstation, max(1, round(rest / workstation.list_price))))
        order_day = invoice_date - timedelta(days=rng.randint(0, 12))
        return {
            "partner_id": customer.id,
            "user_id": rep["user"].id,
            "team_id": rep["team"].id,
            "date_order": datetime.combine(order_day, time(9 + rng.randint(0, 8), 0)),
            "order_line": [
                Command.create({"product_id": product.id, "product_uom_qty": quantity})
                for product, quantity in lines
            ],
        }

    def _prepare_demo_pulled_deal(self, rng, reps, products, window_start, today):
        """A large deal invoiced on the last day of a quarter, refunded in the
        next one: the pattern the anomaly rules look for."""
        rep = next(
            rep
            for rep in reps
            if rep["user"] == self.env.ref(DEMO + "demo_user_rep_tom")
        )
        quarter_end = self._demo_quarter_start(today) - timedelta(days=1)
        if quarter_end + timedelta(days=6) > today:
            quarter_end = self._demo_quarter_start(quarter_end) - timedelta(days=1)
        amount = rep["plan"] / INVOICES_PER_REP * 2.5
        vals = self._prepare_demo_order_vals(
            rng, rep, rep["customers"][0], products, amount, quarter_end
        )
        vals["client_order_ref"] = "PULLED-IN"
        return quarter_end, vals

    def _demo_quarter_start(self, day):
        return day.replace(day=1, month=(day.month - 1) // 3 * 3 + 1)

    def _demo_refunds(self, rng, invoices, journal, today):
        """Posted credit notes: the pulled-in deal in full, a few partial ones."""
        pulled = invoices.filtered(
            lambda move: (
                move.invoice_line_ids.sale_line_ids.order_id.client_order_ref
                == "PULLED-IN"
            )
        )
        candidates = (invoices - pulled).filtered(
            lambda move: move.invoice_date + timedelta(days=30) <= today
        )
        partial = self.env["account.move"].browse(
            rng.sample(candidates.ids, min(6, len(candidates)))
        )
        specs = [
            (
                pulled,
                pulled.invoice_date + timedelta(days=6),
                "Order cancelled by the customer",
            )
        ]
        specs += [
            (
                invoice,
                invoice.invoice_date + timedelta(days=rng.randint(5, 25)),
                rng.choice(REFUND_REASONS),
            )
            for invoice in partial.sorted("invoice_date")
        ]
        refunds = self.env["account.move"]
        for invoice, refund_date, reason in sorted(specs, key=lambda spec: spec[1]):
            wizard = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {
                        "move_ids": [Command.set(invoice.ids)],
                        "date": refund_date,
                        "reason": reason,
                        "journal_id": journal.id,
                    }
                )
            )
            wizard.refund_moves()
            refund = wizard.new_move_ids
            if invoice != pulled:
                # Credit part of the largest line only.
                line = refund.invoice_line_ids.sorted("price_subtotal")[-1]
                others = refund.invoice_line_ids - line
                refund.invoice_line_ids = [
                    Command.update(line.id, {"quantity": max(1, line.quantity // 3)})
                ] + [Command.unlink(other.id) for other in others]
            refund.action_post()
            (invoice | refund).line_ids.filtered(
                lambda line: (
                    line.account_type == "asset_receivable" and not line.reconciled
                )
            ).reconcile()
            refunds |= refund
        return refunds

    def _demo_payments(self, rng, reps, invoices, today):
        """Register payments on most invoices old enough, some only in part.

        Payments received in a week are registered together on its Friday,
        one wizard for the week, as a bookkeeper would.
        """
        collection = {rep["user"]: rep["collection"] for rep in reps}
        weeks = defaultdict(lambda: self.env["account.move"])
        for invoice in invoices.sorted("invoice_date"):
            received = invoice.invoice_date + timedelta(days=rng.randint(7, 60))
            payment_date = received + timedelta(days=(4 - received.weekday()) % 7)
            rate = collection.get(invoice.invoice_user_id, 0.8)
            if (
                payment_date > today
                or rng.random() > rate
                or invoice.currency_id.is_zero(invoice.amount_residual)
            ):
                continue
            if rng.random() < 0.12:
                half = invoice.currency_id.round(invoice.amount_residual / 2)
                self._demo_register_payments(invoice, payment_date, amount=half)
            else:
                weeks[payment_date] |= invoice
        for payment_date, week_invoices in sorted(weeks.items()):
            self._demo_register_payments(week_invoices, payment_date)

    def _demo_register_payments(self, invoices, payment_date, amount=None):
        vals = {"payment_date": payment_date, "group_payment": False}
        if amount is not None:
            vals["amount"] = amount
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create(vals)
        )
        return wizard._create_payments()

    # ------------------------------------------------------------
    # Opportunities and activities
    # ------------------------------------------------------------

    def _demo_opportunities(self, rng, reps, window_start, today):
        """Won, lost and open opportunities of every rep. Returns them all."""
        Lead = self.env["crm.lead"]
        days = (today - window_start).days + 1
        lost_reasons = [
            self.env.ref("crm.lost_reason_1"),
            self.env.ref("crm.lost_reason_2"),
            self.env.ref("crm.lost_reason_3"),
        ]
        vals_list, outcomes = [], []
        for rep in reps:
            won = round(WON_PER_REP * rep["productivity"] * rng.uniform(0.9, 1.1))
            lost = rng.randint(3, 7)
            results = ["won"] * won + ["lost"] * lost
            rng.shuffle(results)
            results += ["open"] * 3
            closed = won + lost
            for index, result in enumerate(results):
                if result == "open":
                    closing = today + timedelta(days=rng.randint(10, 90))
                else:
                    closing = window_start + timedelta(
                        days=min(int((index + rng.random()) * days / closed), days - 1)
                    )
                customer = rng.choice(rep["customers"])
                vals_list.append(
                    {
                        "type": "opportunity",
                        "name": f"{customer.name}: {rng.choice(OPPORTUNITY_TOPICS)}",
                        "partner_id": customer.id,
                        "user_id": rep["user"].id,
                        "team_id": rep["team"].id,
                        "expected_revenue": round(
                            rep["plan"] / 10 * rng.uniform(0.4, 1.6), -2
                        ),
                        "probability": rng.choice([20, 40, 60]),
                        "date_deadline": closing,
                    }
                )
                outcomes.append((result, closing))
        leads = Lead.create(vals_list)
        by_result = defaultdict(lambda: Lead)
        for lead, (result, _closing) in zip(leads, outcomes, strict=True):
            by_result[result] |= lead
        by_result["won"].action_set_won()
        for index, reason in enumerate(lost_reasons):
            by_result["lost"][index :: len(lost_reasons)].action_set_lost(
                lost_reason_id=reason.id
            )
        for lead, (result, closing) in zip(leads, outcomes, strict=True):
            opened = closing - timedelta(days=rng.randint(20, 75))
            if result != "open":
                lead.date_closed = datetime.combine(closing, time(16, 0))
            # The ORM does not write creation dates: backdate the opportunity
            # so that its age and days to close read as in real life.
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_lead SET create_date = %s, date_open = %s "
                    "WHERE id = %s",
                    datetime.combine(opened, time(10, 0)),
                    datetime.combine(opened, time(10, 0)),
                    lead.id,
                )
            )
        leads.invalidate_recordset(["create_date", "date_open"])
        self.env.add_to_compute(Lead._fields["day_open"], leads)
        self.env.add_to_compute(Lead._fields["day_close"], leads)
        leads.flush_recordset()
        return leads

    def _demo_activities(self, rng, reps, leads, window_start, today):
        """Activities done by each rep over the year, and a few still planned."""
        Activity = self.env["mail.activity"]
        lead_model = self.env["ir.model"]._get_id("crm.lead")
        days = (today - window_start).days + 1
        for rep in reps:
            rep_leads = leads.filtered(
                lambda lead, user=rep["user"]: lead.user_id == user
            )
            open_leads = rep_leads.filtered(
                lambda lead: lead.active and not lead.date_closed
            )
            count = round(12 * (0.5 + 0.5 * rep["productivity"]))
            done_vals, done_dates = [], []
            for index in range(count):
                xmlid, summary = rng.choice(ACTIVITY_TYPES)
                done = window_start + timedelta(
                    days=min(int((index + rng.random()) * days / count), days - 1)
                )
                done_vals.append(
                    {
                        "res_model_id": lead_model,
                        "res_id": rng.choice(rep_leads).id,
                        "activity_type_id": self.env.ref(xmlid).id,
                        "summary": summary,
                        "date_deadline": done,
                        "user_id": rep["user"].id,
                    }
                )
                done_dates.append(done)
            activities = Activity.create(done_vals)
            # Marked done by the rep: the Activities Done KPI counts the author.
            messages, _next = activities.with_user(rep["user"])._action_done(
                feedback="Done, see notes."
            )
            for message, done in zip(messages, done_dates, strict=True):
                # Back in the superuser's environment to backdate the message.
                message.with_env(self.env).date = datetime.combine(done, time(15, 0))
            Activity.create(
                [
                    {
                        "res_model_id": lead_model,
                        "res_id": lead.id,
                        "activity_type_id": self.env.ref(
                            "mail.mail_activity_data_call"
                        ).id,
                        "summary": "Follow up on the quotation",
                        "date_deadline": today + timedelta(days=rng.randint(-3, 10)),
                        "user_id": rep["user"].id,
                    }
                    for lead in open_leads[:2]
                ]
            )

    # ------------------------------------------------------------
    # Targets
    # ------------------------------------------------------------

    def _demo_targets(self, company, today, year_period, reps):
        """Company targets of the year, the current quarter and month,
        allocated to the teams and their reps, then computed."""
        Period = self.env["performance.period"]
        current = Period.search(
            [
                ("id", "child_of", year_period.id),
                ("period_type", "in", ("quarter", "month")),
                ("date_start", "<=", today),
                ("date_end", ">=", today),
            ]
        )
        quarter = current.filtered(lambda period: period.period_type == "quarter")
        month = current.filtered(lambda period: period.period_type == "month")
        revenue = self.env.ref(DEMO + "kpi_invoiced_revenue")
        won = self.env.ref(DEMO + "kpi_won_count")
        team_plans = defaultdict(float)
        for rep in reps:
            team_plans[rep["team"]] += rep["plan"]
        for period, share in ((year_period, 1.0), (quarter, 0.25), (month, 1.0 / 12)):
            self._demo_revenue_targets(
                company, period, revenue, reps, team_plans, share
            )
        self._demo_won_targets(company, year_period, won, reps)
        self._demo_target_revisions(year_period, month, revenue)
        self.env["performance.target"].search(
            [("company_id", "=", company.id), ("period_id.state", "=", "open")]
        ).action_compute()

    def _demo_revenue_targets(self, company, period, kpi, reps, team_plans, share):
        Target = self.env["performance.target"].with_context(
            performance_change_reason=PLAN_REASON % period.name
        )
        company_target = Target.create(
            {
                "period_id": period.id,
                "kpi_id": kpi.id,
                "company_id": company.id,
                "owner_type": "company",
                "allocation_method": "weight",
                "target_value": round(sum(team_plans.values()) * share, -2),
            }
        )
        methods = {
            self.env.ref(DEMO + xmlid): method for xmlid, method in TEAM_ALLOCATION
        }
        team_targets = Target.create(
            [
                {
                    "parent_id": company_target.id,
                    "period_id": period.id,
                    "kpi_id": kpi.id,
                    "company_id": company.id,
                    "owner_type": "team",
                    "team_id": team.id,
                    "allocation_method": method,
                    "allocation_weight": team_plans[team] / 1000.0,
                }
                for team, method in methods.items()
            ]
        )
        weighted = team_targets.filtered(
            lambda target: target.allocation_method == "weight"
        )
        Target.create(
            [
                {
                    "parent_id": team_target.id,
                    "period_id": period.id,
                    "kpi_id": kpi.id,
                    "company_id": company.id,
                    "owner_type": "user",
                    "user_id": rep["user"].id,
                    "allocation_weight": rep["plan"] / 1000.0,
                }
                for team_target in weighted
                for rep in reps
                if rep["team"] == team_target.team_id
            ]
        )
        company_target.action_allocate()
        team_targets.action_allocate()
        plans = {rep["user"]: rep["plan"] for rep in reps}
        for target in team_targets.filtered(
            lambda t: t.allocation_method == "manual"
        ).child_ids:
            target.target_value = round(plans[target.user_id] * share, -2)
        return company_target

    def _demo_won_targets(self, company, period, kpi, reps):
        Target = self.env["performance.target"].with_context(
            performance_change_reason=PLAN_REASON % period.name
        )
        company_target = Target.create(
            {
                "period_id": period.id,
                "kpi_id": kpi.id,
                "company_id": company.id,
                "owner_type": "company",
                "allocation_method": "equal",
                "target_value": WON_PER_REP * len(reps),
            }
        )
        team_targets = Target.create(
            [
                {
                    "parent_id": company_target.id,
                    "period_id": period.id,
                    "kpi_id": kpi.id,
                    "company_id": company.id,
                    "owner_type": "team",
                    "team_id": self.env.ref(DEMO + xmlid).id,
                    "allocation_method": "equal",
                }
                for xmlid, _method in TEAM_ALLOCATION
            ]
        )
        company_target.action_allocate()
        team_targets.action_allocate()
        return company_target

    def _demo_target_revisions(self, year_period, month, kpi):
        """Two changes made after the start of the period, with their reason:
        a stretch goal that inflates a team, a cut that leaves a gap."""
        Target = self.env["performance.target"]
        stretch = Target.search(
            [
                ("period_id", "=", month.id),
                ("kpi_id", "=", kpi.id),
                ("user_id", "=", self.env.ref(DEMO + "demo_user_rep_amelia").id),
            ]
        )
        stretch.with_context(
            performance_change_reason=STRETCH_REASON
        ).target_value = round(stretch.target_value * 1.3, -2)
        cut = Target.search(
            [
                ("period_id", "=", year_period.id),
                ("kpi_id", "=", kpi.id),
                ("user_id", "=", self.env.ref(DEMO + "demo_user_rep_chloe").id),
            ]
        )
        cut.with_context(performance_change_reason=CUT_REASON).target_value = round(
            cut.target_value * 0.85, -2
        )

    # ------------------------------------------------------------
    # Scorecards
    # ------------------------------------------------------------

    def _demo_scorecards(self, company, today, reps):
        """Last month's scorecards, spread over the review steps so that every
        leader and the HR officer has something waiting in their activities."""
        company.performance_hr_user_id = self.env.ref(DEMO + "demo_user_hr_officer")
        last_month_day = today.replace(day=1) - timedelta(days=1)
        period = self.env["performance.period"].search(
            [
                ("company_id", "=", company.id),
                ("period_type", "=", "month"),
                ("date_start", "<=", last_month_day),
                ("date_end", ">=", last_month_day),
            ],
            limit=1,
        )
        template = self.env.ref(DEMO + "demo_scorecard_template")
        cards = template.generate_scorecards(period)
        csat = self.env.ref(DEMO + "kpi_customer_satisfaction")
        by_user = {card.user_id: card for card in cards}
        # Steps reached, in the order of REP_PLANS: approved, calibration,
        # manager review, or still at self review.
        steps = ["approved", "hr_calibration", "manager_review", "self_review"]
        hr_user = company.performance_hr_user_id
        for index, rep in enumerate(reps):
            card = by_user.get(rep["user"])
            if not card:
                continue
            leader = card.manager_id
            line = card.line_ids.filtered(lambda line: line.kpi_id == csat)
            line.with_user(leader).actual = 70 + (index * 7) % 30
            step = steps[index % len(steps)]
            if step == "self_review":
                continue
            card.with_user(rep["user"]).write(
                {"self_review": "Good month with the key accounts; pipeline is full."}
            )
            card.with_user(rep["user"]).action_submit()
            if step == "manager_review":
                continue
            card.with_user(leader).write({"manager_comment": "Agreed."})
            card.with_user(leader).action_approve()
            if step == "approved":
                card.with_user(hr_user).action_approve()
        appealed = cards.filtered(lambda card: card.state == "approved")[:1]
        appealed.with_user(appealed.user_id).action_appeal(
            reason="The credit note of the pulled deal should not count against me."
        )
