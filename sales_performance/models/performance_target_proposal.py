from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .performance_target_round import OPEN_STATES


class PerformanceTargetProposal(models.Model):
    """The value proposed for one salesperson target in a round. It waits on
    the salesperson (*proposed*: accept or counter with a reason), then on
    the leader (*countered*: accept, refuse with a reason or counter). Once
    settled, *agreed* by both or *decided* (a refusal, HR after the round's
    deadline, the round closed), the target takes the value. Until then the
    target keeps the value it had: a value under negotiation counts nowhere."""

    _name = "performance.target.proposal"
    _description = "Target Proposal"
    _inherit = ["performance.workflow.mixin"]
    _order = "round_id, user_id, kpi_id, id"

    round_id = fields.Many2one(
        "performance.target.round", required=True, index=True, ondelete="cascade"
    )
    target_id = fields.Many2one(
        "performance.target", required=True, index=True, ondelete="cascade"
    )
    parent_target_id = fields.Many2one(
        related="target_id.parent_id", string="Team Target"
    )
    user_id = fields.Many2one(
        related="target_id.user_id", store=True, index=True, string="Salesperson"
    )
    team_id = fields.Many2one(related="round_id.team_id", store=True, index=True)
    manager_id = fields.Many2one(related="team_id.user_id", string="Team Leader")
    company_id = fields.Many2one(related="round_id.company_id", store=True)
    period_id = fields.Many2one(related="round_id.period_id", store=True)
    deadline = fields.Date(related="round_id.deadline")
    kpi_id = fields.Many2one(related="target_id.kpi_id", store=True)
    kpi_unit = fields.Selection(related="target_id.kpi_unit")
    currency_id = fields.Many2one(related="target_id.currency_id")

    state = fields.Selection(
        [
            ("proposed", "To Accept"),
            ("countered", "Countered"),
            ("agreed", "Agreed"),
            ("decided", "Decided"),
        ],
        default="proposed",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    proposed_value = fields.Float(
        string="Proposed", readonly=True, tracking=True, help="The value from above."
    )
    counter_value = fields.Float(
        string="Counter-Proposal",
        readonly=True,
        tracking=True,
        help="The value the salesperson proposes instead.",
    )
    counter_reason = fields.Text(string="Salesperson's Reason", readonly=True)
    answer_reason = fields.Text(
        string="Answer", readonly=True, help="Why the leader or HR answered so."
    )
    agreed_value = fields.Float(string="Agreed", readonly=True, tracking=True)
    current_value = fields.Float(
        string="On the Table",
        compute="_compute_current_value",
        store=True,
        help="The value the proposal stands at now.",
    )
    decided_by_id = fields.Many2one("res.users", string="Settled By", readonly=True)
    is_my_turn = fields.Boolean(compute="_compute_is_my_turn")

    @api.depends("target_id", "period_id")
    def _compute_display_name(self):
        for proposal in self:
            proposal.display_name = proposal.target_id.display_name

    @api.depends("state", "proposed_value", "counter_value", "agreed_value")
    def _compute_current_value(self):
        for proposal in self:
            proposal.current_value = {
                "proposed": proposal.proposed_value,
                "countered": proposal.counter_value,
            }.get(proposal.state, proposal.agreed_value)

    @api.depends_context("uid")
    @api.depends("state", "user_id", "manager_id")
    def _compute_is_my_turn(self):
        user = self.env.user
        for proposal in self:
            proposal.is_my_turn = (
                proposal.state == "proposed" and proposal.user_id == user
            ) or (proposal.state == "countered" and proposal._get_approver() == user)

    def write(self, vals):
        if not self.env.su and set(vals) - {"activity_ids", "message_ids"}:
            raise AccessError(_("Proposals change only through their buttons."))
        return super().write(vals)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_accept(self):
        """The salesperson accepts the value proposed; the leader accepts the
        salesperson's counter-proposal."""
        proposals = self._check_turn()
        values = {
            p.id: p.proposed_value if p.state == "proposed" else p.counter_value
            for p in proposals
        }
        proposals._settle("agreed", values)
        return True

    def action_counter(self, value, reason):
        """Propose another value, with a reason: the salesperson to the
        leader, or the leader back to the salesperson."""
        self._check_answer(value, reason)
        proposals = self._check_turn()
        by_rep = proposals.filtered(lambda p: p.state == "proposed")
        for proposal in proposals:
            if proposal in by_rep:
                state = "countered"
                vals = {"counter_value": value, "counter_reason": reason}
            else:
                state = "proposed"
                vals = {"proposed_value": value, "answer_reason": reason}
            proposal.sudo().write(vals)
            proposal._move_to(
                state,
                note=_(
                    "%(value)s: %(reason)s",
                    value=proposal.target_id._format_value(value),
                    reason=reason,
                ),
            )
        return True

    def action_refuse(self, reason):
        """The leader refuses the counter-proposal: the value proposed stands."""
        self._check_answer(0.0, reason)
        proposals = self._check_turn()
        if any(p.state != "countered" for p in proposals):
            raise UserError(_("Only a counter-proposal can be refused."))
        proposals.sudo().answer_reason = reason
        proposals._settle(
            "decided",
            {p.id: p.proposed_value for p in proposals},
            _("Counter-proposal refused: %(reason)s", reason=reason),
        )
        return True

    def action_decide(self, value, reason):
        """HR sets the value of a target still open once the round's deadline
        is over."""
        self._check_answer(value, reason)
        if not self.env.user.has_group("sales_performance.group_performance_hr"):
            raise AccessError(_("Only HR decides a target in place of the leader."))
        today = fields.Date.context_today(self)
        for proposal in self:
            proposal.round_id._check_open()
            if today <= proposal.deadline:
                raise UserError(
                    _(
                        "HR decides once the deadline of %(round)s (%(date)s) is over.",
                        round=proposal.round_id.display_name,
                        date=proposal.deadline,
                    )
                )
        proposals = self._check_state(*OPEN_STATES)
        proposals.sudo().answer_reason = reason
        proposals._settle(
            "decided",
            dict.fromkeys(proposals.ids, value),
            _("Decided by HR after the deadline: %(reason)s", reason=reason),
        )
        return True

    def action_open_answer(self):
        """The dialog asking for a value and a reason."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Answer %(target)s", target=self.display_name),
            "res_model": "performance.target.proposal.answer",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_proposal_id": self.id,
                "default_value": self.current_value,
                "default_answer": self.env.context.get("answer", "counter"),
            },
        }

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _check_answer(self, value, reason):
        if not (reason or "").strip():
            raise UserError(_("Give the reason of your answer."))
        if value is None or value < 0:
            raise UserError(_("A target cannot be negative."))

    def _check_turn(self):
        """Lock the proposals and check that the person acting is the one
        each waits on: its salesperson, then the leader (HR when the team
        has none). Returns the proposals locked."""
        for proposal in self:
            proposal.round_id._check_open()
        proposals = self._check_state(*OPEN_STATES)
        user = self.env.user
        for proposal in proposals:
            if proposal.state == "proposed" and user != proposal.user_id:
                raise AccessError(
                    _(
                        "%(target)s waits on %(user)s.",
                        target=proposal.display_name,
                        user=proposal.user_id.name,
                    )
                )
            if proposal.state == "countered" and user != proposal._get_approver():
                if user == proposal.user_id:
                    raise UserError(
                        _(
                            "Your counter-proposal on %(target)s waits on the "
                            "leader's answer.",
                            target=proposal.display_name,
                        )
                    )
                raise AccessError(
                    _(
                        "%(target)s waits on %(user)s.",
                        target=proposal.display_name,
                        user=proposal._get_approver().name,
                    )
                )
        return proposals

    def _get_state_error(self):
        return UserError(
            _(
                "%(target)s is already settled: change the target itself, with "
                "a reason.",
                target=self.display_name,
            )
        )

    def _settle(self, state, values, note=None):
        """Give each target its settled value (``{proposal id: value}``),
        tracked in the target's chatter, and agree the rounds whose proposals
        are all settled."""
        for proposal in self:
            proposal.sudo().write(
                {"agreed_value": values[proposal.id], "decided_by_id": self.env.uid}
            )
        self._move_to(state, note=note)
        by_value = defaultdict(lambda: self.env["performance.target"])
        for proposal in self:
            by_value[values[proposal.id]] |= proposal.target_id
        for value, targets in by_value.items():
            # sudo: the value is the round's outcome, whoever settles it; the
            # reason is needed when the period has started meanwhile.
            targets.sudo().with_context(
                performance_agreement=True,
                performance_change_reason=_("Agreed in a round of targets."),
            ).target_value = value
        for proposal in self:
            # sudo: the salesperson who accepts only reads their target.
            proposal.target_id.sudo().message_post(
                body=_(
                    "Target %(state)s at %(value)s in %(round)s.",
                    state=proposal._get_selection_label("state", state).lower(),
                    value=proposal.target_id._format_value(values[proposal.id]),
                    round=proposal.round_id.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.round_id._set_agreed()

    @api.model
    def _check_not_negotiated(self, targets):
        """Refuse to change ``targets`` while one is negotiated in a round."""
        # sudo: a negotiation of a target the user writes, whoever it is on.
        open_proposal = self.sudo().search(
            [("target_id", "in", targets.ids), ("state", "in", OPEN_STATES)], limit=1
        )
        if open_proposal:
            raise UserError(
                _(
                    "%(target)s is negotiated in %(round)s: it changes through "
                    "its proposal.",
                    target=open_proposal.target_id.display_name,
                    round=open_proposal.round_id.display_name,
                )
            )

    # ------------------------------------------------------------
    # Activities
    # ------------------------------------------------------------

    def _get_state_activities(self):
        return {
            "proposed": (
                self.env.ref("sales_performance.mail_activity_type_target_proposed"),
                "_get_salesperson",
            ),
            "countered": (
                self.env.ref("sales_performance.mail_activity_type_target_countered"),
                "_get_approver",
            ),
        }

    def _get_state_access(self):
        """Only the salesperson answers a proposal; a leader without access
        hands over to the HR officers."""
        return {
            "proposed": (("sales_performance.group_performance_user",), None),
            "countered": (
                ("sales_performance.group_performance_manager",),
                "_get_hr_officers",
            ),
        }

    def _get_step_messages(self):
        return {
            ("proposed", "agreed"): _("Accepted"),
            ("countered", "agreed"): _("Counter-proposal accepted"),
            ("proposed", "countered"): _("Countered"),
            ("countered", "proposed"): _("Answered with another value"),
        }

    def _get_step_buttons(self):
        return _("Accept or Counter")

    def _get_salesperson(self):
        self.ensure_one()
        return self.user_id

    def _get_approver(self):
        """The leader, else the company's HR officer."""
        self.ensure_one()
        return (
            self._get_responsible_for_approval()
            or self.company_id.performance_hr_user_id
            or self._get_hr_officers()[:1]
        )

    def _get_hr_officers(self):
        self.ensure_one()
        return self.company_id._get_performance_hr_officers(excluded=self.user_id)
