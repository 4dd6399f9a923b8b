from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero, float_round

from ..tools import pace

CHILD_LEVEL = {"company": "team", "team": "user"}

# Fields that define a target: frozen once its period is closed.
DEFINING_FIELDS = {
    "target_value",
    "period_id",
    "kpi_id",
    "owner_type",
    "team_id",
    "user_id",
    "parent_id",
    "company_id",
    "allocation_method",
    "allocation_weight",
    "actual",
}


class PerformanceTarget(models.Model):
    _name = "performance.target"
    _description = "Performance Target"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "period_id, kpi_id, owner_type, sequence, id"
    _parent_store = True
    _check_company_auto = True

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    # What and when
    period_id = fields.Many2one(
        "performance.period",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    kpi_id = fields.Many2one(
        "performance.kpi",
        string="KPI",
        required=True,
        index=True,
        tracking=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    kpi_unit = fields.Selection(related="kpi_id.unit", string="Unit")
    kpi_kind = fields.Selection(related="kpi_id.kind", string="KPI Kind")
    period_state = fields.Selection(related="period_id.state", string="Period State")
    sequence = fields.Integer(default=10)

    # Whose
    owner_type = fields.Selection(
        [("company", "Company"), ("team", "Sales Team"), ("user", "Salesperson")],
        string="Level",
        required=True,
        default="user",
        index=True,
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_team_id",
        recursive=True,
        store=True,
        # Computed before the insert, in one pass: computed after it, a
        # recursive field is computed record by record and each record's
        # constraints flush the next one, a recursion as deep as the batch.
        precompute=True,
        readonly=False,
        index=True,
        tracking=True,
        help="For a salesperson's target, the team it was allocated from.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    owner_name = fields.Char(string="Owner", compute="_compute_owner_name")

    # Tree
    parent_id = fields.Many2one(
        "performance.target",
        string="Parent Target",
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many(
        "performance.target", "parent_id", string="Allocated Targets"
    )
    child_count = fields.Integer(compute="_compute_child_count")
    allocation_method = fields.Selection(
        [
            ("equal", "Equal split"),
            ("weight", "Weights"),
            ("history", "Last year's share"),
            ("manual", "Manual"),
        ],
        default="equal",
        required=True,
        tracking=True,
        help="How Allocate splits this target between its children.",
    )
    allocation_weight = fields.Float(
        string="Weight",
        default=1.0,
        help="Share of this target when its parent allocates by weights.",
    )

    # Figures
    target_value = fields.Float(
        string="Target", required=True, default=0.0, tracking=True
    )
    children_total = fields.Float(
        string="Allocated", compute="_compute_children_total", store=True
    )
    allocation_gap = fields.Float(
        string="Unallocated", compute="_compute_children_total", store=True
    )
    is_inflated = fields.Boolean(
        string="Inflated",
        compute="_compute_children_total",
        store=True,
        help="The allocated targets add up to more than this target beyond the "
        "company's tolerance.",
    )
    actual = fields.Float(
        tracking=False,
        help="Computed from the KPI for the period; entered by hand for manual KPIs.",
    )
    actual_date = fields.Datetime(string="Actual Computed On", readonly=True)
    attainment = fields.Float(
        string="Attainment (%)",
        compute="_compute_attainment",
        store=True,
        digits=(16, 1),
        aggregator="avg",
    )
    elapsed_pct = fields.Float(
        string="Elapsed (%)",
        compute="_compute_pace",
        store=True,
        digits=(16, 1),
        aggregator="avg",
    )
    pace_status = fields.Selection(
        [
            ("not_started", "Not started"),
            ("behind", "Behind"),
            ("on_track", "On track"),
            ("ahead", "Ahead"),
        ],
        string="Pace",
        compute="_compute_pace",
        store=True,
        index=True,
    )

    pace_alerted = fields.Boolean(
        readonly=True,
        copy=False,
        help="The team leader was alerted that this salesperson is behind pace "
        "in this period.",
    )

    # Changes after the start of the period
    change_reason = fields.Char(
        string="Reason for Change",
        compute="_compute_change_reason",
        inverse="_inverse_change_reason",
        help="Required to change the target once its period has started.",
    )
    reason_required = fields.Boolean(compute="_compute_reason_required")

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("owner_type", "parent_id.team_id", "user_id")
    def _compute_team_id(self):
        for target in self:
            if target.owner_type == "company":
                target.team_id = False
            elif target.owner_type == "user" and target.parent_id.team_id:
                target.team_id = target.parent_id.team_id
            elif target.owner_type == "user" and not target.team_id:
                target.team_id = target.user_id.sale_team_id

    @api.depends("owner_type", "company_id", "team_id", "user_id")
    def _compute_owner_name(self):
        for target in self:
            owner = {
                "company": target.company_id,
                "team": target.team_id,
                "user": target.user_id,
            }[target.owner_type]
            target.owner_name = owner.display_name

    @api.depends("kpi_id", "owner_name", "period_id")
    def _compute_display_name(self):
        for target in self:
            target.display_name = " · ".join(
                part
                for part in (
                    target.kpi_id.display_name,
                    target.owner_name,
                    target.period_id.display_name,
                )
                if part
            )

    @api.depends("child_ids")
    def _compute_child_count(self):
        for target in self:
            target.child_count = len(target.child_ids)

    @api.depends(
        "target_value",
        "child_ids.target_value",
        "kpi_id.unit",
        "company_id.performance_inflation_tolerance",
    )
    def _compute_children_total(self):
        for target in self:
            # Float sums drift in the last bits: 0.1 + 0.2 != 0.3.
            total = float_round(
                sum(target.child_ids.mapped("target_value")), precision_digits=6
            )
            target.children_total = total
            if target.kpi_id.unit == "percent" or not target.child_ids:
                target.allocation_gap = 0.0
                target.is_inflated = False
                continue
            target.allocation_gap = float_round(
                target.target_value - total, precision_digits=6
            )
            tolerance = target.company_id.performance_inflation_tolerance / 100.0
            target.is_inflated = (
                float_compare(
                    total, target.target_value * (1.0 + tolerance), precision_digits=2
                )
                > 0
            )

    @api.depends("actual", "target_value", "kpi_id.direction")
    def _compute_attainment(self):
        higher_is_better = {}
        for target in self:
            kpi = target.kpi_id
            if kpi.id not in higher_is_better:
                higher_is_better[kpi.id] = kpi.direction != "lower"
            target.attainment = pace.attainment(
                target.actual,
                target._get_effective_target(),
                higher_is_better[kpi.id],
            )

    def _get_effective_target(self):
        """The value attainment is measured against: the target itself here;
        the HR link prorates it by the days the salesperson could work."""
        self.ensure_one()
        return self.target_value

    @api.depends(
        "attainment",
        "target_value",
        "period_id.date_start",
        "period_id.date_end",
        "kpi_id.kind",
        "kpi_id.aggregation",
        "kpi_id.direction",
        "company_id.performance_pace_margin",
    )
    def _compute_pace(self):
        today = fields.Date.context_today(self)
        # Thousands of targets share a few periods, KPIs and companies.
        elapsed, cumulative, margins = {}, {}, {}
        for target in self:
            period = target.period_id
            if not period:
                target.elapsed_pct = 0.0
                target.pace_status = False
                continue
            if period.id not in elapsed:
                elapsed[period.id] = pace.elapsed_share(
                    period.date_start, period.date_end, today
                )
            kpi = target.kpi_id
            if kpi.id not in cumulative:
                cumulative[kpi.id] = kpi._is_cumulative()
            company = target.company_id
            if company.id not in margins:
                margins[company.id] = company.performance_pace_margin
            target.elapsed_pct = elapsed[period.id]
            if target.currency_id.is_zero(target._get_effective_target()):
                # Nothing to reach (a week planned at 0): no pace to judge.
                target.pace_status = False
                continue
            target.pace_status = pace.pace_status(
                target.attainment,
                elapsed[period.id],
                margins[company.id],
                cumulative=cumulative[kpi.id],
            )

    def _compute_change_reason(self):
        self.change_reason = False

    def _inverse_change_reason(self):
        """The reason is consumed by :meth:`write`, which logs it."""

    @api.depends("period_id.date_start")
    def _compute_reason_required(self):
        today = fields.Date.context_today(self)
        for target in self:
            target.reason_required = bool(
                target._origin.id
                and target.period_id
                and target.period_id.date_start <= today
            )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("target_value")
    def _check_target_value(self):
        for target in self:
            if target.target_value < 0:
                raise ValidationError(
                    _(
                        "The target %(target)s cannot be negative.",
                        target=target.display_name,
                    )
                )

    @api.constrains("allocation_weight")
    def _check_allocation_weight(self):
        for target in self:
            if target.allocation_weight < 0:
                raise ValidationError(
                    _(
                        "The allocation weight of %(target)s cannot be negative.",
                        target=target.display_name,
                    )
                )

    @api.constrains("owner_type", "team_id", "user_id")
    def _check_owner(self):
        for target in self:
            if target.owner_type == "team" and not target.team_id:
                raise ValidationError(_("A sales team target needs a sales team."))
            if target.owner_type == "user" and not target.user_id:
                raise ValidationError(_("A salesperson target needs a salesperson."))
            if target.owner_type != "user" and target.user_id:
                raise ValidationError(
                    _("Only a salesperson target can name a salesperson.")
                )
            if target.owner_type == "company" and target.team_id:
                raise ValidationError(_("A company target belongs to no sales team."))

    @api.constrains("owner_type", "team_id", "user_id")
    def _check_team_member(self):
        for target in self.filtered(lambda t: t.owner_type == "user" and t.team_id):
            if target.user_id not in target.team_id.member_ids:
                raise ValidationError(
                    _(
                        "%(user)s is not a member of the sales team %(team)s.",
                        user=target.user_id.name,
                        team=target.team_id.name,
                    )
                )

    @api.constrains("company_id", "team_id", "period_id")
    def _check_company(self):
        for target in self:
            if (
                target.team_id.company_id
                and target.team_id.company_id != target.company_id
            ):
                raise ValidationError(
                    _(
                        "The target %(target)s belongs to %(company)s but its "
                        "sales team %(team)s belongs to %(team_company)s.",
                        target=target.display_name,
                        company=target.company_id.name,
                        team=target.team_id.name,
                        team_company=target.team_id.company_id.name,
                    )
                )
            if target.period_id.company_id != target.company_id:
                raise ValidationError(
                    _(
                        "The period %(period)s belongs to another company than the "
                        "target %(target)s.",
                        period=target.period_id.display_name,
                        target=target.display_name,
                    )
                )

    @api.constrains(
        "period_id", "kpi_id", "owner_type", "company_id", "team_id", "user_id"
    )
    def _check_unique_owner(self):
        # sudo: a duplicate may belong to someone the user cannot see.
        groups = self.sudo()._read_group(
            [
                ("period_id", "in", self.period_id.ids),
                ("kpi_id", "in", self.kpi_id.ids),
            ],
            ["period_id", "kpi_id", "owner_type", "company_id", "team_id", "user_id"],
            ["__count"],
            having=[("__count", ">", 1)],
        )
        for period, kpi, owner_type, company, team, user, _count in groups:
            owner = {"company": company, "team": team, "user": user}[owner_type]
            raise ValidationError(
                _(
                    "There is already a target for %(kpi)s of %(owner)s in %(period)s.",
                    kpi=kpi.display_name,
                    owner=owner.display_name,
                    period=period.display_name,
                )
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        period_ids = {vals.get("period_id") for vals in vals_list}
        closed = (
            self.env["performance.period"]
            .browse(period_ids)
            .filtered(lambda period: period.state == "closed")
        )
        if closed:
            raise UserError(
                _(
                    "The period %(period)s is closed: it takes no new targets.",
                    period=closed[0].display_name,
                )
            )
        for vals in vals_list:
            vals.pop("change_reason", None)
        return super().create(vals_list)

    def write(self, vals):
        # Refuse on rights before explaining business rules to someone who
        # could not change the target anyway.
        self.check_access("write")
        if "actual" in vals and not self.env.su:
            computed = self.filtered(lambda target: target.kpi_id.kind != "manual")
            if computed:
                raise UserError(
                    _(
                        "The actual of %(target)s is computed from documents: it "
                        "cannot be typed in.",
                        target=computed[0].display_name,
                    )
                )
        vals = dict(vals)
        reason = vals.pop("change_reason", None) or self.env.context.get(
            "performance_change_reason"
        )
        if DEFINING_FIELDS & set(vals):
            closed = self.filtered(lambda target: target.period_id.state == "closed")
            if closed:
                raise UserError(
                    _(
                        "The period %(period)s is closed: its targets cannot change.",
                        period=closed[0].period_id.display_name,
                    )
                )
        changed = self.browse()
        if "target_value" in vals:
            changed = self._get_started_changes(vals["target_value"])
            if changed and not reason:
                raise UserError(
                    _(
                        "The period of %(target)s has started: give a reason to change "
                        "its target.",
                        target=changed[0].display_name,
                    )
                )
        old_values = {target.id: target.target_value for target in changed}
        # Allocated targets edited in the same save share the reason.
        targets = (
            self.with_context(performance_change_reason=reason) if reason else self
        )
        result = super(PerformanceTarget, targets).write(vals)
        for target in changed:
            target.message_post(
                body=_(
                    "Target changed from %(old)s to %(new)s after the period "
                    "started. Reason: %(reason)s",
                    old=target._format_value(old_values[target.id]),
                    new=target._format_value(target.target_value),
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed_or_started(self):
        today = fields.Date.context_today(self)
        for target in self:
            if target.period_id.state == "closed":
                raise UserError(
                    _(
                        "The period %(period)s is closed: its targets cannot be "
                        "deleted.",
                        period=target.period_id.display_name,
                    )
                )
            if target.period_id.date_start <= today and not self.env.user.has_group(
                "sales_performance.group_performance_hr"
            ):
                raise UserError(
                    _(
                        "The period of %(target)s has started: only HR can delete it.",
                        target=target.display_name,
                    )
                )

    def _get_started_changes(self, new_value):
        """Targets whose value would change although their period has started.

        Setting a target for the first time (from zero) is not a change.
        """
        today = fields.Date.context_today(self)
        return self.filtered(
            lambda target: (
                target.period_id.date_start <= today
                and not float_is_zero(target.target_value, precision_digits=6)
                and float_compare(
                    target.target_value, new_value or 0.0, precision_digits=6
                )
            )
        )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_view_documents(self):
        self.ensure_one()
        return self.kpi_id._get_documents_action(
            self.period_id.date_start,
            self.period_id.date_end,
            self.owner_type,
            self._get_owner_id(),
            self.company_id,
        )

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _get_owner_id(self):
        self.ensure_one()
        owner_type = self.owner_type
        if owner_type == "user":
            return self.user_id.id
        if owner_type == "team":
            return self.team_id.id
        return self.company_id.id

    def _format_value(self, value):
        self.ensure_one()
        if self.kpi_id.unit == "amount":
            return self.currency_id.format(value)
        if self.kpi_id.unit == "percent":
            return f"{value:.2f} %"
        return f"{value:g}"
