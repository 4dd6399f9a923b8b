from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.sales_performance.models.batch import flush_rows, store_values

STATES = [
    ("draft", "Draft"),
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("validated", "Validated"),
    ("paid", "Paid"),
]
FROZEN_STATES = ("approved", "validated", "paid")
# Lines the engine writes and rewrites while the statement is a draft;
# adjustments from disputes stay.
COMPUTED_KINDS = ("rule", "cap", "correction")


class IncentiveStatement(models.Model):
    _name = "incentive.statement"
    _description = "Incentive Statement"
    _inherit = ["performance.workflow.mixin"]
    _order = "date_from desc, user_id, plan_id, id"
    _check_company_auto = True

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    plan_id = fields.Many2one(
        "incentive.plan",
        required=True,
        index=True,
        readonly=True,
        check_company=True,
        ondelete="restrict",
    )
    assignment_id = fields.Many2one(
        "incentive.plan.assignment", string="Participation", readonly=True
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", required=True, index=True, readonly=True
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_team_id",
        store=True,
        index=True,
    )
    manager_id = fields.Many2one(
        "res.users", string="Team Leader", related="team_id.user_id", store=True
    )
    period_id = fields.Many2one(
        "performance.period",
        required=True,
        index=True,
        readonly=True,
        check_company=True,
    )
    date_from = fields.Date(related="period_id.date_start", store=True)
    date_to = fields.Date(related="period_id.date_end", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        STATES, default="draft", required=True, tracking=True, index=True, copy=False
    )
    frozen = fields.Boolean(compute="_compute_frozen", store=True)
    line_ids = fields.One2many(
        "incentive.statement.line", "statement_id", string="Lines", readonly=True
    )
    amount_earned = fields.Monetary(
        string="Earned", compute="_compute_amounts", store=True
    )
    amount_adjusted = fields.Monetary(
        string="Adjustments", compute="_compute_amounts", store=True
    )
    amount_total = fields.Monetary(
        string="Total", compute="_compute_amounts", store=True, tracking=True
    )
    target_incentive = fields.Monetary(
        compute="_compute_target_incentive",
        store=True,
        help="The participant's target incentive for the plan, shared equally "
        "among the plan's periods of this statement's kind (a twelfth of a "
        "year's plan for a monthly statement).",
    )
    computed_date = fields.Datetime(string="Computed On", readonly=True)
    refuse_reason = fields.Char(readonly=True, tracking=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    validated_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    validated_date = fields.Datetime(readonly=True, copy=False)
    paid_date = fields.Date(readonly=True, copy=False, tracking=True)
    dispute_ids = fields.One2many("incentive.dispute", "statement_id")
    dispute_count = fields.Integer(compute="_compute_dispute_count")

    _sql_constraints = [
        (
            "plan_user_period_unique",
            "UNIQUE(plan_id, user_id, period_id)",
            "A participant has one statement per plan and period.",
        ),
    ]

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("user_id")
    def _compute_team_id(self):
        for statement in self:
            statement.team_id = statement.team_id or statement.user_id.sale_team_id

    @api.depends("plan_id", "period_id", "user_id")
    def _compute_display_name(self):
        for statement in self:
            statement.display_name = " · ".join(
                filter(
                    None,
                    [
                        statement.user_id.name,
                        statement.plan_id.name,
                        statement.period_id.name,
                    ],
                )
            )

    @api.depends(
        "assignment_id.target_incentive",
        "period_id",
        "plan_id.date_start",
        "plan_id.date_end",
    )
    def _compute_target_incentive(self):
        """One count of periods per plan and kind of period."""
        counts = {}
        Period = self.env["performance.period"].sudo()
        for statement in self:
            plan, period = statement.plan_id, statement.period_id
            key = (plan.id, period.period_type, statement.company_id.id)
            if key not in counts and plan and period:
                counts[key] = Period.search_count(
                    [
                        ("company_id", "=", statement.company_id.id),
                        ("period_type", "=", period.period_type),
                        ("date_start", "<=", plan.date_end),
                        ("date_end", ">=", plan.date_start),
                    ]
                )
            amount = statement.assignment_id.target_incentive
            statement.target_incentive = statement.currency_id.round(
                amount / counts[key] if amount and counts.get(key) else 0.0
            )

    @api.depends("state")
    def _compute_frozen(self):
        for statement in self:
            statement.frozen = statement.state in FROZEN_STATES

    @api.depends("line_ids.amount", "line_ids.kind")
    def _compute_amounts(self):
        for statement in self:
            earned = sum(
                line.amount
                for line in statement.line_ids
                if line.kind in ("rule", "cap")
            )
            adjusted = sum(
                line.amount
                for line in statement.line_ids
                if line.kind in ("correction", "adjustment")
            )
            statement.amount_earned = earned
            statement.amount_adjusted = adjusted
            statement.amount_total = statement.currency_id.round(earned + adjusted)

    def _compute_dispute_count(self):
        counts = dict(
            self.env["incentive.dispute"]._read_group(
                [("statement_id", "in", self.ids)], ["statement_id"], ["__count"]
            )
        )
        for statement in self:
            statement.dispute_count = counts.get(statement, 0)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                _("Statements are generated from their plan, not typed in.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) - {"activity_ids", "message_ids"}:
            raise AccessError(
                _("Statements change through their buttons, not by hand.")
            )
        return super().write(vals)

    def unlink(self):
        if self.filtered(lambda statement: statement.state != "draft"):
            raise UserError(_("Only draft statements can be deleted."))
        return super().unlink()

    # ------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------

    def action_compute(self):
        """Recompute the draft statements among these, in batch: per plan and
        period, one query per rule and one for targets whatever the number of
        participants. Statements past draft keep their lines: later changes
        reach the participant's next draft statement as corrections."""
        self.check_access("read")
        # sudo: pay is derived from documents and plan terms, never typed in,
        # so whoever may read a statement may bring it up to date.
        statements = (
            self.sudo()
            .filtered(lambda statement: statement.state == "draft")
            ._lock()
            .filtered(lambda statement: statement.state == "draft")
        )
        groups = defaultdict(lambda: statements.browse())
        for statement in statements:
            groups[statement.plan_id, statement.period_id] |= statement
        Line = self.env["incentive.statement.line"].sudo()
        created = Line
        for (plan, period), batch in groups.items():
            plan._refresh_targets(period, batch.user_id)
            # Who left before the period earns nothing in it: their closing
            # statement only carries the clawbacks (corrections).
            closing = batch.filtered(
                lambda st, p=period: st.assignment_id._left_before(p)
            )
            earning = batch - closing
            payouts = plan._get_payouts(period, earning.user_id) if earning else {}
            corrections = batch._get_corrections()
            vals_list = []
            for statement in batch:
                for vals in payouts.get(statement.user_id.id, []) + corrections.get(
                    statement.id, []
                ):
                    vals_list.append({**vals, "statement_id": statement.id})
            # Lines computed as before are kept as they are, so that a refresh
            # that finds nothing new changes nothing.
            old_lines = batch.line_ids.filtered(
                lambda line: line.kind in COMPUTED_KINDS
            )
            kept, vals_list = old_lines._split_unchanged(vals_list)
            (old_lines - kept).with_context(incentive_engine=True).unlink()
            created |= Line.with_context(incentive_engine=True).create(vals_list)
        store_values(
            statements,
            "computed_date",
            dict.fromkeys(statements.ids, fields.Datetime.now()),
        )
        # New lines, then their statements' totals: one UPDATE each, not one
        # per hundred rows.
        flush_rows(created)
        flush_rows(statements)
        return True

    def _get_corrections(self):
        """Corrections of the frozen statements of these participants: each
        frozen statement is recomputed as of now (cumulative rules keep what
        they booked, their true-up catches up anyway) and the difference with
        what was booked for it lands in the participant's first draft
        statement after it. ``{statement_id: [line values]}``."""
        plan = self.plan_id
        self.flush_model()
        drafts = self.search(
            [
                ("plan_id", "=", plan.id),
                ("user_id", "in", self.user_id.ids),
                ("state", "=", "draft"),
            ],
            order="date_from, id",
        )
        by_user = defaultdict(list)
        for draft in drafts:
            by_user[draft.user_id.id].append(draft)
        frozen = self.search(
            [
                ("plan_id", "=", plan.id),
                ("user_id", "in", self.user_id.ids),
                ("state", "in", FROZEN_STATES),
            ]
        )
        # An older draft (a month nobody submitted) does not hold back the
        # corrections of the frozen months after it.
        landing = {
            statement.id: next(
                (
                    d
                    for d in by_user[statement.user_id.id]
                    if d.date_from > statement.date_to
                ),
                None,
            )
            for statement in frozen
        }
        frozen = frozen.filtered(lambda st: landing[st.id] in self)
        if not frozen:
            return {}
        booked = dict(
            self.env["incentive.statement.line"]._read_group(
                [
                    ("origin_statement_id", "in", frozen.ids),
                    ("kind", "=", "correction"),
                    ("statement_id", "not in", self.ids),
                ],
                ["origin_statement_id"],
                ["amount:sum"],
            )
        )
        named = defaultdict(set)
        for line in self.env["incentive.statement.line"].search(
            [
                ("origin_statement_id", "in", frozen.ids),
                ("kind", "=", "correction"),
                ("statement_id", "not in", self.ids),
            ]
        ):
            named[line.origin_statement_id.id].update(line.refund_move_ids.ids)
        refunds = frozen._get_late_refunds()
        corrections = defaultdict(list)
        by_period = defaultdict(lambda: frozen.browse())
        for statement in frozen:
            by_period[statement.period_id] |= statement
        currency = plan.currency_id
        for period, batch in by_period.items():
            keep = {
                (line.statement_id.user_id.id, line.rule_id.id): line.amount
                for line in batch.line_ids
                if line.kind == "rule" and line.rule_id.cumulative
            }
            payouts = plan._get_payouts(period, batch.user_id, keep=keep)
            for statement in batch:
                recomputed = sum(
                    vals["amount"] for vals in payouts[statement.user_id.id]
                )
                approved = statement.amount_earned
                already = booked.get(statement, 0.0)
                difference = currency.round(recomputed - approved - already)
                if currency.is_zero(difference):
                    continue
                draft = landing[statement.id]
                new_refunds = refunds[statement.id] - refunds[statement.id].filtered(
                    lambda move, st=statement: move.id in named[st.id]
                )
                explanation = " ".join(
                    [
                        _(
                            "%(statement)s now pays %(recomputed)s; %(approved)s "
                            "was approved and %(already)s already corrected.",
                            statement=statement.display_name,
                            recomputed=currency.format(recomputed),
                            approved=currency.format(approved),
                            already=currency.format(already),
                        ),
                        *statement._get_changed_sentences(
                            payouts[statement.user_id.id]
                        ),
                    ]
                )
                if new_refunds:
                    name = _(
                        "Credit note %(refunds)s (%(period)s): %(amount)s. "
                        "%(explanation)s",
                        refunds=", ".join(
                            _(
                                "%(refund)s of %(invoice)s",
                                refund=move.name,
                                invoice=move.reversed_entry_id.name,
                            )
                            for move in new_refunds
                        ),
                        period=period.display_name,
                        amount=currency.format(difference),
                        explanation=explanation,
                    )
                else:
                    name = _(
                        "Correction of %(statement)s (%(period)s): %(amount)s. "
                        "%(explanation)s",
                        statement=statement.display_name,
                        period=period.display_name,
                        amount=currency.format(difference),
                        explanation=explanation,
                    )
                corrections[draft.id].append(
                    {
                        "kind": "correction",
                        "sequence": 950,
                        "origin_statement_id": statement.id,
                        "base": recomputed,
                        "rate": 0.0,
                        "amount": difference,
                        "credit_date_from": period.date_start,
                        "credit_date_to": period.date_end,
                        "refund_move_ids": [Command.set(new_refunds.ids)],
                        "name": name,
                    }
                )
        return corrections

    def _get_changed_sentences(self, vals_list):
        """The explanations of the lines of ``vals_list`` (this frozen
        statement recomputed) whose amount differs from the frozen line of the
        same rule: why a correction takes a bonus or a tier back."""
        self.ensure_one()
        frozen = defaultdict(float)
        for line in self.line_ids.filtered(lambda line: line.kind in ("rule", "cap")):
            frozen[line.rule_id.id, line.kind] += line.amount
        return [
            vals["name"]
            for vals in vals_list
            if not self.currency_id.is_zero(
                vals["amount"] - frozen[vals.get("rule_id") or False, vals["kind"]]
            )
        ]

    def _get_late_refunds(self):
        """Per statement of these (frozen), the credit notes dated after its
        period that now count in it (the participant's own, their split share,
        or their team's for a team override): ``{statement_id: moves}``, one
        query."""
        refunds = defaultdict(lambda: self.env["account.move"])
        plan = self.plan_id
        if not self or (
            plan.clawback_convention != "invoice_period"
            and not any(self.assignment_id.mapped("left_date"))
        ):
            return refunds
        windows = plan._get_windows(self.period_id[:1], self.user_id)
        rows = [
            (
                statement.id,
                statement.user_id.id,
                statement.date_from,
                statement.date_to,
                windows[statement.user_id.id]["part_from"],
                windows[statement.user_id.id]["part_to"],
            )
            for statement in self
        ]
        ids, users, starts, ends, part_froms, part_tos = zip(*rows, strict=True)
        query = SQL(
            """
            SELECT DISTINCT window_.statement_id, credit.move_id
              FROM (%(credits)s) credit
              LEFT JOIN crm_team team ON team.id = credit.team_id
              JOIN unnest(
                       %(ids)s::int[], %(users)s::int[], %(starts)s::date[],
                       %(ends)s::date[], %(part_froms)s::date[], %(part_tos)s::date[]
                   ) AS window_(
                       statement_id, user_id, date_from, date_to, part_from, part_to
                   )
                ON window_.user_id = credit.user_id
                   OR (%(overrides)s AND window_.user_id = team.user_id)
             WHERE credit.company_id = %(company)s
               AND credit.is_refund
               AND credit.date > window_.date_to
               AND %(credit_date)s BETWEEN window_.date_from AND window_.date_to
            """,
            credits=self.env["incentive.credit"]._credit_query(plan.earn_on),
            ids=list(ids),
            users=list(users),
            starts=list(starts),
            ends=list(ends),
            part_froms=list(part_froms),
            part_tos=list(part_tos),
            company=plan.company_id.id,
            credit_date=plan._get_credit_date_sql(),
            overrides="team_override" in plan.rule_ids.mapped("kind"),
        )
        for statement_id, move_id in self.env.execute_query(query):
            refunds[statement_id] |= self.env["account.move"].browse(move_id)
        return refunds

    # ------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------

    def action_submit(self):
        """Send draft statements to their approver."""
        self._check_admin_or_leader()
        statements = self._check_state("draft")
        statements.action_compute()
        statements._move_to("to_approve")
        return True

    def action_approve(self):
        """The team leader (or an incentive administrator) approves: the
        statement is frozen and goes to the validators."""
        statements = self._check_state("to_approve")
        for statement in statements:
            statement._check_not_own()
            approver = statement._get_responsible_for_approval()
            if self.env.user != approver and not statement._is_incentive_admin():
                raise AccessError(
                    _(
                        "The statement %(statement)s waits on %(user)s.",
                        statement=statement.display_name,
                        user=approver.name,
                    )
                )
        statements.sudo().write(
            {"approved_by_id": self.env.uid, "approved_date": fields.Datetime.now()}
        )
        statements._move_to("approved")
        return True

    def action_validate(self):
        """Finance or HR validates approved statements for payroll."""
        statements = self._check_state("approved")
        for statement in statements:
            statement._check_not_own()
            statement._check_validator()
        statements.sudo().write(
            {"validated_by_id": self.env.uid, "validated_date": fields.Datetime.now()}
        )
        statements._move_to("validated")
        return True

    def action_pay(self):
        """Record that payroll paid the validated statements."""
        statements = self._check_state("validated")
        for statement in statements:
            statement._check_validator()
        statements.sudo().write({"paid_date": fields.Date.context_today(self)})
        statements._move_to("paid")
        return True

    def action_refuse(self, reason=None):
        """Back to draft, with a reason: from approval or validation."""
        if not reason:
            return self.env["incentive.reason"]._open_for(self, "refuse")
        statements = self._check_state("to_approve", "approved")
        for statement in statements:
            statement._check_not_own()
            if statement.state == "to_approve":
                approver = statement._get_responsible_for_approval()
                if self.env.user != approver and not statement._is_incentive_admin():
                    raise AccessError(
                        _(
                            "The statement %(statement)s waits on %(user)s.",
                            statement=statement.display_name,
                            user=approver.name,
                        )
                    )
            else:
                statement._check_validator()
        statements.sudo().write(
            {
                "refuse_reason": reason,
                "approved_by_id": False,
                "approved_date": False,
            }
        )
        statements._move_to("draft", note=_("Refused: %(reason)s", reason=reason))
        return True

    def action_open_credits(self):
        self.ensure_one()
        return self.line_ids[:1].action_open_credits()

    def action_open_disputes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_performance_incentive.action_incentive_dispute"
        )
        action["domain"] = [("statement_id", "=", self.id)]
        return action

    def _get_expected_payout(self):
        """What this statement pays at the end of its period if credits keep
        coming at the pace so far: the same engine, with the rest of the period
        as one hypothetical credit."""
        self.ensure_one()
        elapsed = self.period_id.elapsed_pct
        if self.state != "draft" or not 0 < elapsed < 100:
            return self.amount_total
        # sudo: the engine reads the credits and targets behind a statement the
        # user may read.
        plan = self.plan_id.sudo()
        plan._refresh_targets(self.period_id, self.user_id)
        windows = plan._get_windows(self.period_id, self.user_id)
        window = windows[self.user_id.id]
        credited = self.env.execute_query(
            SQL(
                """
                SELECT COALESCE(SUM(credit.amount), 0), COALESCE(SUM(credit.margin), 0)
                  FROM (%s) credit
                 WHERE credit.user_id = %s AND credit.company_id = %s
                   AND credit.date BETWEEN %s AND %s
                """,
                self.env["incentive.credit"]._credit_query(
                    plan.earn_on, user_ids=self.user_id.ids
                ),
                self.user_id.id,
                self.company_id.id,
                window["date_from"],
                window["date_to"],
            )
        )[0]
        factor = 100.0 / elapsed - 1.0
        extra = [
            {
                "user_id": self.user_id.id,
                "date": window["date_to"],
                "amount": float(credited[0]) * factor,
                "margin": float(credited[1]) * factor,
                "quantity": 0.0,
                "product_id": False,
            }
        ]
        lines = plan._get_payouts(self.period_id, self.user_id, extra=extra)
        adjustments = sum(
            line.amount
            for line in self.line_ids
            if line.kind in ("adjustment", "correction")
        )
        return sum(vals["amount"] for vals in lines[self.user_id.id]) + adjustments

    def _get_next_draft(self):
        """The statement an adjustment of this one lands in: itself while a
        draft, else the participant's next draft statement of the plan, made
        for the next period when there is none yet."""
        self.ensure_one()
        if self.state == "draft":
            return self
        draft = self.search(
            [
                ("plan_id", "=", self.plan_id.id),
                ("user_id", "=", self.user_id.id),
                ("state", "=", "draft"),
                ("date_from", ">", self.date_to),
            ],
            order="date_from, id",
            limit=1,
        )
        if draft:
            return draft
        period = self.env["performance.period"].search(
            [
                ("period_type", "=", self.period_id.period_type),
                ("company_id", "=", self.company_id.id),
                ("date_start", ">", self.date_to),
            ],
            order="date_start",
            limit=1,
        )
        if not period:
            raise UserError(
                _(
                    "There is no period after %(period)s to carry the adjustment "
                    "to: create the next periods first.",
                    period=self.period_id.display_name,
                )
            )
        # sudo: statements are only ever created by the system.
        draft = self.sudo().create(
            {
                "plan_id": self.plan_id.id,
                "assignment_id": self.assignment_id.id,
                "user_id": self.user_id.id,
                "period_id": period.id,
                "company_id": self.company_id.id,
            }
        )
        draft.action_compute()
        return draft.with_env(self.env)

    def _check_not_own(self):
        self.ensure_one()
        if self.user_id == self.env.user:
            raise AccessError(_("Nobody approves or refuses their own statement."))

    def _is_incentive_admin(self):
        return self.env.user.has_group(
            "sales_performance_incentive.group_incentive_admin"
        )

    def _check_admin_or_leader(self):
        for statement in self:
            if self._is_incentive_admin() or (
                self.env.user == statement._get_responsible_for_approval()
                and statement.user_id != self.env.user
            ):
                continue
            raise AccessError(
                _("Only incentive administrators and team leaders submit statements.")
            )

    def _check_validator(self):
        self.ensure_one()
        group = self.company_id._get_incentive_validator_group()
        if self.env.user not in group.users:
            raise AccessError(
                _(
                    "Only the %(group)s group validates statements.",
                    group=group.display_name,
                )
            )

    # ------------------------------------------------------------
    # Activities
    # ------------------------------------------------------------

    def _get_state_activities(self):
        return {
            "to_approve": (
                self.env.ref(
                    "sales_performance_incentive.mail_activity_statement_approve"
                ),
                "_get_responsible_for_approval",
            ),
            "approved": (
                self.env.ref(
                    "sales_performance_incentive.mail_activity_statement_validate"
                ),
                "_get_validator",
            ),
        }

    def _get_responsible_for_approval(self):
        """The approver of the workflow, else the validator."""
        return super()._get_responsible_for_approval() or self._get_validator()

    def _get_validator(self):
        self.ensure_one()
        company = self.company_id
        group = company._get_incentive_validator_group()
        return (
            company.incentive_validator_id
            or group.users.filtered(
                lambda user: company in user.company_ids and user != self.user_id
            ).sorted("id")[:1]
        )

    # ------------------------------------------------------------
    # Scheduled jobs
    # ------------------------------------------------------------

    @api.model
    def _cron_compute(self):
        """Make the statements of the current month for published plans and
        refresh the draft statements of open periods. A statement somebody is
        acting on at that moment is left for the next run."""
        self = self.with_context(performance_skip_locked=True)
        today = fields.Date.context_today(self)
        plans = self.env["incentive.plan"].search(
            [
                ("state", "=", "published"),
                ("date_start", "<=", today),
                ("date_end", ">=", today),
            ]
        )
        for plan in plans:
            period = self.env["performance.period"].search(
                [
                    ("company_id", "=", plan.company_id.id),
                    ("period_type", "=", "month"),
                    ("date_start", "<=", today),
                    ("date_end", ">=", today),
                ],
                limit=1,
            )
            if period:
                plan.generate_statements(period)
        drafts = self.search(
            [("state", "=", "draft"), ("period_id.state", "=", "open")]
        )
        drafts.action_compute()


class IncentiveStatementLine(models.Model):
    _name = "incentive.statement.line"
    _description = "Incentive Statement Line"
    _order = "statement_id, sequence, id"

    statement_id = fields.Many2one(
        "incentive.statement", required=True, index=True, ondelete="cascade"
    )
    user_id = fields.Many2one(related="statement_id.user_id", store=True)
    company_id = fields.Many2one(related="statement_id.company_id", store=True)
    currency_id = fields.Many2one(related="statement_id.currency_id")
    state = fields.Selection(related="statement_id.state")
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        [
            ("rule", "Rule"),
            ("cap", "Plan Cap"),
            ("correction", "Correction"),
            ("adjustment", "Adjustment"),
        ],
        required=True,
        default="rule",
    )
    rule_id = fields.Many2one("incentive.plan.rule", ondelete="restrict", index=True)
    name = fields.Char(string="Explanation", required=True)
    base = fields.Monetary()
    rate = fields.Float(digits=(16, 4))
    quantity = fields.Float()
    amount = fields.Monetary(required=True)
    credit_date_from = fields.Date(string="Credited From")
    credit_date_to = fields.Date(string="Credited To")
    origin_statement_id = fields.Many2one(
        "incentive.statement",
        string="Corrected Statement",
        index=True,
        ondelete="restrict",
    )
    dispute_id = fields.Many2one("incentive.dispute", ondelete="set null")
    refund_move_ids = fields.Many2many(
        "account.move",
        string="Credit Notes",
        readonly=True,
        help="The credit notes this correction claws back in the period of the "
        "invoices they reverse.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_editable()
        return lines

    def write(self, vals):
        self._check_editable()
        return super().write(vals)

    def unlink(self):
        self._check_editable()
        return super().unlink()

    def _split_unchanged(self, vals_list):
        """Return the lines of ``self`` that already hold one of
        ``vals_list`` exactly, and the values no line holds."""
        free = defaultdict(list)
        for line in self:
            free[line.statement_id.id].append(line)
        kept = self.browse()
        missing = []
        for vals in vals_list:
            candidates = free[vals["statement_id"]]
            line = next((line for line in candidates if line._holds(vals)), None)
            if line:
                candidates.remove(line)
                kept |= line
            else:
                missing.append(vals)
        return kept, missing

    def _holds(self, vals):
        self.ensure_one()
        for name, value in vals.items():
            field = self._fields[name]
            if self[name] != field.convert_to_record(
                field.convert_to_cache(value, self), self
            ):
                return False
        return True

    def _check_editable(self):
        """Lines are written by the engine and by dispute resolutions only,
        and never on a statement past draft."""
        if not self.env.su:
            raise AccessError(_("Statement lines are computed, not typed in."))
        frozen = self.statement_id.filtered(lambda st: st.state != "draft")
        if frozen:
            raise UserError(
                _(
                    "The statement %(statement)s is %(state)s: its lines cannot "
                    "change. Corrections go to the next draft statement.",
                    statement=frozen[0].display_name,
                    state=dict(
                        frozen._fields["state"]._description_selection(self.env)
                    )[frozen[0].state],
                )
            )

    def action_open_credits(self):
        """The credit rows behind this line; for a correction, those of the
        credit notes it claws back, or the statement it corrects."""
        self.ensure_one()
        statement = self.statement_id
        if self.kind == "correction" and not self.refund_move_ids:
            return self.origin_statement_id._get_records_action()
        domain = [
            ("company_id", "=", statement.company_id.id),
            ("basis", "=", statement.plan_id.earn_on),
        ]
        if self.kind == "correction":
            return {
                "type": "ir.actions.act_window",
                "name": _("Credits"),
                "res_model": "incentive.credit",
                "view_mode": "list,pivot",
                "domain": domain
                + [
                    ("move_id", "in", self.refund_move_ids.ids),
                    "|",
                    ("user_id", "=", statement.user_id.id),
                    ("team_id.user_id", "=", statement.user_id.id),
                ],
            }
        if self.credit_date_from:
            domain.append(("date", ">=", self.credit_date_from))
        if self.credit_date_to:
            domain.append(("date", "<=", self.credit_date_to))
        rule = self.rule_id
        if rule.kind == "team_override":
            domain.append(("team_id.user_id", "=", statement.user_id.id))
        else:
            domain.append(("user_id", "=", statement.user_id.id))
        if rule.product_ids:
            domain.append(("product_id", "in", rule.product_ids.ids))
        if rule.categ_ids:
            domain.append(("categ_id", "child_of", rule.categ_ids.ids))
        return {
            "type": "ir.actions.act_window",
            "name": _("Credits"),
            "res_model": "incentive.credit",
            "view_mode": "list,pivot",
            "domain": domain,
            "context": {"search_default_group_by_move": 0},
        }

    def action_dispute(self):
        """Open the dispute form for this line."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Dispute"),
            "res_model": "incentive.dispute",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id},
        }
