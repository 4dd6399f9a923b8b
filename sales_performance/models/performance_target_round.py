from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

OPEN_STATES = ("proposed", "countered")


class PerformanceTargetRound(models.Model):
    """A round of agreement on the salesperson targets of one team for one
    coming period. Opening it splits each team target between the members by
    its allocation method, as *Allocate* does, but into proposals: the
    targets keep their value until each proposal is settled. The round is
    agreed when every proposal is, or when the leader (or HR) closes it."""

    _name = "performance.target.round"
    _description = "Target Agreement Round"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "period_id desc, team_id, id"
    _check_company_auto = True

    period_id = fields.Many2one(
        "performance.period",
        required=True,
        index=True,
        check_company=True,
        domain="[('state', '=', 'open')]",
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    leader_id = fields.Many2one(related="team_id.user_id", string="Team Leader")
    deadline = fields.Date(
        required=True,
        tracking=True,
        help="Once this day is over, HR may decide the targets still open.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("open", "Negotiating"), ("agreed", "Agreed")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    proposal_ids = fields.One2many(
        "performance.target.proposal", "round_id", string="Proposals"
    )
    open_count = fields.Integer(string="To Agree", compute="_compute_figures")
    is_inflated = fields.Boolean(string="Inflated", compute="_compute_figures")
    summary = fields.Html(compute="_compute_figures", sanitize=False)

    _sql_constraints = [
        (
            "team_period_unique",
            "unique(period_id, team_id)",
            "A team has one round of agreement per period.",
        )
    ]

    @api.depends("team_id", "period_id")
    def _compute_display_name(self):
        for rnd in self:
            rnd.display_name = _(
                "Targets of %(team)s for %(period)s",
                team=rnd.team_id.name or "",
                period=rnd.period_id.display_name or "",
            )

    @api.depends(
        "proposal_ids.state",
        "proposal_ids.current_value",
        "company_id.performance_inflation_tolerance",
    )
    def _compute_figures(self):
        for rnd in self:
            proposals = rnd.proposal_ids
            rnd.open_count = len(proposals.filtered(lambda p: p.state in OPEN_STATES))
            on_table = defaultdict(float)
            for proposal in proposals:
                on_table[proposal.parent_target_id] += proposal.current_value
            tolerance = rnd.company_id.performance_inflation_tolerance / 100.0
            rows, inflated = [], False
            for parent, total in on_table.items():
                over = parent.kpi_unit != "percent" and (
                    float_compare(
                        total,
                        parent.target_value * (1.0 + tolerance),
                        precision_digits=2,
                    )
                    > 0
                )
                inflated = inflated or over
                rows.append(
                    Markup(
                        "<tr%s><td>%s</td><td class='text-end'>%s</td>"
                        "<td class='text-end'>%s</td></tr>"
                    )
                    % (
                        Markup(" class='text-danger'") if over else "",
                        parent.kpi_id.name,
                        parent._format_value(parent.target_value),
                        parent._format_value(total),
                    )
                )
            rnd.is_inflated = inflated
            rnd.summary = rows and Markup(
                "<table class='table table-sm'><thead><tr><th>%s</th>"
                "<th class='text-end'>%s</th><th class='text-end'>%s</th></tr>"
                "</thead><tbody>%s</tbody></table>"
            ) % (_("KPI"), _("Team Target"), _("Proposed"), Markup().join(rows))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if any(rnd.state != "draft" for rnd in self):
            raise UserError(_("Only a draft round can be deleted."))

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_propose(self):
        """Split each team target of the period between the members into
        proposals, exact to the currency's rounding, and put each in its
        salesperson's queue."""
        today = fields.Date.context_today(self)
        for rnd in self:
            rnd._check_leader()
            if rnd.state != "draft":
                raise UserError(
                    _("%(round)s is already proposed.", round=rnd.display_name)
                )
            period = rnd.period_id
            if period.state != "open" or period.date_start <= today:
                raise UserError(
                    _(
                        "Targets are proposed for a coming period: %(period)s has "
                        "started or is closed.",
                        period=period.display_name,
                    )
                )
            if rnd.deadline < today:
                raise UserError(_("The deadline of a round cannot be in the past."))
        Proposal = self.env["performance.target.proposal"]
        for rnd in self:
            team_targets = self.env["performance.target"].search(
                [
                    ("period_id", "=", rnd.period_id.id),
                    ("owner_type", "=", "team"),
                    ("team_id", "=", rnd.team_id.id),
                ]
            )
            if not team_targets:
                raise UserError(
                    _(
                        "%(team)s has no target in %(period)s: set the team's "
                        "targets first.",
                        team=rnd.team_id.name,
                        period=rnd.period_id.display_name,
                    )
                )
            Proposal._check_not_negotiated(team_targets.child_ids)
            team_targets.filtered(lambda t: not t.child_ids)._create_children()
            shares = team_targets._get_allocation_shares()
            children = team_targets.child_ids
            # sudo: proposals are made by the round, never typed in.
            Proposal.sudo().create(
                [
                    {
                        "round_id": rnd.id,
                        "target_id": child.id,
                        "proposed_value": shares.get(child, child.target_value),
                    }
                    for child in children
                ]
            )._activity_update()
            rnd.sudo().state = "open"
            rnd.message_post(
                body=_(
                    "%(count)s targets proposed by %(user)s; agree by %(date)s.",
                    count=len(children),
                    user=self.env.user.name,
                    date=rnd.deadline,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_close(self):
        """The leader (or HR) ends the round: every target still open takes
        the value last proposed from above."""
        for rnd in self:
            rnd._check_leader()
            rnd._check_open()
        proposals = self.proposal_ids.filtered(lambda p: p.state in OPEN_STATES)
        proposals._check_state(*OPEN_STATES)
        proposals._settle(
            "decided",
            {proposal.id: proposal.proposed_value for proposal in proposals},
            _("Settled at the value proposed when the round was closed."),
        )
        self._set_agreed(closed=True)
        return True

    def action_view_proposals(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": "performance.target.proposal",
            "view_mode": "list,kanban,form",
            "domain": [("round_id", "=", self.id)],
        }

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _check_leader(self):
        """The team's leader or HR acts on a round."""
        self.ensure_one()
        user = self.env.user
        if user != self.team_id.user_id and not user.has_group(
            "sales_performance.group_performance_hr"
        ):
            raise AccessError(
                _(
                    "Only the leader of %(team)s or HR acts on its round of targets.",
                    team=self.team_id.name,
                )
            )

    def _check_open(self):
        self.ensure_one()
        if self.state != "open" or self.period_id.state != "open":
            raise UserError(
                _(
                    "%(round)s is not negotiating: its targets are settled.",
                    round=self.display_name,
                )
            )

    def _set_agreed(self, closed=False):
        """Rounds whose proposals are all settled are agreed."""
        done = self.filtered(
            lambda rnd: (
                rnd.state == "open"
                and all(p.state not in OPEN_STATES for p in rnd.proposal_ids)
            )
        )
        # sudo: the state follows the proposals, nobody writes it by hand.
        done.sudo().state = "agreed"
        for rnd in done:
            # sudo: the salesperson settling the last target only reads it.
            rnd.sudo().message_post(
                body=_("Round closed by %(user)s.", user=self.env.user.name)
                if closed
                else _("Every target of the round is agreed."),
                subtype_xmlid="mail.mt_note",
            )
