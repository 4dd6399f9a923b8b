from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
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
    _inherit = [
        "performance.workflow.mixin",
        "incentive.statement.queue",
        "incentive.statement.correction",
    ]
    _description = "Incentive Statement"
    _check_company_auto = True
    _order = "date_from desc, user_id, plan_id, id"

    # Scope
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

    # ------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------

    def action_submit(self, note=None):
        """Send draft statements to their approver, recomputed first (those
        with nothing earned approve themselves if their plan says so);
        ``note`` is posted on each (the HR link: why a departed participant's
        statement was finalised)."""
        self._check_admin_or_leader()
        statements = self._check_state("draft")
        statements.action_compute()
        zero = statements._filter_nothing_earned()
        (statements - zero)._move_to("to_approve", note=note)
        if zero:
            zero.sudo().write({"approved_date": fields.Datetime.now()})
            auto_note = _("Approved automatically: nothing earned.")
            zero._move_to(
                "approved",
                note=Markup("<br/>").join([note, auto_note]) if note else auto_note,
            )
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
        """Back to draft, with a reason: from approval or validation, or a
        validated statement not paid yet (its accrual is reversed)."""
        if not reason:
            return self.env["incentive.reason"]._open_for(self, "refuse")
        statements = self._check_state("to_approve", "approved", "validated")
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
        statements._move_to("draft", note=_("Reason: %(reason)s", reason=reason))
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

    def action_open_estimator(self):
        """The estimator, for what one more deal adds to this statement."""
        self.ensure_one()
        return self.env["res.users"].action_open_estimator()

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
        # The targets are as fresh as the statement: My Performance refreshes
        # the draft statements (and their targets) when it opens; this is
        # read by a read-only request and writes nothing.
        plan = self.plan_id.sudo()
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

    def _check_not_own(self):
        self.ensure_one()
        if self.user_id == self.env.user:
            raise AccessError(_("Nobody approves or refuses their own statement."))

    def _is_incentive_admin(self):
        return self.env.user.has_group(
            "sales_performance_incentive.group_incentive_admin"
        )

    def _check_admin_or_leader(self):
        if self.env.su:
            return
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
        return self._get_validators()[:1]

    def _get_validators(self):
        """Who validates this statement: the members of the company's
        validator group but the salesperson, the company's validator first."""
        self.ensure_one()
        company = self.company_id
        group = company._get_incentive_validator_group()
        users = (
            group.sudo()
            .users.filtered(
                lambda user: company in user.company_ids and user != self.user_id
            )
            .sorted("id")
        )
        first = company.incentive_validator_id & users
        return first | (users - first)

    def _get_incentive_admins(self):
        """The incentive administrators of the company but the salesperson:
        who approves when the approver cannot."""
        self.ensure_one()
        group = self.env.ref("sales_performance_incentive.group_incentive_admin")
        return (
            group.sudo()
            .users.filtered(
                lambda user: (
                    self.company_id in user.company_ids and user != self.user_id
                )
            )
            .sorted("id")
        )

    def _get_state_access(self):
        """An approver without access hands over to the incentive
        administrators (who may approve any statement); the validators are
        the members of the validator group who read the statement."""
        return {
            "to_approve": (
                (
                    "sales_performance.group_performance_manager",
                    "sales_performance_incentive.group_incentive_admin",
                ),
                "_get_incentive_admins",
            ),
            "approved": ((), "_get_validators"),
        }

    def _get_step_messages(self):
        return {
            ("draft", "to_approve"): _("Submitted for approval"),
            ("to_approve", "approved"): _("Approved"),
            ("approved", "validated"): _("Validated"),
            ("validated", "paid"): _("Marked as paid"),
            ("to_approve", "draft"): _("Refused"),
            ("approved", "draft"): _("Refused"),
        }

    def _get_step_buttons(self):
        return {
            "to_approve": _("Approve or Refuse"),
            "approved": _("Validate or Refuse"),
        }.get(self.state) or super()._get_step_buttons()

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
