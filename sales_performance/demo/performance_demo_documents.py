"""The documents of the demo year: orders and their invoices, credit notes,
payments, opportunities, activities and manual KPI values (see
``performance_demo.py``)."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, models
from odoo.tools import SQL

from .performance_demo import DEMO, WON_PER_REP

INVOICES_PER_REP = 20
# A deal pulled into a month by each team and credited back this many days
# into the next one (the period-end reversal rule looks five days out).
PULLED_REPS = ("demo_user_rep_tom", "demo_user_rep_lucas", "demo_user_rep_chloe")
PULLED_REFUND_DAYS = 4
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


class PerformanceDemo(models.AbstractModel):
    _inherit = "performance.demo"

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
        plans += self._prepare_demo_pulled_deals(rng, reps, products, today)
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

    def _prepare_demo_pulled_deals(self, rng, reps, products, today):
        """Large deals invoiced on the last day of a month, credited in full
        early in the next one: the pattern the anomaly rules look for. One
        rep of each team pulls one in, so that every team leader has a flag
        to review: Tom at the end of the last quarter, Lucas and Chloé at the
        end of the two months before it."""
        quarter_end = self._demo_quarter_start(today) - timedelta(days=1)
        if quarter_end + timedelta(days=PULLED_REFUND_DAYS) > today:
            quarter_end = self._demo_quarter_start(quarter_end) - timedelta(days=1)
        plans = []
        for months_back, xmlid in enumerate(PULLED_REPS):
            rep = next(rep for rep in reps if rep["user"] == self.env.ref(DEMO + xmlid))
            month_end = (
                quarter_end.replace(day=1)
                - relativedelta(months=months_back)
                + relativedelta(day=31)
            )
            amount = rep["plan"] / INVOICES_PER_REP * 2.5
            vals = self._prepare_demo_order_vals(
                rng, rep, rep["customers"][0], products, amount, month_end
            )
            vals["client_order_ref"] = "PULLED-IN"
            plans.append((month_end, vals))
        return plans

    def _demo_quarter_start(self, day):
        return day.replace(day=1, month=(day.month - 1) // 3 * 3 + 1)

    def _demo_refunds(self, rng, invoices, journal, today):
        """Posted credit notes: the pulled-in deals in full, a few partial ones."""
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
                invoice,
                invoice.invoice_date + timedelta(days=PULLED_REFUND_DAYS),
                "Order cancelled by the customer",
            )
            for invoice in pulled.sorted("invoice_date")
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
            if invoice not in pulled:
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
    # Manual KPI values
    # ------------------------------------------------------------

    def _demo_manual_values(self, company, today):
        """Customer satisfaction (as typed on the scorecards), training
        sessions and teamwork of every rep for last month, once."""
        last_month_day = today.replace(day=1) - timedelta(days=1)
        period = self.env["performance.period"].search(
            [("company_id", "=", company.id), ("date_end", "=", last_month_day)],
            order="date_start desc",
            limit=1,
        )
        Value = self.env["performance.kpi.value"]
        if not period or Value.search_count([("period_id", "=", period.id)], limit=1):
            return
        csat = self.env.ref(DEMO + "kpi_customer_satisfaction")
        training = self.env.ref(DEMO + "kpi_training_sessions")
        teamwork = self.env.ref(DEMO + "kpi_teamwork_score")
        vals_list = []
        for index, rep in enumerate(self._demo_reps()):
            for kpi, value in (
                (csat, 70 + (index * 7) % 30),
                (training, index % 3),
                (teamwork, 60 + (index * 11) % 40),
            ):
                vals_list.append(
                    {
                        "period_id": period.id,
                        "user_id": rep["user"].id,
                        "kpi_id": kpi.id,
                        "value": value,
                    }
                )
        Value.with_user(self.env.ref(DEMO + "demo_user_hr_officer")).create(vals_list)
