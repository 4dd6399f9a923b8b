from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.sales_performance.tools import pace

from ..tools import brackets

# What may change on a published plan: its terms are locked, a new version
# changes them.
PUBLISHED_WRITABLE = {
    "active",
    "state",
    "date_end",
    "assignment_ids",
    "description",
    "message_main_attachment_id",
}
RULE_KINDS = [
    ("percentage", "Percentage"),
    ("tiered", "Tiered"),
    ("bonus", "Bonus"),
    ("multiplier", "Multiplier"),
    ("spiff", "Spiff"),
    ("team_override", "Team Override"),
]
OPERATORS = {
    ">=": lambda value, limit: value >= limit,
    ">": lambda value, limit: value > limit,
    "<=": lambda value, limit: value <= limit,
    "<": lambda value, limit: value < limit,
}
# Up to this many participants, credits are read user by user through an
# index rather than by scanning the company's invoice lines.
SMALL_BATCH = 50
# Kinds whose base is an aggregate of credits.
CREDIT_KINDS = ("percentage", "tiered", "spiff", "team_override")


class IncentivePlan(models.Model):
    _name = "incentive.plan"
    _description = "Incentive Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, name, version desc, id"
    _check_company_auto = True

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    name = fields.Char(required=True, tracking=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    description = fields.Html(
        string="Plan Document", help="The terms the participants accept."
    )
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    version = fields.Integer(default=1, required=True, readonly=True, copy=False)
    previous_id = fields.Many2one(
        "incentive.plan", string="Previous Version", readonly=True, copy=False
    )
    date_start = fields.Date(string="Effective From", required=True, tracking=True)
    date_end = fields.Date(string="Effective To", required=True, tracking=True)
    published_date = fields.Datetime(readonly=True, copy=False)
    published_by_id = fields.Many2one("res.users", readonly=True, copy=False)

    # Terms
    earn_on = fields.Selection(
        [("invoice", "Invoice"), ("payment", "Payment")],
        default="invoice",
        required=True,
        tracking=True,
        help="On invoice: credited at the invoice date. On payment: only the paid "
        "share counts, at the payment date, pro rata for partial payments.",
    )
    clawback_days = fields.Integer(
        string="Clawback Window (days)",
        help="Credit notes claw back the credit of invoices at most this many days "
        "old; 0 claws back whatever the age of the invoice.",
    )
    clawback_convention = fields.Selection(
        [
            ("invoice_period", "In the Invoice's Period"),
            ("refund_period", "In the Credit Note's Period"),
        ],
        string="Credit Notes Count",
        default="invoice_period",
        required=True,
        tracking=True,
        help="In the invoice's period (default): a credit note counts in the period "
        "of the invoice it reverses, so that period is paid again at its own tiers, "
        "threshold and bonus conditions; when its statement is already approved, "
        "the difference is a correction in the next draft statement. Example: a "
        "January invoice of 10,000 paid 5 % in January's tier; a February credit "
        "note of 4,000 takes back 4,000 x 5 % = 200 (more if January falls to a "
        "lower tier), whatever February's sales.\n"
        "In the credit note's period: it lowers the period of its own date, at "
        "that period's rates; in the example, nothing is taken back if February "
        "stays below the first paying tier. A credit note dated after the "
        "participant left always counts in the invoice's period.",
    )
    kpi_id = fields.Many2one(
        "performance.kpi",
        string="Quota KPI",
        default=lambda self: self.env.ref(
            "sales_performance.kpi_invoiced_revenue", raise_if_not_found=False
        ),
        help="KPI whose target attainment the plan threshold reads.",
    )
    threshold_pct = fields.Float(
        string="Plan Threshold (%)",
        help="No payout at all below this attainment of the quota KPI; 0 for none.",
    )
    cap_amount = fields.Monetary(
        string="Plan Cap per Period",
        help="The rules of the plan pay at most this amount per period; 0 for no cap.",
    )
    rule_ids = fields.One2many("incentive.plan.rule", "plan_id", copy=True)
    assignment_ids = fields.One2many(
        "incentive.plan.assignment", "plan_id", string="Participants", copy=True
    )
    statement_ids = fields.One2many("incentive.statement", "plan_id")
    statement_count = fields.Integer(compute="_compute_statement_count")
    participant_count = fields.Integer(compute="_compute_participant_count")

    # ------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------

    @api.depends("name", "version")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = (
                f"{plan.name} (v{plan.version})" if plan.version > 1 else plan.name
            )

    def _compute_statement_count(self):
        counts = dict(
            self.env["incentive.statement"]._read_group(
                [("plan_id", "in", self.ids)], ["plan_id"], ["__count"]
            )
        )
        for plan in self:
            plan.statement_count = counts.get(plan, 0)

    @api.depends("assignment_ids.user_id")
    def _compute_participant_count(self):
        for plan in self:
            plan.participant_count = len(plan.assignment_ids.user_id)

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for plan in self:
            if plan.date_end < plan.date_start:
                raise ValidationError(
                    _("The plan %(plan)s ends before it starts.", plan=plan.name)
                )

    @api.constrains("threshold_pct", "cap_amount", "clawback_days")
    def _check_limits(self):
        for plan in self:
            if plan.threshold_pct < 0 or plan.cap_amount < 0 or plan.clawback_days < 0:
                raise ValidationError(
                    _(
                        "The threshold, cap and clawback window of %(plan)s cannot "
                        "be negative.",
                        plan=plan.name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        self.check_access("write")
        if set(vals) - PUBLISHED_WRITABLE:
            self._check_draft()
        return super().write(vals)

    def unlink(self):
        if self.statement_ids:
            raise UserError(
                _("A plan with statements cannot be deleted: archive it instead.")
            )
        return super().unlink()

    def _check_draft(self):
        locked = self.filtered(lambda plan: plan.state != "draft")
        if locked:
            raise UserError(
                _(
                    "The plan %(plan)s is published: its terms are locked. Make a "
                    "new version to change them.",
                    plan=locked[0].display_name,
                )
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_publish(self):
        """Lock the terms, close the previous version and tell the participants."""
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    _(
                        "Only a draft plan can be published: %(plan)s is not.",
                        plan=plan.display_name,
                    )
                )
            if not plan.rule_ids:
                raise UserError(
                    _(
                        "The plan %(plan)s has no rule to pay by.",
                        plan=plan.display_name,
                    )
                )
            plan.assignment_ids._expand_teams()
            if not plan.assignment_ids.user_id:
                raise UserError(
                    _(
                        "The plan %(plan)s has no participant: add salespeople or "
                        "teams before publishing it.",
                        plan=plan.display_name,
                    )
                )
        for plan in self:
            previous = plan.previous_id
            if previous.state == "published" and previous.date_end >= plan.date_start:
                previous.write(
                    {
                        "date_end": max(
                            previous.date_start, plan.date_start - timedelta(days=1)
                        ),
                        "state": "closed",
                    }
                )
            plan.write(
                {
                    "state": "published",
                    "published_date": fields.Datetime.now(),
                    "published_by_id": self.env.user.id,
                }
            )
            plan.assignment_ids._notify_published()
        return True

    def action_close(self):
        self.filtered(lambda plan: plan.state == "published").write({"state": "closed"})
        return True

    def action_new_version(self):
        """A draft copy of the plan, one version up, to change its terms."""
        self.ensure_one()
        new = self.copy(
            {
                "name": self.name,
                "version": self.version + 1,
                "previous_id": self.id,
            }
        )
        return new._get_records_action(name=_("New Version"))

    def action_generate_statements(self):
        """Create or refresh the monthly statements of these plans from their
        start up to the current month."""
        today = fields.Date.context_today(self)
        for plan in self:
            if plan.state != "published":
                raise UserError(
                    _(
                        "Only a published plan makes statements: %(plan)s is not.",
                        plan=plan.display_name,
                    )
                )
            periods = self.env["performance.period"].search(
                [
                    ("company_id", "=", plan.company_id.id),
                    ("period_type", "=", "month"),
                    ("date_start", "<=", min(today, plan.date_end)),
                    ("date_end", ">=", plan.date_start),
                ],
                order="date_start",
            )
            for period in periods:
                plan.generate_statements(period)
        return self.action_open_statements() if len(self) == 1 else True

    def action_open_statements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_performance_incentive.action_incentive_statement"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id}
        return action

    # ------------------------------------------------------------
    # Statements
    # ------------------------------------------------------------

    def generate_statements(self, period):
        """Create or refresh the statements of every participant of these
        plans for ``period``, in batch: targets, credits and scores are read
        with one query per rule, whatever the number of participants."""
        self.check_access("read")
        Statement = self.env["incentive.statement"].sudo()
        plans = self.sudo().filtered(
            lambda plan: (
                plan.state in ("published", "closed")
                and plan.date_start <= period.date_end
                and plan.date_end >= period.date_start
            )
        )
        outside = self - plans.with_env(self.env)
        if outside:
            raise UserError(
                _(
                    "The period %(period)s is outside the dates of the published "
                    "plan %(plan)s.",
                    period=period.display_name,
                    plan=outside[0].display_name,
                )
            )
        plans.assignment_ids._expand_teams()
        existing = Statement.search(
            [("plan_id", "in", plans.ids), ("period_id", "=", period.id)]
        )
        keys = {(st.plan_id.id, st.user_id.id) for st in existing}
        vals_list = []
        for plan in plans:
            for assignment in plan.assignment_ids._active_in(period):
                key = (plan.id, assignment.user_id.id)
                if key in keys:
                    continue
                keys.add(key)
                vals_list.append(
                    {
                        "plan_id": plan.id,
                        "assignment_id": assignment.id,
                        "user_id": assignment.user_id.id,
                        "period_id": period.id,
                        "company_id": plan.company_id.id,
                    }
                )
            # Those who left before the period get a closing statement while
            # credit notes of their invoices may still claw back.
            left = plan.assignment_ids._left_before(period).filtered(
                lambda a, p=plan: (p.id, a.user_id.id) not in keys
            )
            owing = plan._get_late_refund_users(period, left)
            for assignment in left.filtered(lambda a, o=owing: a.user_id.id in o):
                keys.add((plan.id, assignment.user_id.id))
                vals_list.append(
                    {
                        "plan_id": plan.id,
                        "assignment_id": assignment.id,
                        "user_id": assignment.user_id.id,
                        "period_id": period.id,
                        "company_id": plan.company_id.id,
                    }
                )
        created = Statement.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
        ).create(vals_list)
        statements = existing | created
        statements.action_compute()
        # A closing statement with nothing to claw back yet (the statement to
        # correct is not approved, or the rules ignore the products) is not
        # kept: a later generation makes it again.
        empty = created.filtered(
            lambda st: st.assignment_id._left_before(period) and not st.line_ids
        )
        empty.unlink()
        return (statements - empty).with_env(self.env)

    def _get_late_refund_users(self, period, assignments):
        """Ids of the users of ``assignments`` (who left the company) credited
        with a credit note dated after they left and up to the end of
        ``period``, of an invoice dated while they took part, inside the
        plan's clawback window: one grouped query."""
        self.ensure_one()
        assignments = assignments.filtered("user_id")
        if not assignments:
            return set()
        query = SQL(
            """
            SELECT DISTINCT window_.user_id
              FROM (%(credits)s) credit
              JOIN unnest(%(users)s::int[], %(starts)s::date[], %(lefts)s::date[])
                   AS window_(user_id, date_from, left_date)
                ON window_.user_id = credit.user_id
             WHERE credit.company_id = %(company)s
               AND credit.is_refund
               AND credit.date > window_.left_date
               AND credit.date <= %(period_end)s
               AND credit.origin_date BETWEEN window_.date_from AND window_.left_date
               AND %(window)s
            """,
            credits=self.env["incentive.credit"]._credit_query(self.earn_on),
            users=[a.user_id.id for a in assignments],
            starts=[a.date_start or self.date_start for a in assignments],
            lefts=[a.left_date for a in assignments],
            company=self.company_id.id,
            period_end=period.date_end,
            window=SQL("credit.date - credit.origin_date <= %s", self.clawback_days)
            if self.clawback_days
            else SQL("TRUE"),
        )
        return {user_id for (user_id,) in self.env.execute_query(query)}

    # ------------------------------------------------------------
    # Engine
    # ------------------------------------------------------------

    def _get_payouts(self, period, users, extra=None, keep=None):
        """What these users earn under this plan in ``period``.

        Returns ``{user_id: [line values]}``, one line per rule (and a cap
        line when the plan cap bites), each with its base, rate, amount and
        a sentence that explains it. ``extra`` adds hypothetical credit rows
        (the estimator); ``keep`` maps ``(user_id, rule_id)`` to amounts to
        use as they are (lines already booked in a frozen statement).

        Queries: one per credit rule, one for targets, one for scores.
        """
        self.ensure_one()
        extra = extra or []
        keep = keep or {}
        windows = self._get_windows(period, users)
        rules = self.rule_ids.sorted(lambda rule: (rule.sequence, rule.id))
        # Rules crediting the same rows (a percentage and a tier on all
        # revenue) share one query over the credits.
        bases = {}
        by_key = {}
        for rule in rules.filtered(lambda r: r.kind in CREDIT_KINDS):
            key = rule._get_bases_key()
            if key not in by_key:
                by_key[key] = rule._get_bases(windows, extra)
            bases[rule] = by_key[key]
        measures = self._get_measures(period, users, rules, extra, windows)
        booked = self._get_booked(period, users, rules)
        currency = self.currency_id
        payouts = {}
        for user in users:
            lines = []
            plan_attainment = measures.attainment(
                user.id, self.kpi_id, cumulative=False
            )
            below_plan = (
                bool(self.threshold_pct) and plan_attainment < self.threshold_pct
            )
            for rule in rules.filtered(lambda r: r.kind != "multiplier"):
                vals = rule._compute_line(
                    user, bases.get(rule, {}), measures, booked, windows[user.id]
                )
                if below_plan and vals["amount"]:
                    vals["amount"] = 0.0
                    vals["name"] = _(
                        "No payout: attainment of %(kpi)s is %(attainment)s %%, "
                        "below the plan threshold of %(threshold)s %%.",
                        kpi=self.kpi_id.name,
                        attainment=round(plan_attainment, 2),
                        threshold=self.threshold_pct,
                    )
                if (user.id, rule.id) in keep:
                    vals["amount"] = keep[user.id, rule.id]
                vals["amount"] = currency.round(vals["amount"])
                lines.append(vals)
            subtotal = sum(vals["amount"] for vals in lines)
            for rule in rules.filtered(lambda r: r.kind == "multiplier"):
                vals = rule._compute_multiplier(user, subtotal, measures)
                vals["amount"] = currency.round(vals["amount"])
                lines.append(vals)
            total = sum(vals["amount"] for vals in lines)
            if self.cap_amount and total > self.cap_amount:
                lines.append(
                    {
                        "kind": "cap",
                        "sequence": 900,
                        "base": total,
                        "rate": 0.0,
                        "amount": currency.round(self.cap_amount - total),
                        "name": _(
                            "Plan cap: the rules earned %(total)s, the plan pays at "
                            "most %(cap)s per period.",
                            total=self._money(total),
                            cap=self._money(self.cap_amount),
                        ),
                    }
                )
            payouts[user.id] = lines
        return payouts

    def _get_estimate_period(self, date):
        """The statement period that would credit a deal closed on ``date``:
        of the type the plan's statements use (monthly by default)."""
        self.ensure_one()
        period_type = self.statement_ids[:1].period_id.period_type or "month"
        return self.env["performance.period"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("period_type", "=", period_type),
                ("date_start", "<=", date),
                ("date_end", ">=", date),
            ],
            limit=1,
        )

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

    def _money(self, amount):
        return self.currency_id.format(amount)

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

    def _get_measures(self, period, users, rules, extra, windows):
        kpis = (rules.kpi_id | self.kpi_id).filtered("id")
        need_scores = any(rule.condition_measure == "score" for rule in rules)
        shifts = (
            self._get_refund_shifts(windows)
            if any(kpi._counts_invoiced_revenue() for kpi in kpis)
            else []
        )
        return _Measures(self, period, users, kpis, need_scores, extra, shifts)

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


class _Measures:
    """Attainment, KPI values and scores of a plan's users for a period,
    read once for all of them."""

    def __init__(self, plan, period, users, kpis, need_scores, extra, shifts):
        env = plan.env
        self.period = period
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


class IncentivePlanRule(models.Model):
    _name = "incentive.plan.rule"
    _description = "Incentive Rule"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one(
        "incentive.plan", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(RULE_KINDS, required=True, default="percentage")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")

    # What is credited
    base = fields.Selection(
        [("revenue", "Revenue"), ("margin", "Margin")],
        default="revenue",
        required=True,
        help="Credited revenue, or credited revenue minus the products' cost.",
    )
    product_ids = fields.Many2many("product.product", string="Products")
    categ_ids = fields.Many2many("product.category", string="Product Categories")
    rate = fields.Float(
        string="Rate (%)", digits=(16, 4), help="Share of the base paid out."
    )
    amount = fields.Monetary(
        help="Bonus: the amount paid when the condition holds. Spiff: the amount "
        "paid per unit sold."
    )
    date_from = fields.Date(string="Spiff From")
    date_to = fields.Date(string="Spiff To")

    # Tiers
    tier_basis = fields.Selection(
        [("amount", "Credited Amount"), ("attainment", "Attainment (%)")],
        default="attainment",
        help="Breakpoints in credited amount, or in percent of the target of the "
        "rule's KPI.",
    )
    tier_mode = fields.Selection(
        [("marginal", "Marginal"), ("whole", "Whole")],
        default="marginal",
        help="Marginal: each tier's rate on the part of the base inside it. Whole: "
        "the rate of the tier reached on the whole base.",
    )
    cumulative = fields.Boolean(
        string="Plan to Date",
        help="Evaluate the tiers on everything credited since the plan began and "
        "pay the difference with what was already earned (monthly true-up).",
    )
    tier_ids = fields.One2many("incentive.plan.tier", "rule_id", copy=True)

    # Conditions
    kpi_id = fields.Many2one(
        "performance.kpi",
        string="KPI",
        help="KPI whose target attainment sets the tiers, the condition or the "
        "threshold of this rule.",
    )
    condition_measure = fields.Selection(
        [
            ("attainment", "KPI Attainment (%)"),
            ("value", "KPI Value"),
            ("score", "Scorecard Score"),
        ],
        default="attainment",
    )
    condition_operator = fields.Selection(
        [(">=", "at least"), (">", "above"), ("<=", "at most"), ("<", "below")],
        default=">=",
    )
    condition_value = fields.Float()
    multiplier_pct = fields.Float(
        string="Multiplier (%)",
        help="Share of the other rules' payout added (or removed, when negative) "
        "when the condition holds: 10 adds 10 %.",
    )
    threshold_pct = fields.Float(
        string="Threshold (%)",
        help="No payout from this rule below this attainment of its KPI; 0 for none.",
    )
    cap_amount = fields.Monetary(
        string="Cap", help="The most this rule pays per period; 0 for no cap."
    )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("rate", "amount", "cap_amount", "threshold_pct", "multiplier_pct")
    def _check_amounts(self):
        for rule in self:
            if min(rule.rate, rule.amount, rule.cap_amount, rule.threshold_pct) < 0:
                raise ValidationError(
                    _(
                        "The rule %(rule)s has a negative rate, amount, cap or "
                        "threshold.",
                        rule=rule.name,
                    )
                )
            if rule.multiplier_pct < -100:
                raise ValidationError(
                    _("A multiplier cannot remove more than the whole payout.")
                )

    @api.constrains("kind", "kpi_id", "tier_basis", "condition_measure", "product_ids")
    def _check_kind(self):
        for rule in self:
            needs_kpi = (rule.kind == "tiered" and rule.tier_basis == "attainment") or (
                rule.kind in ("bonus", "multiplier")
                and rule.condition_measure != "score"
            )
            if (needs_kpi or rule.threshold_pct) and not rule.kpi_id:
                raise ValidationError(
                    _("The rule %(rule)s needs the KPI it reads.", rule=rule.name)
                )
            if rule.kind == "spiff" and not rule.product_ids:
                raise ValidationError(
                    _(
                        "The spiff %(rule)s needs the products it pays for.",
                        rule=rule.name,
                    )
                )

    @api.constrains("kind", "tier_ids")
    def _check_tiers(self):
        messages = {
            "empty": _("The tiered rule %(rule)s has no tier."),
            "negative_lower": _("The first tier of %(rule)s starts below zero."),
            "order": _("Tier %(tier)s of %(rule)s ends before it starts."),
            "gap": _(
                "Tier %(tier)s of %(rule)s leaves a gap after the tier before it."
            ),
            "overlap": _("Tier %(tier)s of %(rule)s overlaps the tier before it."),
            "open_end": _("Only the last tier of %(rule)s may have no upper limit."),
            "negative_rate": _("Tier %(tier)s of %(rule)s has a negative rate."),
        }
        for rule in self.filtered(lambda r: r.kind == "tiered"):
            try:
                brackets.check_brackets(rule._get_brackets())
            except brackets.BracketError as error:
                raise ValidationError(
                    messages[error.code]
                    % {"rule": rule.name, "tier": (error.index or 0) + 1}
                ) from error

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for rule in self:
            if rule.date_from and rule.date_to and rule.date_to < rule.date_from:
                raise ValidationError(
                    _("The spiff %(rule)s ends before it starts.", rule=rule.name)
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules.plan_id._check_draft()
        return rules

    def write(self, vals):
        self.check_access("write")
        self.plan_id._check_draft()
        return super().write(vals)

    def unlink(self):
        self.plan_id._check_draft()
        return super().unlink()

    # ------------------------------------------------------------
    # Engine
    # ------------------------------------------------------------

    def _get_brackets(self):
        self.ensure_one()
        tiers = self.tier_ids.sorted(lambda tier: (tier.lower, tier.sequence, tier.id))
        return [
            (
                tier.lower,
                tier.upper if tier.upper or tier != tiers[-1] else None,
                tier.rate,
            )
            for tier in tiers
        ]

    def _get_credit_domain_sql(self):
        """Filters of this rule on credit rows, as SQL on the alias ``credit``."""
        clauses = [SQL("TRUE")]
        if self.product_ids:
            clauses.append(SQL("credit.product_id IN %s", tuple(self.product_ids.ids)))
        if self.categ_ids:
            categories = self.env["product.category"].search(
                [("id", "child_of", self.categ_ids.ids)]
            )
            clauses.append(SQL("credit.categ_id IN %s", tuple(categories.ids)))
        if self.plan_id.clawback_days:
            clauses.append(
                SQL(
                    "(NOT credit.is_refund OR credit.origin_date IS NULL "
                    "OR credit.date - credit.origin_date <= %s)",
                    self.plan_id.clawback_days,
                )
            )
        return SQL(" AND ").join(clauses)

    def _get_bases_key(self):
        """What ``_get_bases`` depends on besides the windows: rules with the
        same key are credited the same rows."""
        self.ensure_one()
        return (
            self.kind == "team_override",
            self.cumulative,
            (self.date_from, self.date_to) if self.kind == "spiff" else None,
            tuple(sorted(self.product_ids.ids)),
            tuple(sorted(self.categ_ids.ids)),
        )

    def _get_bases(self, windows, extra):
        """``{user_id: {"amount", "margin", "quantity"}}`` credited under this
        rule inside each user's window, from one grouped query."""
        self.ensure_one()
        plan = self.plan_id
        rows = []
        for user_id, window in windows.items():
            date_from = (
                window["cumulative_from"] if self.cumulative else window["date_from"]
            )
            date_to = window["date_to"]
            if self.kind == "spiff":
                date_from = max(filter(None, [date_from, self.date_from]))
                date_to = min(filter(None, [date_to, self.date_to]))
            if date_from <= date_to:
                rows.append(
                    (
                        user_id,
                        date_from,
                        date_to,
                        window["part_from"],
                        window["part_to"],
                    )
                )
        bases = defaultdict(lambda: {"amount": 0.0, "margin": 0.0, "quantity": 0.0})
        if not rows:
            return bases
        users, starts, ends, part_froms, part_tos = zip(*rows, strict=True)
        if self.kind == "team_override":
            # The leader is credited with the base of the teams they lead.
            owner = SQL("team.user_id")
            join = SQL("JOIN crm_team team ON team.id = credit.team_id")
        else:
            owner = SQL("credit.user_id")
            join = SQL("")
        query = SQL(
            """
            SELECT window_.user_id, SUM(credit.amount), SUM(credit.margin),
                   SUM(credit.quantity)
              FROM (%(credits)s) credit
              %(join)s
              JOIN unnest(
                       %(users)s::int[], %(starts)s::date[], %(ends)s::date[],
                       %(part_froms)s::date[], %(part_tos)s::date[]
                   ) AS window_(user_id, date_from, date_to, part_from, part_to)
                ON window_.user_id = %(owner)s
               AND %(credit_date)s BETWEEN window_.date_from AND window_.date_to
             WHERE credit.company_id = %(company)s
               AND %(filters)s
             GROUP BY window_.user_id
            """,
            credits=self.env["incentive.credit"]._credit_query(
                plan.earn_on,
                # A few participants (a rep's home, the estimator): read their
                # invoices through the index, not every line of the company.
                user_ids=list(users)
                if self.kind != "team_override" and len(users) <= SMALL_BATCH
                else None,
            ),
            join=join,
            users=list(users),
            starts=list(starts),
            ends=list(ends),
            part_froms=list(part_froms),
            part_tos=list(part_tos),
            credit_date=plan._get_credit_date_sql(),
            owner=owner,
            company=plan.company_id.id,
            filters=self._get_credit_domain_sql(),
        )
        for user_id, amount, margin, quantity in self.env.execute_query(query):
            bases[user_id] = {
                "amount": float(amount or 0.0),
                "margin": float(margin or 0.0),
                "quantity": float(quantity or 0.0),
            }
        for row in extra:
            if self.kind == "team_override" or not self._matches(row, windows):
                continue
            base = bases[row["user_id"]]
            for key in ("amount", "margin", "quantity"):
                base[key] += row[key]
        return bases

    def _matches(self, row, windows):
        """Whether a hypothetical credit row falls under this rule."""
        window = windows.get(row["user_id"])
        if not window:
            return False
        date_from = (
            window["cumulative_from"] if self.cumulative else window["date_from"]
        )
        if not date_from <= row["date"] <= window["date_to"]:
            return False
        if self.kind == "spiff" and (
            (self.date_from and row["date"] < self.date_from)
            or (self.date_to and row["date"] > self.date_to)
        ):
            return False
        product = self.env["product.product"].browse(row.get("product_id"))
        if self.product_ids and product not in self.product_ids:
            return False
        if self.categ_ids and not (
            product.categ_id
            and product.categ_id.parent_path.startswith(
                tuple(categ.parent_path for categ in self.categ_ids)
            )
        ):
            return False
        return True

    def _compute_line(self, user, bases, measures, booked, window):
        """One statement line of values for ``user``: base, rate, amount and
        the sentence that explains them."""
        self.ensure_one()
        plan = self.plan_id
        money = plan._money
        vals = {
            "kind": "rule",
            "rule_id": self.id,
            "sequence": self.sequence,
            "credit_date_from": window["cumulative_from"]
            if self.cumulative
            else window["date_from"],
            "credit_date_to": window["date_to"],
            "base": 0.0,
            "rate": 0.0,
            "quantity": 0.0,
            "amount": 0.0,
        }
        credited = bases.get(user.id, {"amount": 0.0, "margin": 0.0, "quantity": 0.0})
        base_key = {"revenue": "amount", "margin": "margin"}[self.base]
        base = credited[base_key] if self.kind != "spiff" else credited["quantity"]
        base_label = dict(self._fields["base"]._description_selection(self.env))[
            self.base
        ]
        if self.kind in ("percentage", "team_override"):
            amount = base * self.rate / 100.0
            vals.update(base=base, rate=self.rate, amount=amount)
            vals["name"] = _(
                "%(rate)s %% of %(base)s credited %(what)s: %(amount)s.",
                rate=self.rate,
                base=money(base),
                what=base_label.lower()
                if self.kind == "percentage"
                else _("to the teams led"),
                amount=money(amount),
            )
        elif self.kind == "spiff":
            amount = base * self.amount
            vals.update(quantity=base, base=base, rate=self.amount, amount=amount)
            vals["name"] = _(
                "%(quantity)s units of %(products)s at %(unit)s each: %(amount)s.",
                quantity=round(base, 2),
                products=", ".join(self.product_ids.mapped("display_name")),
                unit=money(self.amount),
                amount=money(amount),
            )
        elif self.kind == "tiered":
            vals.update(self._compute_tiers(user, base, measures, booked))
        elif self.kind == "bonus":
            holds, measure_text = self._check_condition(user, measures)
            amount = self.amount if holds else 0.0
            vals.update(base=0.0, rate=0.0, amount=amount)
            vals["name"] = (
                _(
                    "Bonus of %(amount)s: %(condition)s.",
                    amount=money(amount),
                    condition=measure_text,
                )
                if holds
                else _("No bonus: %(condition)s.", condition=measure_text)
            )
        vals = self._apply_limits(user, vals, measures)
        return vals

    def _compute_tiers(self, user, base, measures, booked):
        tiers = self._get_brackets()
        if self.tier_basis == "attainment":
            target = measures.target(user.id, self.kpi_id, self.cumulative)
            if target <= 0:
                return {
                    "base": base,
                    "rate": 0.0,
                    "amount": 0.0,
                    "name": _(
                        "No payout: no target of %(kpi)s to measure attainment "
                        "against.",
                        kpi=self.kpi_id.name,
                    ),
                }
        measured = base
        if self.tier_basis == "attainment" and self.kpi_id.direction == "lower":
            # The credited base cannot be measured against a ceiling: the
            # KPI's own attainment places the base in the tiers.
            measured = measures.attainment(user.id, self.kpi_id, self.cumulative)
            payout = brackets.payout_on_attainment(
                base, measured, tiers, self.tier_mode
            )
        else:
            if self.tier_basis == "attainment":
                tiers = brackets.scale(tiers, target / 100.0)
            payout = brackets.payout(base, tiers, self.tier_mode)
        payout = brackets.apply_cap(payout, self.cap_amount or None)
        money = self.plan_id._money
        reached = [tier for tier in tiers if measured >= tier[0]]
        rate = reached[-1][2] if reached else 0.0
        mode = dict(self._fields["tier_mode"]._description_selection(self.env))[
            self.tier_mode
        ]
        name = _(
            "%(mode)s tiers on %(base)s credited, top tier reached at %(rate)s %%: "
            "%(payout)s.",
            mode=mode,
            base=money(base),
            rate=rate,
            payout=money(payout),
        )
        amount = payout
        if self.cumulative:
            already = booked.get((user.id, self.id), 0.0)
            amount = payout - already
            name = _(
                "%(mode)s tiers on %(base)s credited since %(start)s: %(payout)s to "
                "date, less %(already)s already earned.",
                mode=mode,
                base=money(base),
                start=self.plan_id.date_start,
                payout=money(payout),
                already=money(already),
            )
        return {"base": base, "rate": rate, "amount": amount, "name": name}

    def _apply_limits(self, user, vals, measures):
        """The rule threshold and, except for cumulative tiers (capped on the
        plan to date), the rule cap."""
        money = self.plan_id._money
        if self.threshold_pct:
            attainment = measures.attainment(user.id, self.kpi_id, self.cumulative)
            if attainment < self.threshold_pct and vals["amount"]:
                vals["amount"] = 0.0
                vals["name"] = _(
                    "No payout: attainment of %(kpi)s is %(attainment)s %%, below "
                    "the threshold of %(threshold)s %%.",
                    kpi=self.kpi_id.name,
                    attainment=round(attainment, 2),
                    threshold=self.threshold_pct,
                )
        if (
            self.cap_amount
            and self.kind != "tiered"
            and vals["amount"] > self.cap_amount
        ):
            vals["name"] += " " + _("Capped at %(cap)s.", cap=money(self.cap_amount))
            vals["amount"] = self.cap_amount
        return vals

    def _check_condition(self, user, measures):
        """Whether the condition of a bonus or multiplier holds for ``user``,
        and a sentence saying what was measured."""
        self.ensure_one()
        operator = dict(
            self._fields["condition_operator"]._description_selection(self.env)
        )[self.condition_operator]
        if self.condition_measure == "score":
            value = measures.score(user.id)
            if value is None:
                return False, _("no scorecard for the period")
            label = _("scorecard score")
        elif self.condition_measure == "value":
            value = measures.value(user.id, self.kpi_id)
            label = self.kpi_id.name
        else:
            value = measures.attainment(user.id, self.kpi_id)
            label = _("attainment of %(kpi)s (%%)", kpi=self.kpi_id.name)
        holds = OPERATORS[self.condition_operator](value, self.condition_value)
        return holds, _(
            "%(label)s is %(value)s, condition %(operator)s %(limit)s",
            label=label,
            value=round(value, 2),
            operator=operator,
            limit=self.condition_value,
        )

    def _compute_multiplier(self, user, subtotal, measures):
        holds, measure_text = self._check_condition(user, measures)
        rate = self.multiplier_pct if holds else 0.0
        amount = subtotal * rate / 100.0
        money = self.plan_id._money
        vals = {
            "kind": "rule",
            "rule_id": self.id,
            "sequence": self.sequence,
            "base": subtotal,
            "rate": rate,
            "quantity": 0.0,
            "amount": amount,
            "name": _(
                "%(rate)s %% of the other rules' %(subtotal)s: %(amount)s "
                "(%(condition)s).",
                rate=rate,
                subtotal=money(subtotal),
                amount=money(amount),
                condition=measure_text,
            )
            if holds
            else _("No multiplier: %(condition)s.", condition=measure_text),
        }
        if self.cap_amount and amount > self.cap_amount:
            vals["amount"] = self.cap_amount
            vals["name"] += " " + _("Capped at %(cap)s.", cap=money(self.cap_amount))
        return vals


class IncentivePlanTier(models.Model):
    _name = "incentive.plan.tier"
    _description = "Incentive Tier"
    _order = "rule_id, lower, sequence, id"

    rule_id = fields.Many2one(
        "incentive.plan.rule", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    lower = fields.Float(string="From", required=True)
    upper = fields.Float(
        string="Up To", help="Leave empty on the last tier for no upper limit."
    )
    rate = fields.Float(string="Rate (%)", required=True, digits=(16, 4))

    @api.model_create_multi
    def create(self, vals_list):
        tiers = super().create(vals_list)
        tiers.rule_id.plan_id._check_draft()
        return tiers

    def write(self, vals):
        self.check_access("write")
        self.rule_id.plan_id._check_draft()
        return super().write(vals)

    def unlink(self):
        self.rule_id.plan_id._check_draft()
        return super().unlink()
