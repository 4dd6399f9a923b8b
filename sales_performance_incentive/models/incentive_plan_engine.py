from odoo import models
from odoo.tools import SQL

from . import incentive_explanation as explanation
from .incentive_measures import PayoutMeasures


class IncentivePlan(models.Model):
    """The engine of a plan: what its participants earn in a period, read in
    batch for all of them, rule by rule (see ``incentive.plan.rule`` for the
    payout of each kind)."""

    _inherit = "incentive.plan"

    def _get_payouts(self, period, users, extra=None, keep=None):
        """What these users earn under this plan in ``period``.

        Returns ``{user_id: [line values]}``, one line per rule (and a cap
        line when the plan cap bites), each with its base, rate, amount and
        a sentence that explains it. ``extra`` adds hypothetical credit rows
        (the estimator); ``keep`` maps ``(user_id, rule_id)`` to amounts to
        use as they are (lines already booked in a frozen statement).

        Rules whose kind scales the others' payout (``_scale_<kind>``, the
        multiplier) come after the rules paid on a base of their own
        (``_payout_<kind>``), on their subtotal.

        Queries: one per credit rule, one for targets, one for scores.
        """
        self.ensure_one()
        keep = keep or {}
        rules = self.rule_ids.sorted(lambda rule: (rule.sequence, rule.id))
        measures = self._get_measures(period, users, rules, extra or [])
        scaling = rules.filtered(lambda rule: rule._scales_payout())
        currency = self.currency_id
        payouts = {}
        for user in users:
            lines = []
            below_plan = self._get_below_plan_text(user, measures)
            for rule in rules - scaling:
                vals = rule._get_line_payout(user, measures)
                if below_plan and vals["amount"]:
                    vals["amount"] = 0.0
                    vals["explanation_data"] = [below_plan]
                if (user.id, rule.id) in keep:
                    vals["amount"] = keep[user.id, rule.id]
                vals["amount"] = currency.round(vals["amount"])
                lines.append(vals)
            subtotal = sum(vals["amount"] for vals in lines)
            for rule in scaling:
                vals = rule._get_scaled_payout(user, subtotal, measures)
                vals["amount"] = currency.round(vals["amount"])
                lines.append(vals)
            total = sum(vals["amount"] for vals in lines)
            if self.cap_amount and total > self.cap_amount:
                lines.append(self._prepare_cap_line_vals(total))
            for vals in lines:
                # Stored as computed, read in the reader's language.
                vals["name"] = explanation.render(self.env, vals["explanation_data"])
            payouts[user.id] = lines
        return payouts

    def _get_below_plan_text(self, user, measures):
        """The fact saying why ``user`` earns nothing under this plan, when
        their attainment of the quota KPI is below the plan threshold; ``None``
        otherwise."""
        if not self.threshold_pct:
            return None
        attainment = measures.attainment(user.id, self.kpi_id, cumulative=False)
        if attainment >= self.threshold_pct:
            return None
        return explanation.fact(
            "below_plan",
            kpi=explanation.names(self.kpi_id),
            attainment=explanation.number(attainment),
            threshold=explanation.number(self.threshold_pct),
        )

    def _prepare_cap_line_vals(self, total):
        """The line taking back what the rules earned above the plan cap."""
        self.ensure_one()
        return {
            "kind": "cap",
            "sequence": 900,
            "base": total,
            "rate": 0.0,
            "amount": self.currency_id.round(self.cap_amount - total),
            "explanation_data": [
                explanation.fact(
                    "plan_cap",
                    total=explanation.money(total, self.currency_id),
                    cap=explanation.money(self.cap_amount, self.currency_id),
                )
            ],
        }

    def _get_credit_date_sql(self):
        """The day a credit row counts on, as SQL on the aliases ``credit``
        and ``window_`` (with the participation's ``part_from`` and
        ``part_to``): its own date, except for a credit note of an invoice
        credited to the participant under this plan, which counts on the
        invoice's date, so the period that paid the invoice gives back what it
        paid at its own terms. With the credit-note-period convention only
        credit notes dated after the participation ended do so (nothing else
        would take them back). The clawback window is one of the rule
        filters."""
        self.ensure_one()
        return SQL(
            """
            CASE WHEN credit.is_refund
                      AND credit.origin_date
                          BETWEEN window_.part_from AND window_.part_to
                      AND (%s OR credit.date > window_.part_to)
                 THEN credit.origin_date
                 ELSE credit.date
            END
            """,
            self.clawback_convention == "invoice_period",
        )

    def _get_windows(self, period, users):
        """Per user: the dates credited this period and since the plan began
        (cumulative rules), inside the plan and the user's participation."""
        assignments = self.assignment_ids.filtered(lambda a: a.user_id in users)
        by_user = {a.user_id.id: a for a in assignments}
        windows = {}
        for user in users:
            assignment = by_user.get(user.id)
            start = max(
                filter(None, [self.date_start, assignment and assignment.date_start])
            )
            end = min(filter(None, [self.date_end, assignment and assignment.date_end]))
            left_date = assignment and assignment.left_date or None
            windows[user.id] = {
                "period": period,
                "date_from": max(start, period.date_start),
                "date_to": min(end, period.date_end),
                "cumulative_from": start,
                "left_date": left_date,
                # The days credited to the user under this plan at all: a
                # credit note of an invoice of these days claws back from the
                # invoice's period (see _get_credit_date_sql).
                "part_from": start,
                "part_to": min(filter(None, [end, left_date])),
            }
        return windows

    def _get_measures(self, period, users, rules, extra):
        """What the rules of this plan read for ``users`` in ``period``, read
        once for all of them (see :class:`PayoutMeasures`)."""
        self.ensure_one()
        windows = self._get_windows(period, users)
        kpis = (rules.kpi_id | self.kpi_id).filtered("id")
        need_scores = any(rule.condition_measure == "score" for rule in rules)
        shifts = (
            self._get_refund_shifts(windows)
            if any(kpi._counts_invoiced_revenue() for kpi in kpis)
            else []
        )
        return PayoutMeasures(
            self,
            period,
            users,
            kpis,
            need_scores=need_scores,
            extra=extra,
            shifts=shifts,
            windows=windows,
            booked=self._get_booked(period, users, rules),
        )

    def _get_refund_shifts(self, windows):
        """Credit notes that count in the period of the invoice they reverse
        (see ``_get_credit_date_sql``), as the revenue KPIs see them: the
        untaxed amount of the whole credit note, for its salesperson.
        ``[(user_id, credit note date, invoice date, amount)]``, one query.

        The KPIs count a credit note on its own date; attainment moves it
        to the invoice's period with its credit, so that a bonus or threshold
        the invoice reached is reached or lost with it."""
        self.ensure_one()
        rows = [(uid, w["part_from"], w["part_to"]) for uid, w in windows.items()]
        if not rows:
            return []
        users, part_froms, part_tos = zip(*rows, strict=True)
        query = SQL(
            """
            SELECT move.invoice_user_id, move.invoice_date, origin.invoice_date,
                   SUM(move.amount_untaxed_signed)
              FROM account_move move
              JOIN account_move origin ON origin.id = move.reversed_entry_id
              JOIN unnest(
                       %(users)s::int[], %(part_froms)s::date[], %(part_tos)s::date[]
                   ) AS window_(user_id, part_from, part_to)
                ON window_.user_id = move.invoice_user_id
             WHERE move.move_type = 'out_refund'
               AND move.state = 'posted'
               AND move.company_id = %(company)s
               AND origin.invoice_date BETWEEN window_.part_from AND window_.part_to
               AND (%(recompute)s OR move.invoice_date > window_.part_to)
               AND %(window)s
             GROUP BY 1, 2, 3
            """,
            users=list(users),
            part_froms=list(part_froms),
            part_tos=list(part_tos),
            company=self.company_id.id,
            recompute=self.clawback_convention == "invoice_period",
            window=SQL(
                "move.invoice_date - origin.invoice_date <= %s", self.clawback_days
            )
            if self.clawback_days
            else SQL("TRUE"),
        )
        return [
            (user_id, date, origin_date, float(amount or 0.0))
            for user_id, date, origin_date, amount in self.env.execute_query(query)
        ]

    def _refresh_targets(self, period, users):
        """Bring the targets these users' rules read up to date (one grouped
        query per KPI), so that a statement and an estimate made at the same
        moment read the same actuals."""
        self.ensure_one()
        kpis = self.rule_ids.kpi_id | self.kpi_id
        if not kpis or not users:
            return
        targets = (
            self.env["performance.target"]
            .sudo()
            .search(
                [
                    ("owner_type", "=", "user"),
                    ("user_id", "in", users.ids),
                    ("kpi_id", "in", kpis.ids),
                    ("period_id.period_type", "=", period.period_type),
                    (
                        "period_id.date_start",
                        ">=",
                        min(self.date_start, period.date_start),
                    ),
                    ("period_id.date_end", "<=", period.date_end),
                    ("period_id.state", "=", "open"),
                ]
            )
        )
        targets.action_compute()

    def _get_booked(self, period, users, rules):
        """Amounts already earned by cumulative rules before ``period``:
        ``{(user_id, rule_id): amount}``, from one grouped query."""
        cumulative = rules.filtered("cumulative")
        if not cumulative:
            return {}
        groups = (
            self.env["incentive.statement.line"]
            .sudo()
            ._read_group(
                [
                    ("rule_id", "in", cumulative.ids),
                    ("user_id", "in", users.ids),
                    ("statement_id.date_to", "<", period.date_start),
                ],
                ["user_id", "rule_id"],
                ["amount:sum"],
            )
        )
        return {(user.id, rule.id): amount for user, rule, amount in groups}
