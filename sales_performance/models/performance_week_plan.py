from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

EDITABLE_STATES = ("draft", "sent_back")
# What a salesperson or leader writes: the planned values, through the lines.
# Everything else follows the steps and the jobs.
PLAN_WRITABLE = {"line_ids"}
LINE_WRITABLE = {"planned_value", "sequence"}


def check_writable(records, vals, writable):
    """Refuse a write of other fields than ``writable`` by anyone but HR and
    the system: states, dates and results move only through the steps."""
    env = records.env
    if env.su or env.user.has_group("sales_performance.group_performance_hr"):
        return
    refused = set(vals) - writable
    if refused:
        raise AccessError(
            _(
                "%(fields)s of %(record)s change only through the plan's steps.",
                fields=", ".join(sorted(refused)),
                record=records[:1].display_name,
            )
        )


class PerformanceWeekPlan(models.Model):
    """A salesperson's week: on its first days the plan (a planned value per
    process KPI of their team), submitted by a deadline; from the team's
    report day the report, plan against actual
    (``performance_week_report.py``). A submitted plan becomes the
    salesperson's targets of the week, so actuals, pace, alerts and the
    digest read it as any target. The team leader sends a plan back with a
    comment; the chatter of the week is where leader and salesperson talk
    about the gaps."""

    _name = "performance.week.plan"
    _description = "Week Plan"
    _inherit = ["performance.workflow.mixin"]
    _order = "date_start desc, user_id, id"
    _check_company_auto = True
    # Leader and salesperson talk on the week without writing it.
    _mail_post_access = "read"

    # Whose and when
    period_id = fields.Many2one(
        "performance.period",
        string="Week",
        required=True,
        index=True,
        readonly=True,
        domain="[('period_type', '=', 'week')]",
        check_company=True,
    )
    date_start = fields.Date(related="period_id.date_start", store=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", required=True, index=True, readonly=True
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    manager_id = fields.Many2one(
        "res.users",
        string="Team Leader",
        related="team_id.user_id",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [("draft", "To Plan"), ("submitted", "Submitted"), ("sent_back", "Sent Back")],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        copy=False,
        tracking=True,
    )
    deadline = fields.Datetime(
        string="Plan Due",
        readonly=True,
        help="Submit the plan by then; afterwards a reminder waits in your "
        "activities until you do.",
    )
    submitted_date = fields.Datetime(string="Submitted On", readonly=True, copy=False)
    line_ids = fields.One2many("performance.week.plan.line", "plan_id", string="Plan")
    can_edit = fields.Boolean(compute="_compute_can_edit")

    _sql_constraints = [
        (
            "user_period_unique",
            "unique(user_id, period_id)",
            "A salesperson has one plan per week.",
        )
    ]

    @api.depends("user_id", "period_id")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = " · ".join(
                part for part in (plan.user_id.name, plan.period_id.name) if part
            )

    @api.depends("state", "user_id")
    @api.depends_context("uid")
    def _compute_can_edit(self):
        user = self.env.user
        for plan in self:
            plan.can_edit = plan.state in EDITABLE_STATES and plan.user_id == user

    def write(self, vals):
        check_writable(self, vals, PLAN_WRITABLE)
        return super().write(vals)

    # ------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------

    def _get_plan_user(self):
        self.ensure_one()
        return self.user_id

    def _get_state_activities(self):
        """A plan waits on its salesperson while it is to plan (once its
        deadline has passed: the reminder job starts the wait) and when it
        was sent back."""
        activity_type = self.env.ref("sales_performance.mail_activity_type_week_plan")
        return {
            "draft": (activity_type, "_get_plan_user"),
            "sent_back": (activity_type, "_get_plan_user"),
        }

    def _get_state_access(self):
        user_level = ("sales_performance.group_performance_user",)
        return {"draft": (user_level, None), "sent_back": (user_level, None)}

    def _get_step_messages(self):
        return {
            ("draft", "submitted"): _("Plan submitted"),
            ("sent_back", "submitted"): _("Plan submitted again"),
            ("submitted", "sent_back"): _("Plan sent back"),
        }

    def _get_step_buttons(self):
        return _("Submit")

    def action_submit(self):
        """The salesperson submits the plan: it becomes their targets of the
        week."""
        for plan in self:
            if plan.user_id != self.env.user and not self.env.user.has_group(
                "sales_performance.group_performance_hr"
            ):
                raise AccessError(
                    _(
                        "Only %(user)s submits the plan %(plan)s.",
                        user=plan.user_id.name,
                        plan=plan.display_name,
                    )
                )
        plans = self._check_state(*EDITABLE_STATES)
        if plans.period_id.filtered(lambda period: period.state == "closed"):
            raise UserError(_("The week is closed: its plan cannot change."))
        plans._apply_targets()
        # sudo: the submission date follows the state.
        plans.sudo().submitted_date = fields.Datetime.now()
        for state in EDITABLE_STATES:
            plans.filtered(lambda plan, s=state: plan.state == s)._move_to("submitted")
        return True

    def action_send_back(self, comment=None):
        """The team leader (or HR) sends a submitted plan back, with a
        comment."""
        if not comment:
            return {
                "type": "ir.actions.act_window",
                "name": _("Send the Plan Back"),
                "res_model": "performance.week.plan.send.back",
                "view_mode": "form",
                "target": "new",
                "context": {"default_plan_ids": self.ids},
            }
        is_hr = self.env.user.has_group("sales_performance.group_performance_hr")
        for plan in self:
            if not is_hr and (
                plan.manager_id != self.env.user or plan.user_id == self.env.user
            ):
                raise AccessError(
                    _(
                        "Only the leader of %(team)s or HR sends the plan %(plan)s "
                        "back.",
                        team=plan.team_id.name or "",
                        plan=plan.display_name,
                    )
                )
        self._check_state("submitted")._move_to("sent_back", note=comment)
        return True

    # ------------------------------------------------------------
    # The plan as targets
    # ------------------------------------------------------------

    def _apply_targets(self):
        """Write the planned values as the salespeople's targets of their
        weeks: one search for the existing targets, one create for the
        missing ones, one write per changed value."""
        lines = self.line_ids
        # sudo: the plan is how a salesperson sets their own week's targets,
        # which they may not write otherwise; the plan's access was checked.
        Target = self.env["performance.target"].sudo()
        existing = Target.search(
            [
                ("owner_type", "=", "user"),
                ("period_id", "in", self.period_id.ids),
                ("user_id", "in", self.user_id.ids),
                ("kpi_id", "in", lines.kpi_id.ids),
            ]
        )
        by_key = {
            (target.period_id.id, target.user_id.id, target.kpi_id.id): target
            for target in existing
        }
        to_create, to_write = [], defaultdict(lambda: Target)
        for line in lines:
            plan = line.plan_id
            target = by_key.get((plan.period_id.id, plan.user_id.id, line.kpi_id.id))
            if not target:
                to_create.append(line)
            elif target.target_value != line.planned_value:
                to_write[line.planned_value] |= target
            if target:
                line.sudo().target_id = target
        targets = Target.create([line._prepare_target_vals() for line in to_create])
        for line, target in zip(to_create, targets, strict=True):
            # sudo: the link follows the submission, never typed in.
            line.sudo().target_id = target
        reason = _("Week plan submitted by %(user)s", user=self.env.user.name)
        for value, changed in to_write.items():
            changed.with_context(performance_change_reason=reason).target_value = value

    # ------------------------------------------------------------
    # The Monday job
    # ------------------------------------------------------------

    @api.model
    def _cron_week_plans(self):
        """Scheduled job: open this week's plan of every member of a team
        with week plan KPIs, and remind those whose deadline has passed."""
        today = fields.Date.context_today(self)
        teams = self.env["crm.team"].search([("performance_plan_kpi_ids", "!=", False)])
        default = self.env.company
        for company in teams.company_id | default:
            # A team without a company plans in the default one.
            company_teams = teams.filtered(
                lambda team, c=company: (team.company_id or default) == c
            )
            if company_teams:
                week = self.env["performance.period"]._get_week(today, company)
                self.with_company(company)._open_plans(week, company_teams)
        self._remind()

    @api.model
    def _open_plans(self, week, teams):
        """Create the missing plans of ``week`` for the members of ``teams``
        who have the User level, each with its team's KPIs and last week's
        actuals. Batch: one search, one KPI read per team, one create."""
        level = self.env.ref("sales_performance.group_performance_user")
        existing = self.search([("period_id", "=", week.id)])
        planned = set(existing.user_id.ids)
        vals_list = []
        # Last week's dates, whether or not it was a period.
        last_start = week.date_start - timedelta(days=7)
        last_end = week.date_start - timedelta(days=1)
        for team in teams:
            members = team.member_ids.filtered(
                lambda user: (
                    user.active
                    and level in user.groups_id
                    and user.id not in planned
                    and week.company_id in user.company_ids
                )
            )
            if not members:
                continue
            planned.update(members.ids)
            kpis = team.performance_plan_kpi_ids
            last_week = kpis._get_values(
                last_start, last_end, "user", set(members.ids), week.company_id
            )
            for user in members:
                vals_list.append(
                    {
                        "period_id": week.id,
                        "user_id": user.id,
                        "team_id": team.id,
                        "company_id": week.company_id.id,
                        "deadline": team._get_plan_deadline(week, user),
                        "line_ids": [
                            (
                                0,
                                0,
                                {
                                    "kpi_id": kpi.id,
                                    "previous_actual": last_week.get(kpi.id, {}).get(
                                        user.id, 0.0
                                    ),
                                },
                            )
                            for kpi in kpis
                        ],
                    }
                )
        return self.create(vals_list)

    @api.model
    def _remind(self):
        """Plans still to plan after their deadline start waiting on their
        salesperson: the reminder activity (once: a plan already waiting
        keeps its activity)."""
        level = self.env.ref("sales_performance.group_performance_user")
        late = self.search(
            [
                ("state", "=", "draft"),
                ("deadline", "<=", fields.Datetime.now()),
                ("period_id.state", "=", "open"),
                ("user_id.groups_id", "in", level.ids),
            ]
        )
        late.with_context(performance_skip_locked=True)._lock()._activity_update()


class PerformanceWeekPlanLine(models.Model):
    _name = "performance.week.plan.line"
    _description = "Week Plan Line"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one(
        "performance.week.plan",
        string="Week Plan",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    kpi_id = fields.Many2one("performance.kpi", string="KPI", required=True)
    kpi_unit = fields.Selection(related="kpi_id.unit", string="Unit")
    user_id = fields.Many2one(related="plan_id.user_id", store=True, index=True)
    team_id = fields.Many2one(related="plan_id.team_id", store=True)
    period_id = fields.Many2one(related="plan_id.period_id", store=True, index=True)
    state = fields.Selection(related="plan_id.state", string="Plan State")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    # Values of different KPIs: never added up in a group.
    previous_actual = fields.Float(
        string="Last Week",
        readonly=True,
        aggregator=False,
        help="The actual of the week before.",
    )
    planned_value = fields.Float(string="Plan", aggregator=False)
    target_id = fields.Many2one("performance.target", readonly=True, index=True)

    _sql_constraints = [
        (
            "plan_kpi_unique",
            "unique(plan_id, kpi_id)",
            "A plan names each KPI once.",
        )
    ]

    @api.constrains("planned_value")
    def _check_planned_value(self):
        for line in self:
            if line.planned_value < 0:
                raise ValidationError(
                    _(
                        "The plan of %(kpi)s cannot be negative.",
                        kpi=line.kpi_id.name,
                    )
                )

    def write(self, vals):
        check_writable(self, vals, LINE_WRITABLE)
        if "planned_value" in vals and not self.env.su:
            is_hr = self.env.user.has_group("sales_performance.group_performance_hr")
            for line in self:
                if line.plan_id.state not in EDITABLE_STATES:
                    raise UserError(
                        _(
                            "The plan %(plan)s is submitted: ask your team leader "
                            "to send it back to change it.",
                            plan=line.plan_id.display_name,
                        )
                    )
                if line.plan_id.user_id != self.env.user and not is_hr:
                    raise AccessError(
                        _(
                            "Only %(user)s plans their week.",
                            user=line.plan_id.user_id.name,
                        )
                    )
        return super().write(vals)

    def _prepare_target_vals(self):
        self.ensure_one()
        plan = self.plan_id
        return {
            "period_id": plan.period_id.id,
            "kpi_id": self.kpi_id.id,
            "company_id": plan.company_id.id,
            "owner_type": "user",
            "user_id": plan.user_id.id,
            "team_id": plan.team_id.id,
            "allocation_method": "manual",
            "target_value": self.planned_value,
        }
