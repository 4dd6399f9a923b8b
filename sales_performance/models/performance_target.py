from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero, float_round

from ..tools import allocation, pace
from .batch import flush_rows, store_values

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
        "parent_id", "kpi_id", "period_id", "owner_type", "team_id", "user_id"
    )
    def _check_parent(self):
        for target in self.filtered("parent_id"):
            parent = target.parent_id
            if (target.kpi_id, target.period_id) != (parent.kpi_id, parent.period_id):
                raise ValidationError(
                    _(
                        "The target %(target)s must have the same KPI and period as "
                        "its parent %(parent)s.",
                        target=target.display_name,
                        parent=parent.display_name,
                    )
                )
            if CHILD_LEVEL.get(parent.owner_type) != target.owner_type:
                raise ValidationError(
                    _(
                        "A company target is allocated to sales teams and a team "
                        "target to its salespeople: %(target)s cannot be a child of "
                        "%(parent)s.",
                        target=target.display_name,
                        parent=parent.display_name,
                    )
                )
        if self._has_cycle():
            raise ValidationError(_("A target cannot be its own ancestor."))

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

    def action_compute(self):
        """Refresh the actuals of these targets from their KPIs, in batch.

        One grouped query per source of KPIs, period and company, whatever
        the number of targets (the company, team and salesperson levels of a
        KPI share it); targets of closed periods and of manual KPIs keep
        their actual.
        """
        self.check_access("read")
        # sudo: an actual is derived from documents, never typed in, so whoever
        # may read a target may bring it up to date.
        open_targets = self.sudo().filtered(
            lambda target: target.period_id.state == "open"
        )
        # {(period, company): {kpi: {level: owner ids}}}
        requests = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
        keys = {}
        for target in open_targets:
            kpi = target.kpi_id
            if kpi.kind == "manual":
                continue
            level = target.owner_type
            owner = target._get_owner_id()
            group = (target.period_id, target.company_id)
            keys[target.id] = (group, level, kpi.id, owner)
            requests[group][kpi][level].add(owner)
        values = {}
        for (period, company), by_kpi in requests.items():
            # KPIs asked at the same levels are read together, so that a KPI
            # of company, team and salesperson targets reads its source once.
            batches = defaultdict(lambda: self.env["performance.kpi"])
            for kpi, owners_by_level in by_kpi.items():
                batches[frozenset(owners_by_level)] |= kpi
            for kpis in batches.values():
                owners_by_level = defaultdict(set)
                for kpi in kpis:
                    for level, owners in by_kpi[kpi].items():
                        owners_by_level[level] |= owners
                read = kpis._get_level_values(
                    period.date_start, period.date_end, owners_by_level, company
                )
                for level, by_kpi_values in read.items():
                    values.setdefault(((period, company), level), {}).update(
                        by_kpi_values
                    )
        actuals = {
            target_id: values[group, level][kpi_id][owner]
            for target_id, (group, level, kpi_id, owner) in keys.items()
        }
        targets = open_targets.browse(list(keys))
        store_values(targets, "actual", actuals)
        store_values(
            targets, "actual_date", dict.fromkeys(targets.ids, fields.Datetime.now())
        )
        # Elapsed share moves with the calendar, not with a field: manual
        # KPIs too.
        self.env.add_to_compute(self._fields["elapsed_pct"], open_targets)
        open_targets._refresh_derived_values()
        # One UPDATE for all targets, not one per hundred.
        flush_rows(open_targets)
        return True

    def _refresh_derived_values(self):
        """Hook of the refresh, on its open targets: their actuals are stored
        but not written yet. A module whose values are derived from other
        data (the HR link's proration) stores them here, so that they and
        what depends on them go in the refresh's one UPDATE: the KPI reads
        flush everything pending, a hundred rows per statement."""
        return True

    def action_allocate(self):
        """Allocate each target to its children by its allocation method.

        A target without children first gets one child per team of its
        company (company target) or per member of its team (team target).
        """
        for target in self:
            if target.owner_type not in CHILD_LEVEL:
                raise UserError(
                    _(
                        "%(target)s belongs to a salesperson: there is nothing "
                        "below it to allocate to.",
                        target=target.display_name,
                    )
                )
        self.filtered(lambda target: not target.child_ids)._create_children()
        shares = self._compute_allocation()
        # One write per distinct value: an equal split is a single write.
        by_value = defaultdict(lambda: self.browse())
        for child, value in shares.items():
            if float_compare(child.target_value, value, precision_digits=6):
                by_value[value] |= child
        for value, children in by_value.items():
            children.target_value = value
        return True

    def _set_allocation_method(self, method):
        """Team leaders choose how their team's target is split, though they
        may not change that target otherwise."""
        self.check_access("read")
        user = self.env.user
        if not user.has_group("sales_performance.group_performance_hr") and any(
            target.owner_type != "team" or target.team_id.user_id != user
            for target in self
        ):
            raise AccessError(
                _("Only HR or the leader of the team chooses how a target is split.")
            )
        # sudo: checked above; the leader may not write the team target itself.
        self.sudo().filtered(
            lambda target: target.allocation_method != method
        ).allocation_method = method

    def action_view_documents(self):
        self.ensure_one()
        return self.kpi_id._get_documents_action(
            self.period_id.date_start,
            self.period_id.date_end,
            self.owner_type,
            self._get_owner_id(),
            self.company_id,
        )

    def action_view_children(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Allocated targets of %(target)s", target=self.display_name),
            "res_model": "performance.target",
            "view_mode": "list,kanban,form",
            "domain": [("parent_id", "=", self.id)],
            "context": {
                "default_parent_id": self.id,
                "default_kpi_id": self.kpi_id.id,
                "default_period_id": self.period_id.id,
                "default_company_id": self.company_id.id,
                "default_owner_type": CHILD_LEVEL.get(self.owner_type, "user"),
                "default_team_id": self.team_id.id,
            },
        }

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

    def _get_allocation_precision(self):
        self.ensure_one()
        if self.kpi_id.unit == "amount":
            return self.currency_id.rounding
        if float_is_zero(self.target_value % 1, precision_digits=6):
            return 1
        return 0.01

    def _prepare_child_vals(self, owner):
        self.ensure_one()
        return {
            "parent_id": self.id,
            "period_id": self.period_id.id,
            "kpi_id": self.kpi_id.id,
            "company_id": self.company_id.id,
            "owner_type": CHILD_LEVEL[self.owner_type],
            "team_id": owner.id if self.owner_type == "company" else self.team_id.id,
            "user_id": owner.id if self.owner_type == "team" else False,
            "allocation_method": self.allocation_method,
        }

    def _create_children(self):
        vals_list = []
        teams_by_company = {}
        for target in self:
            if target.owner_type == "company":
                company = target.company_id
                if company not in teams_by_company:
                    teams_by_company[company] = self.env["crm.team"].search(
                        [
                            ("company_id", "in", [company.id, False]),
                            (
                                "crm_team_member_ids.user_id.company_ids",
                                "in",
                                company.ids,
                            ),
                        ]
                    )
                owners = teams_by_company[company]
            else:
                owners = target.team_id.member_ids
            vals_list += [target._prepare_child_vals(owner) for owner in owners]
        return self.create(vals_list)

    def _compute_allocation(self):
        """New target value of every child of these targets, as a dict."""
        history = self.filtered(
            lambda target: target.allocation_method == "history"
        )._get_history_weights()
        shares = {}
        for target in self:
            children = target.child_ids.sorted(lambda child: (child.sequence, child.id))
            if not children or target.allocation_method == "manual":
                continue
            if target.kpi_id.unit == "percent":
                shares.update(dict.fromkeys(children, target.target_value))
                continue
            if target.allocation_method == "equal":
                weights = [1.0] * len(children)
            elif target.allocation_method == "weight":
                weights = children.mapped("allocation_weight")
            else:
                weights = [history[child] for child in children]
            try:
                amounts = allocation.allocate(
                    target.target_value, weights, target._get_allocation_precision()
                )
            except allocation.AllocationError as error:
                raise UserError(
                    target._get_allocation_error_message(target.allocation_method)
                ) from error
            shares.update(zip(children, amounts, strict=True))
        return shares

    def _get_allocation_error_message(self, method):
        if method == "history":
            return _(
                "The children of %(target)s had no actuals last year: allocate them "
                "by another method.",
                target=self.display_name,
            )
        return _(
            "The allocation weights of the children of %(target)s must be zero or "
            "more, and at least one must be positive.",
            target=self.display_name,
        )

    def _get_history_weights(self):
        """Last year's actual of every child, one grouped query per KPI and level."""
        weights = {}
        groups = defaultdict(lambda: self.browse())
        for child in self.child_ids:
            groups[
                (child.kpi_id, child.period_id, child.owner_type, child.company_id)
            ] |= child
        for (kpi, period, level, company), children in groups.items():
            date_from, date_to = period._get_previous_year_dates()
            values = kpi._get_values(
                date_from,
                date_to,
                level,
                {c._get_owner_id() for c in children},
                company,
            )[kpi.id]
            for child in children:
                weights[child] = max(values[child._get_owner_id()], 0.0)
        return weights

    @api.model
    def _cron_compute_actuals(self):
        """Scheduled job: refresh the actuals of every target of an open period."""
        self.search([("period_id.state", "=", "open")]).action_compute()

    # ------------------------------------------------------------
    # Alerts and digests
    # ------------------------------------------------------------

    def _get_current_domain(self):
        today = fields.Date.context_today(self)
        return [
            ("owner_type", "=", "user"),
            ("period_id.state", "=", "open"),
            ("period_id.date_start", "<=", today),
            ("period_id.date_end", ">=", today),
        ]

    @api.model
    def _cron_pace_alerts(self):
        """Scheduled job: alert team leaders of their reps behind pace."""
        targets = self.search(self._get_current_domain())
        targets.action_compute()
        targets.filtered(lambda target: target.pace_status == "behind")._alert_pace()

    def _alert_pace(self):
        """One activity for the team leader per salesperson and period, never
        twice, and a notice to the salesperson. Batch: one search, one create."""
        alerted = self.search(
            [
                ("pace_alerted", "=", True),
                ("user_id", "in", self.user_id.ids),
                ("period_id", "in", self.period_id.ids),
            ]
        )
        done = {(target.user_id, target.period_id) for target in alerted}
        to_alert = defaultdict(lambda: self.browse())
        for target in self:
            if (target.user_id, target.period_id) not in done:
                to_alert[(target.user_id, target.period_id)] |= target
        activity_type = self.env.ref("sales_performance.mail_activity_type_pace_alert")
        entries = []
        for (user, period), targets in to_alert.items():
            kpis = ", ".join(targets.kpi_id.mapped("name"))
            entries.append(
                {
                    "record": targets[0],
                    "activity_type": activity_type,
                    "user": targets.team_id.user_id[:1],
                    "summary": _(
                        "%(user)s is behind pace in %(period)s",
                        user=user.name,
                        period=period.name,
                    ),
                    "note": _("Behind pace on: %(kpis)s", kpis=kpis),
                }
            )
            targets[0].message_post(
                body=_(
                    "You are behind pace in %(period)s on: %(kpis)s.",
                    period=period.name,
                    kpis=kpis,
                ),
                partner_ids=user.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        self.env["performance.workflow.mixin"]._schedule_activities(entries)
        for targets in to_alert.values():
            targets.pace_alerted = True

    @api.model
    def _cron_weekly_digest(self):
        """Scheduled job: each salesperson's week, and each leader's team's,
        once a week whatever how often the job runs."""
        today = fields.Date.context_today(self)
        week_start = today - timedelta(days=today.weekday())
        targets = self.search(self._get_current_domain())
        targets.action_compute()
        by_user = defaultdict(lambda: self.browse())
        for target in targets:
            by_user[target.user_id] |= target
            if target.team_id.user_id:
                by_user[target.team_id.user_id] |= target
        template = self.env.ref("sales_performance.mail_template_weekly_digest")
        sent = self.env["res.users"]
        for user, user_targets in by_user.items():
            if (
                user.performance_digest_date
                and user.performance_digest_date >= week_start
            ):
                continue
            sections = user_targets.with_context(lang=user.lang)._get_digest_sections(
                user
            )
            template.with_context(
                digest_sections=sections, digest_week=week_start.isoformat()
            ).send_mail(user.id)
            sent |= user
        sent.sudo().performance_digest_date = today

    def _get_digest_sections(self, user):
        """What the digest of ``user`` shows: their own targets, then one
        section per team they lead."""
        pace_labels = dict(self._fields["pace_status"]._description_selection(self.env))
        sections = []
        groups = [(_("Your targets"), self.filtered(lambda t: t.user_id == user))]
        for team in self.team_id.filtered(lambda team: team.user_id == user):
            groups.append(
                (
                    _("Team %(team)s", team=team.name),
                    self.filtered(lambda t, team=team: t.team_id == team),
                )
            )
        for index, (title, targets) in enumerate(groups):
            if not targets:
                continue
            lines = [
                {
                    "kpi": target.kpi_id.name
                    if not index
                    else f"{target.owner_name} · {target.kpi_id.name}",
                    "period": target.period_id.name,
                    "actual": target._format_value(target.actual),
                    "target": target._format_value(target.target_value),
                    "attainment": f"{target.attainment:.1f} %",
                    "pace": pace_labels.get(target.pace_status, ""),
                    "behind": target.pace_status == "behind",
                }
                for target in targets.sorted(lambda t: (t.user_id.name or "", t.id))
            ]
            sections.append({"title": title, "lines": lines})
        return sections
