from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# What a participant writes on their own line: their acceptance, through
# action_accept.
ACCEPT_FIELDS = {"accepted_date", "accepted_by_id"}


class IncentivePlanAssignment(models.Model):
    """A participant of a plan: a salesperson, or a whole sales team whose
    members each get their own line when the plan is published and at every
    statement generation (so new members join)."""

    _name = "incentive.plan.assignment"
    _description = "Incentive Plan Participant"
    _inherit = ["mail.thread"]
    _order = "plan_id, team_id, user_id, id"

    plan_id = fields.Many2one(
        "incentive.plan", required=True, index=True, ondelete="cascade"
    )
    plan_state = fields.Selection(related="plan_id.state", string="Plan State")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", index=True, tracking=True
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True)
    date_start = fields.Date(
        string="From",
        help="First day credited to this participant; the plan's start when empty.",
    )
    date_end = fields.Date(
        string="To",
        help="Last day credited to this participant; the plan's end when empty.",
    )
    target_incentive = fields.Monetary(
        tracking=True, help="Pay expected at 100 % of target, for the plan's duration."
    )
    left_date = fields.Date(
        string="Left On",
        readonly=True,
        copy=False,
        tracking=True,
        help="The participant left the company on this day. A credit note dated "
        "after it, of an invoice credited before it and inside the plan's "
        "clawback window, is clawed back from the statement of the invoice's "
        "period, in a closing statement of the credit note's period.",
    )
    accepted_date = fields.Datetime(readonly=True, copy=False, tracking=True)
    accepted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    state = fields.Selection(
        [("team", "Team"), ("pending", "To Accept"), ("accepted", "Accepted")],
        compute="_compute_state",
        store=True,
    )

    _sql_constraints = [
        (
            "user_or_team",
            "CHECK(user_id IS NOT NULL OR team_id IS NOT NULL)",
            "A participant is a salesperson or a sales team.",
        ),
    ]

    @api.depends("user_id", "accepted_date")
    def _compute_state(self):
        for assignment in self:
            if not assignment.user_id:
                assignment.state = "team"
            else:
                assignment.state = "accepted" if assignment.accepted_date else "pending"

    @api.depends("user_id", "team_id", "plan_id")
    def _compute_display_name(self):
        for assignment in self:
            assignment.display_name = " · ".join(
                filter(
                    None,
                    [
                        assignment.plan_id.display_name,
                        (assignment.user_id or assignment.team_id).display_name,
                    ],
                )
            )

    @api.constrains("date_start", "date_end", "target_incentive")
    def _check_values(self):
        for assignment in self:
            if (
                assignment.date_start
                and assignment.date_end
                and assignment.date_end < assignment.date_start
            ):
                raise ValidationError(_("A participation cannot end before it starts."))
            if assignment.target_incentive < 0:
                raise ValidationError(_("A target incentive cannot be negative."))

    @api.constrains("user_id", "plan_id", "date_start", "date_end")
    def _check_overlap(self):
        for assignment in self.filtered("user_id"):
            others = assignment.plan_id.assignment_ids.filtered(
                lambda other, a=assignment: other != a and other.user_id == a.user_id
            )
            start = assignment.date_start or assignment.plan_id.date_start
            end = assignment.date_end or assignment.plan_id.date_end
            for other in others:
                if (other.date_start or other.plan_id.date_start) <= end and (
                    other.date_end or other.plan_id.date_end
                ) >= start:
                    raise ValidationError(
                        _(
                            "%(user)s takes part in %(plan)s twice over the same "
                            "dates.",
                            user=assignment.user_id.name,
                            plan=assignment.plan_id.display_name,
                        )
                    )

    @api.constrains("team_id", "plan_id")
    def _check_company(self):
        for assignment in self:
            team_company = assignment.team_id.company_id
            if team_company and team_company != assignment.plan_id.company_id:
                raise ValidationError(
                    _(
                        "The team %(team)s belongs to another company than the plan.",
                        team=assignment.team_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        assignments = super().create(vals_list)
        # Joining a plan already published: the same news and the same
        # request to accept as at publication.
        assignments.filtered(
            lambda a: a.user_id and a.plan_id.state == "published"
        )._notify_published()
        return assignments

    def write(self, vals):
        if not self.env.su and set(vals) & ACCEPT_FIELDS:
            raise AccessError(_("A participant accepts a plan with its button."))
        return super().write(vals)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_accept(self):
        """The participant accepts the published plan: recorded and tracked."""
        for assignment in self:
            if assignment.user_id != self.env.user:
                raise AccessError(
                    _(
                        "Only %(user)s can accept this plan.",
                        user=assignment.user_id.name,
                    )
                )
            if assignment.plan_id.state != "published":
                raise UserError(_("Only a published plan can be accepted."))
        pending = self.filtered(lambda assignment: not assignment.accepted_date)
        # sudo: the participant may not write the line; the check above says
        # they accept for themselves.
        pending.sudo().write(
            {"accepted_date": fields.Datetime.now(), "accepted_by_id": self.env.uid}
        )
        activity_type = self.env.ref(
            "sales_performance_incentive.mail_activity_plan_accept"
        )
        pending.plan_id.sudo().activity_ids.filtered(
            lambda activity: (
                activity.activity_type_id == activity_type
                and activity.user_id == self.env.user
            )
        ).action_feedback(feedback=_("Plan accepted."))
        for assignment in pending:
            assignment.plan_id.sudo().message_post(
                body=_("%(user)s accepted the plan.", user=self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _expand_teams(self):
        """One line per member of each team line that has none yet."""
        vals_list = []
        for team_line in self.filtered(lambda a: a.team_id and not a.user_id):
            plan = team_line.plan_id
            present = plan.assignment_ids.user_id
            for member in team_line.team_id.member_ids - present:
                vals_list.append(
                    {
                        "plan_id": plan.id,
                        "team_id": team_line.team_id.id,
                        "user_id": member.id,
                        "date_start": team_line.date_start,
                        "date_end": team_line.date_end,
                        "target_incentive": team_line.target_incentive,
                    }
                )
        return self.sudo().create(vals_list)

    def _active_in(self, period):
        """The salesperson lines taking part in ``period``."""
        return self.filtered(
            lambda a: (
                a.user_id
                and (a.date_start or a.plan_id.date_start) <= period.date_end
                and (a.date_end or a.plan_id.date_end) >= period.date_start
            )
        )

    def _left_before(self, period):
        """The salesperson lines that left the company before ``period``
        starts and may still owe clawbacks in it."""
        return self.filtered(
            lambda a: (
                a.user_id
                and a.left_date
                and a.left_date < period.date_start
                and (a.date_start or a.plan_id.date_start) <= a.left_date
            )
        )

    def end_participation(self, date):
        """The participant of these salesperson lines left on ``date``.

        Lines starting after the date without a statement are removed: they
        never credited anything. The
        others end that day and keep it as ``left_date``, so that a later
        credit note of an invoice credited before still claws back from the
        statement of the invoice's period (``incentive.plan
        ._get_credit_date_sql``). Returns the lines kept."""
        if not date:
            raise UserError(_("A participation ends on a date."))
        self.check_access("write")
        lines = self.filtered("user_id")
        started = {
            assignment.id
            for [assignment] in self.env["incentive.statement"]
            .sudo()
            ._read_group([("assignment_id", "in", lines.ids)], ["assignment_id"])
        }
        removed = lines.filtered(
            lambda a: (
                date < (a.date_start or a.plan_id.date_start) and a.id not in started
            )
        )
        for line in lines - removed:
            start = line.date_start or line.plan_id.date_start
            if date < (line.date_end or line.plan_id.date_end):
                line.write({"date_end": max(date, start), "left_date": date})
        removed.unlink()
        return lines - removed

    def _notify_published(self):
        """Tell each participant the plan is out, with an activity to accept it."""
        activity_type = self.env.ref(
            "sales_performance_incentive.mail_activity_plan_accept"
        )
        entries = []
        for plan in self.plan_id:
            users = self.filtered(lambda a, p=plan: a.plan_id == p).user_id
            plan.message_subscribe(partner_ids=users.partner_id.ids)
            plan.message_post(
                body=_(
                    "The plan %(plan)s is published. Read it and accept it.",
                    plan=plan.display_name,
                ),
                partner_ids=users.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
            entries += [
                {
                    "record": plan,
                    "activity_type": activity_type,
                    "user": user,
                    "summary": self.env._("Accept your incentive plan"),
                    # Only the participant accepts: one without access stops
                    # the publication. Their own-records rule shows them the
                    # plan once they have the group.
                    "groups": ("sales_performance.group_performance_user",),
                    "readable": user,
                }
                for user in users
            ]
        self.env["performance.workflow.mixin"]._schedule_activities(entries)
