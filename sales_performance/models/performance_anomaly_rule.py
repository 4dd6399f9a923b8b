from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL, format_amount

from ..tools import anomaly as stats

RULE_CODES = [
    ("large_document", "Invoice far above usual size"),
    ("new_customer_burst", "Burst of new customers"),
    ("period_end_reversal", "Period-end win reversed"),
    ("split_orders", "Orders split under a threshold"),
    ("instant_customer", "Customer created and won within a day"),
]


class PerformanceAnomalyRule(models.Model):
    _name = "performance.anomaly.rule"
    _description = "Performance Anomaly Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    code = fields.Selection(RULE_CODES, required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to watch every company."
    )
    description = fields.Text(translate=True)

    # Parameters
    factor = fields.Float(
        default=3.0,
        help="Invoice far above usual size: flagged above the median plus this "
        "many median absolute deviations of the salesperson's earlier invoices.",
    )
    window_days = fields.Integer(
        default=30,
        help="Days of history, of a burst, or at the end and start of a month.",
    )
    min_count = fields.Integer(
        default=5,
        help="Smallest history, burst or number of split orders that counts.",
    )
    threshold_amount = fields.Float(
        help="Orders split under a threshold: the tier or approval threshold."
    )
    tolerance_pct = fields.Float(
        string="Tolerance (%)",
        default=10.0,
        help="Orders split under a threshold: how far below it, in percent.",
    )
    anomaly_count = fields.Integer(compute="_compute_anomaly_count")

    _sql_constraints = [
        (
            "window_days_positive",
            "CHECK(window_days > 0)",
            "The window of an anomaly rule must be at least one day.",
        ),
        (
            "min_count_positive",
            "CHECK(min_count > 0)",
            "The minimum count of an anomaly rule must be at least 1.",
        ),
        (
            "tolerance_pct_range",
            "CHECK(tolerance_pct >= 0 AND tolerance_pct <= 100)",
            "The tolerance of an anomaly rule must lie between 0 and 100 %.",
        ),
    ]

    def _compute_anomaly_count(self):
        counts = dict(
            self.env["performance.anomaly"]._read_group(
                [("rule_id", "in", self.ids)], ["rule_id"], ["__count"]
            )
        )
        for rule in self:
            rule.anomaly_count = counts.get(rule, 0)

    # ------------------------------------------------------------
    # Detection
    # ------------------------------------------------------------

    @api.model
    def _cron_detect(self, days=7):
        """Scan the last ``days`` days with every active rule."""
        today = fields.Date.context_today(self)
        self.search([])._detect(today - timedelta(days=days), today)

    def _detect(self, date_from, date_to):
        """Raise flags for the documents dated in [date_from, date_to]: one
        grouped query per rule, one create and one activity batch in all.
        Documents already flagged by a rule are not flagged again by it."""
        self.env.flush_all()
        vals_list = []
        for rule in self:
            flagged = rule._get_flagged_documents()
            for vals in getattr(rule, f"_detect_{rule.code}")(date_from, date_to):
                documents = {
                    (model, doc_id)
                    for model, key in (
                        ("account.move", "move_ids"),
                        ("sale.order", "order_ids"),
                        ("res.partner", "partner_ids"),
                    )
                    for doc_id in vals.get(key, [])
                }
                if documents & flagged:
                    continue
                flagged |= documents
                vals_list.append(rule._prepare_anomaly_vals(vals))
        if not vals_list:
            return self.env["performance.anomaly"]
        # sudo: flags are raised by the system, whoever runs the scan; the
        # managers who review them may not create them.
        Anomaly = self.env["performance.anomaly"].sudo()
        existing = set(
            Anomaly.search([("key", "in", [vals["key"] for vals in vals_list])]).mapped(
                "key"
            )
        )
        anomalies = Anomaly.create(
            [vals for vals in vals_list if vals["key"] not in existing]
        )
        anomalies._activity_schedule_review()
        return anomalies.sudo(False)

    def _get_flagged_documents(self):
        self.ensure_one()
        anomalies = (
            self.env["performance.anomaly"]
            .sudo()
            .with_context(active_test=False)
            .search([("rule_id", "=", self.id)])
        )
        return (
            {("account.move", doc_id) for doc_id in anomalies.move_ids.ids}
            | {("sale.order", doc_id) for doc_id in anomalies.order_ids.ids}
            | {("res.partner", doc_id) for doc_id in anomalies.partner_ids.ids}
        )

    def _prepare_anomaly_vals(self, vals):
        self.ensure_one()
        documents = ",".join(
            f"{key[0]}{doc_id}"
            for key in ("move_ids", "order_ids", "partner_ids")
            for doc_id in sorted(vals.get(key, []))
        )
        return {
            "rule_id": self.id,
            "key": f"{self.code}:{documents}",
            "user_id": vals["user_id"],
            "company_id": vals["company_id"],
            "date": vals["date"],
            "amount": vals.get("amount", 0.0),
            "description": vals["description"],
            "move_ids": [fields.Command.set(vals.get("move_ids", []))],
            "order_ids": [fields.Command.set(vals.get("order_ids", []))],
            "partner_ids": [fields.Command.set(vals.get("partner_ids", []))],
        }

    def _company_clause(self, alias):
        if not self.company_id:
            return SQL("TRUE")
        return SQL("%s.company_id = %s", SQL.identifier(alias), self.company_id.id)

    def _read_period_end_reversals(self, query, date_from, date_to, won, reversal):
        """Rows of ``query``, the columns, tables and own conditions of one
        kind of period-end reversal, kept when the reversing document is dated
        in the scan, the won document is in the rule's company and both fall
        in the window of :meth:`_period_end_window`; by date of reversal.
        ``won`` and ``reversal`` are the alias and date column of the won
        document and of the reversing one."""
        won_alias, won_column = won
        alias, column = reversal
        reversed_at = SQL.identifier(alias, column)
        return self.env.execute_query(
            SQL(
                """
                %(query)s
                   AND %(reversed_at)s BETWEEN %(date_from)s AND %(date_to)s
                   AND %(company)s
                   AND %(window)s
                 ORDER BY %(reversed_at)s, %(reversal_id)s
                """,
                query=query,
                reversed_at=reversed_at,
                date_from=date_from,
                date_to=date_to,
                company=self._company_clause(won_alias),
                window=self._period_end_window(
                    SQL.identifier(won_alias, won_column), reversed_at
                ),
                reversal_id=SQL.identifier(alias, "id"),
            )
        )

    def _period_end_window(self, won, reversed_at):
        """SQL condition of the period-end reversal detectors: ``won`` lies in
        the last ``window_days`` days of its month and ``reversed_at`` in the
        first ``window_days`` days of the next month."""
        next_month = SQL("date_trunc('month', %s) + interval '1 month'", won)
        return SQL(
            """%(won)s >= %(next_month)s - %(days)s * interval '1 day'
               AND %(reversed_at)s >= %(next_month)s
               AND %(reversed_at)s < %(next_month)s + %(days)s * interval '1 day'""",
            won=won,
            reversed_at=reversed_at,
            next_month=next_month,
            days=self.window_days,
        )

    def _money(self, amount, company_id):
        company = self.env["res.company"].browse(company_id)
        return format_amount(self.env, amount, company.currency_id)

    def _detect_large_document(self, date_from, date_to):
        """A posted customer invoice far above the salesperson's usual size:
        above median + factor × MAD of their invoices of the previous
        ``window_days`` days, given at least ``min_count`` of them."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT move.id, move.invoice_user_id, move.company_id,
                       move.invoice_date, move.amount_untaxed_signed,
                       move.invoice_date BETWEEN %(date_from)s AND %(date_to)s
                  FROM account_move move
                 WHERE move.move_type = 'out_invoice'
                   AND move.state = 'posted'
                   AND move.invoice_user_id IS NOT NULL
                   AND move.invoice_date BETWEEN %(history_from)s AND %(date_to)s
                   AND %(company)s
                   AND move.invoice_user_id IN (
                       SELECT candidate.invoice_user_id
                         FROM account_move candidate
                        WHERE candidate.move_type = 'out_invoice'
                          AND candidate.state = 'posted'
                          AND candidate.invoice_date
                              BETWEEN %(date_from)s AND %(date_to)s
                   )
                 ORDER BY move.invoice_date, move.id
                """,
                date_from=date_from,
                date_to=date_to,
                history_from=date_from - timedelta(days=self.window_days),
                company=self._company_clause("move"),
            )
        )
        by_user = defaultdict(list)
        for row in rows:
            by_user[row[1], row[2]].append(row)
        result = []
        for (user_id, company_id), moves in by_user.items():
            for index, (move_id, __, ___, day, amount, in_range) in enumerate(moves):
                if not in_range:
                    continue
                since = day - timedelta(days=self.window_days)
                history = [row[4] for row in moves[:index] if row[3] >= since]
                if not stats.is_far_above(amount, history, self.factor, self.min_count):
                    continue
                result.append(
                    {
                        "user_id": user_id,
                        "company_id": company_id,
                        "date": day,
                        "amount": amount,
                        "move_ids": [move_id],
                        "description": _(
                            "Invoice of %(amount)s, above %(fence)s: the median "
                            "of the %(count)s earlier invoices of the salesperson "
                            "over %(days)s days is %(median)s, their median "
                            "absolute deviation %(mad)s.",
                            amount=self._money(amount, company_id),
                            fence=self._money(
                                stats.upper_fence(history, self.factor), company_id
                            ),
                            count=len(history),
                            days=self.window_days,
                            median=self._money(stats.median(history), company_id),
                            mad=self._money(stats.mad(history), company_id),
                        ),
                    }
                )
        return result

    def _detect_new_customer_burst(self, date_from, date_to):
        """At least ``min_count`` new customers (first posted customer invoice
        in the company) for one salesperson within ``window_days`` days."""
        self.env["account.move"].flush_model(
            ["invoice_user_id", "invoice_date", "company_id", "commercial_partner_id"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT move.id, move.invoice_user_id, move.company_id,
                       move.invoice_date, move.commercial_partner_id
                  FROM account_move move
                 WHERE move.performance_is_new_customer
                   AND move.invoice_user_id IS NOT NULL
                   AND move.invoice_date BETWEEN %(history_from)s AND %(date_to)s
                   AND %(company)s
                """,
                history_from=date_from - timedelta(days=self.window_days - 1),
                date_to=date_to,
                company=self._company_clause("move"),
            )
        )
        by_user = defaultdict(list)
        partner_of = {}
        for move_id, user_id, company_id, day, partner_id in rows:
            by_user[user_id, company_id].append((day, move_id))
            partner_of[move_id] = partner_id
        day_of = {row[0]: row[3] for row in rows}
        result = []
        for (user_id, company_id), items in by_user.items():
            for move_ids in stats.bursts(items, self.min_count, self.window_days):
                last_day = max(day_of[move_id] for move_id in move_ids)
                if last_day < date_from:
                    continue
                first_day = min(day_of[move_id] for move_id in move_ids)
                result.append(
                    {
                        "user_id": user_id,
                        "company_id": company_id,
                        "date": last_day,
                        "amount": len(move_ids),
                        "move_ids": move_ids,
                        "partner_ids": list({partner_of[m] for m in move_ids}),
                        "description": _(
                            "%(count)s new customers between %(first)s and "
                            "%(last)s (%(min_count)s or more within %(days)s "
                            "days are flagged).",
                            count=len(move_ids),
                            first=first_day,
                            last=last_day,
                            min_count=self.min_count,
                            days=self.window_days,
                        ),
                    }
                )
        return result

    def _detect_period_end_reversal(self, date_from, date_to):
        """A win of the last ``window_days`` days of a month reversed in the
        first ``window_days`` days of the next one: an invoice credited, or a
        confirmed order cancelled."""
        refunds = self._detect_period_end_refunds(date_from, date_to)
        return refunds + self._detect_period_end_cancellations(date_from, date_to)

    def _detect_period_end_refunds(self, date_from, date_to):
        """A customer invoice dated in the last ``window_days`` days of a month
        and credited by a credit note dated in the first ``window_days`` days
        of the next month; the credit note is the one dated in the scan."""
        rows = self._read_period_end_reversals(
            SQL(
                """
                SELECT invoice.id, refund.id, invoice.invoice_user_id,
                       invoice.company_id, invoice.invoice_date,
                       refund.invoice_date, invoice.amount_untaxed_signed,
                       -refund.amount_untaxed_signed
                  FROM account_move refund
                  JOIN account_move invoice ON invoice.id = refund.reversed_entry_id
                 WHERE refund.move_type = 'out_refund'
                   AND refund.state = 'posted'
                   AND invoice.move_type = 'out_invoice'
                   AND invoice.state IN ('posted', 'cancel')
                   AND invoice.invoice_user_id IS NOT NULL
                """
            ),
            date_from,
            date_to,
            won=("invoice", "invoice_date"),
            reversal=("refund", "invoice_date"),
        )
        result = []
        for (
            invoice_id,
            refund_id,
            user_id,
            company_id,
            invoice_date,
            refund_date,
            amount,
            refunded,
        ) in rows:
            result.append(
                {
                    "user_id": user_id,
                    "company_id": company_id,
                    "date": refund_date,
                    "amount": amount,
                    "move_ids": [invoice_id, refund_id],
                    "description": _(
                        "Invoice of %(amount)s dated %(invoice_date)s, in the "
                        "last %(days)s days of its month, credited for "
                        "%(refunded)s on %(refund_date)s, early in the next "
                        "month.",
                        amount=self._money(amount, company_id),
                        invoice_date=invoice_date,
                        days=self.window_days,
                        refunded=self._money(refunded, company_id),
                        refund_date=refund_date,
                    ),
                }
            )
        return result

    def _detect_period_end_cancellations(self, date_from, date_to):
        """A sales order confirmed in the last ``window_days`` days of a month
        and cancelled in the first ``window_days`` days of the next month; the
        cancellation is the one in the scan. The amount is the untaxed amount
        in company currency, converted as the sales analysis does."""
        rows = self._read_period_end_reversals(
            SQL(
                """
                SELECT sale.id, sale.name, sale.user_id, sale.company_id,
                       sale.date_order::date, sale.performance_cancel_date,
                       sale.amount_untaxed / CASE COALESCE(sale.currency_rate, 0)
                           WHEN 0 THEN 1.0 ELSE sale.currency_rate END
                  FROM sale_order sale
                 WHERE sale.state = 'cancel'
                   AND sale.user_id IS NOT NULL
                """
            ),
            date_from,
            date_to,
            won=("sale", "date_order"),
            reversal=("sale", "performance_cancel_date"),
        )
        return [
            {
                "user_id": user_id,
                "company_id": company_id,
                "date": cancel_date,
                "amount": amount,
                "order_ids": [order_id],
                "description": _(
                    "Order %(order)s of %(amount)s confirmed on %(order_date)s, "
                    "in the last %(days)s days of its month, cancelled on "
                    "%(cancel_date)s, early in the next month.",
                    order=name,
                    amount=self._money(amount, company_id),
                    order_date=order_date,
                    days=self.window_days,
                    cancel_date=cancel_date,
                ),
            }
            for (
                order_id,
                name,
                user_id,
                company_id,
                order_date,
                cancel_date,
                amount,
            ) in rows
        ]

    def _detect_split_orders(self, date_from, date_to):
        """At least ``min_count`` confirmed orders of one salesperson for one
        customer within ``window_days`` days, each just under the threshold
        (by at most ``tolerance_pct`` %)."""
        if self.threshold_amount <= 0:
            return []
        low = self.threshold_amount * (1 - self.tolerance_pct / 100.0)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT sale.id, sale.user_id, sale.company_id, sale.date_order,
                       partner.commercial_partner_id, sale.amount_untaxed
                  FROM sale_order sale
                  JOIN res_partner partner ON partner.id = sale.partner_id
                 WHERE sale.state = 'sale'
                   AND sale.user_id IS NOT NULL
                   AND sale.amount_untaxed >= %(low)s
                   AND sale.amount_untaxed < %(threshold)s
                   AND sale.date_order >= %(history_from)s
                   AND sale.date_order < %(date_to)s
                   AND %(company)s
                """,
                low=low,
                threshold=self.threshold_amount,
                history_from=date_from - timedelta(days=self.window_days - 1),
                date_to=date_to + timedelta(days=1),
                company=self._company_clause("sale"),
            )
        )
        groups = defaultdict(list)
        info = {}
        for order_id, user_id, company_id, moment, partner_id, amount in rows:
            groups[user_id, company_id, partner_id].append((moment, order_id))
            info[order_id] = (moment, amount)
        result = []
        for (user_id, company_id, partner_id), items in groups.items():
            for order_ids in stats.bursts(items, self.min_count, self.window_days):
                last = max(info[order_id][0] for order_id in order_ids).date()
                if last < date_from:
                    continue
                total = sum(info[order_id][1] for order_id in order_ids)
                result.append(
                    {
                        "user_id": user_id,
                        "company_id": company_id,
                        "date": last,
                        "amount": total,
                        "order_ids": order_ids,
                        "partner_ids": [partner_id],
                        "description": _(
                            "%(count)s orders for the same customer within "
                            "%(days)s days, each just under %(threshold)s, "
                            "%(total)s in all.",
                            count=len(order_ids),
                            days=self.window_days,
                            threshold=self._money(self.threshold_amount, company_id),
                            total=self._money(total, company_id),
                        ),
                    }
                )
        return result

    def _detect_instant_customer(self, date_from, date_to):
        """A customer created by a salesperson who confirms an order for it, or
        wins an opportunity with it, within ``window_days`` days (one by
        default) of creating it."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.id, partner.create_uid, partner.create_date,
                       won.order_id, won.won_at, won.company_id
                  FROM res_partner partner
                  JOIN LATERAL (
                      SELECT sale.id AS order_id, sale.date_order AS won_at,
                             sale.company_id
                        FROM sale_order sale
                        JOIN res_partner buyer ON buyer.id = sale.partner_id
                       WHERE sale.state = 'sale'
                         AND sale.user_id = partner.create_uid
                         AND (buyer.id = partner.id
                              OR buyer.commercial_partner_id = partner.id)
                         AND sale.date_order >= partner.create_date
                         AND sale.date_order
                             < partner.create_date + %(days)s * interval '1 day'
                         AND %(sale_company)s
                      UNION ALL
                      SELECT NULL, lead.date_closed, lead.company_id
                        FROM crm_lead lead
                        JOIN crm_stage stage ON stage.id = lead.stage_id
                        JOIN res_partner buyer ON buyer.id = lead.partner_id
                       WHERE stage.is_won
                         AND lead.active
                         AND lead.user_id = partner.create_uid
                         AND (buyer.id = partner.id
                              OR buyer.commercial_partner_id = partner.id)
                         AND lead.date_closed >= partner.create_date
                         AND lead.date_closed
                             < partner.create_date + %(days)s * interval '1 day'
                         AND %(lead_company)s
                       ORDER BY 2
                       LIMIT 1
                  ) won ON TRUE
                 WHERE partner.create_date >= %(date_from)s
                   AND partner.create_date < %(date_to)s
                   AND partner.create_uid IN (
                       SELECT id FROM res_users WHERE NOT share
                   )
                """,
                days=self.window_days,
                date_from=date_from,
                date_to=date_to + timedelta(days=1),
                sale_company=self._company_clause("sale"),
                lead_company=self._company_clause("lead"),
            )
        )
        result = []
        for partner_id, user_id, created, order_id, won_at, company_id in rows:
            hours = f"{(won_at - created).total_seconds() / 3600.0:.1f}"
            result.append(
                {
                    "user_id": user_id,
                    "company_id": company_id or self.env.company.id,
                    "date": won_at.date(),
                    "partner_ids": [partner_id],
                    "order_ids": [order_id] if order_id else [],
                    "description": _(
                        "Customer created by the salesperson on %(created)s and "
                        "won by them %(hours)s hours later.",
                        created=created,
                        hours=hours,
                    ),
                }
            )
        return result
