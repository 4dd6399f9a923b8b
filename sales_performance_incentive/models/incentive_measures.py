from collections import defaultdict

from odoo.addons.sales_performance.tools import pace


class PayoutMeasures:
    """What the rules of a plan read for its users in a period, read once for
    all of them: attainment, KPI values and scores, the credited bases (one
    query per set of rules crediting the same rows, on first use), each
    user's window of dates and what cumulative rules already booked."""

    def __init__(
        self, plan, period, users, kpis, need_scores, extra, shifts, windows, booked
    ):
        env = plan.env
        self.period = period
        self.extra = extra
        self.windows = windows
        self._booked = booked
        self._bases = {}
        self.higher_is_better = {kpi.id: kpi.direction != "lower" for kpi in kpis}
        start = plan.date_start
        targets = (
            env["performance.target"]
            .sudo()
            .search(
                [
                    ("company_id", "=", plan.company_id.id),
                    ("owner_type", "=", "user"),
                    ("user_id", "in", users.ids),
                    ("kpi_id", "in", kpis.ids),
                    ("period_id.period_type", "=", period.period_type),
                    ("period_id.date_start", ">=", min(start, period.date_start)),
                    ("period_id.date_end", "<=", period.date_end),
                ]
            )
        )
        self.values = defaultdict(float)
        self.targets = defaultdict(float)
        self.cumulative_values = defaultdict(float)
        self.cumulative_targets = defaultdict(float)
        for target in targets:
            key = (target.user_id.id, target.kpi_id.id)
            if target.period_id == period:
                self.values[key] += target.actual
                self.targets[key] += target._get_effective_target()
            if target.period_id.date_start >= start:
                self.cumulative_values[key] += target.actual
                self.cumulative_targets[key] += target._get_effective_target()
        revenue_kpis = kpis.filtered(lambda kpi: kpi._counts_invoiced_revenue())
        # A hypothetical deal raises the revenue KPIs it would be counted in.
        for row in extra:
            for kpi in revenue_kpis:
                key = (row["user_id"], kpi.id)
                self.values[key] += row["amount"]
                self.cumulative_values[key] += row["amount"]
        # A credit note counted in its invoice's period leaves the period of
        # its own date for that one.
        ranges = (
            (self.values, period.date_start),
            (self.cumulative_values, min(start, period.date_start)),
        )
        for user_id, date, origin_date, amount in shifts:
            for values, date_from in ranges:
                moved = int(date_from <= origin_date <= period.date_end) - int(
                    date_from <= date <= period.date_end
                )
                for kpi in revenue_kpis if moved else ():
                    values[user_id, kpi.id] += moved * amount
        self.scores = {}
        if need_scores:
            cards = (
                env["performance.scorecard"]
                .sudo()
                .search([("user_id", "in", users.ids), ("period_id", "=", period.id)])
            )
            self.scores = {card.user_id.id: card.total_score for card in cards}

    def value(self, user_id, kpi, cumulative=False):
        source = self.cumulative_values if cumulative else self.values
        return source[user_id, kpi.id]

    def target(self, user_id, kpi, cumulative=False):
        source = self.cumulative_targets if cumulative else self.targets
        return source[user_id, kpi.id]

    def attainment(self, user_id, kpi, cumulative=False):
        """As targets and scorecards measure it, lower-is-better KPIs
        included."""
        target = self.target(user_id, kpi, cumulative)
        if not target:
            return 0.0
        return pace.attainment(
            self.value(user_id, kpi, cumulative),
            target,
            self.higher_is_better.get(kpi.id, True),
        )

    def score(self, user_id):
        return self.scores.get(user_id)

    def window(self, user_id):
        """The dates credited to the user this period and since the plan
        began (see ``incentive.plan._get_windows``)."""
        return self.windows[user_id]

    def booked(self, user_id, rule):
        """What ``rule`` already paid the user before the period (cumulative
        rules)."""
        return self._booked.get((user_id, rule.id), 0.0)

    def credited(self, user_id, rule):
        """``{"amount", "margin", "quantity"}`` credited to the user under
        ``rule``. Rules crediting the same rows (a percentage and a tier on all
        revenue) share one query, made for every user the first time one of
        them asks."""
        key = rule._get_bases_key()
        if key not in self._bases:
            self._bases[key] = rule._get_bases(self.windows, self.extra)
        return self._bases[key].get(
            user_id, {"amount": 0.0, "margin": 0.0, "quantity": 0.0}
        )
