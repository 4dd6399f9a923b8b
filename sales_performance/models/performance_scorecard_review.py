from datetime import timedelta

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

# Who a review stage waits on, by its ``responsible``.
STAGE_RESPONSIBLES = {
    "employee": "_get_salesperson",
    "manager": "_get_manager_reviewer",
    "hr": "_get_hr_user",
}
# What that person needs, and who takes the step when they lack it: nobody
# but the salesperson writes their self review.
STAGE_ACCESS = {
    "employee": (("sales_performance.group_performance_user",), None),
    "manager": (
        ("sales_performance.group_performance_manager",),
        "_get_hr_officers",
    ),
    "hr": (("sales_performance.group_performance_hr",), "_get_hr_officers"),
}


class PerformanceScorecard(models.Model):
    """The review of a scorecard: its steps, who acts at each and the
    activities that put them in people's queues."""

    _inherit = "performance.scorecard"

    # ------------------------------------------------------------
    # Review
    # ------------------------------------------------------------

    def action_submit(self):
        """The salesperson hands their self review to their team leader."""
        for card in self:
            card._check_state("self_review")
            if card.user_id != self.env.user:
                raise AccessError(
                    _(
                        "Only %(user)s can submit this self review.",
                        user=card.user_id.name,
                    )
                )
        self._move_to("manager_review")
        return True

    def action_approve(self):
        """Manager review hands over to HR calibration, which approves."""
        for card in self:
            card._check_state("manager_review", "hr_calibration")
            card._check_reviewer()
        for_hr = self.filtered(lambda card: card.state == "manager_review")
        for_hr._move_to("hr_calibration")
        approved = self - for_hr
        if approved:
            today = fields.Date.context_today(self)
            for card in approved:
                card.sudo().write(
                    {
                        "approved_rating": card.computed_rating,
                        "approved_date": today,
                        "appeal_deadline": today
                        + timedelta(days=card.template_id.appeal_days),
                    }
                )
            approved._move_to("approved")
        return True

    def action_refuse(self, reason=None):
        """Send back one step, with a reason."""
        if not reason:
            return self._open_reason_wizard("refuse")
        back = {"manager_review": "self_review", "hr_calibration": "manager_review"}
        for card in self:
            card._check_state(*back)
            card._check_reviewer()
        for card in self:
            card.sudo().refuse_reason = reason
            card._move_to(back[card.state], note=_("Reason: %(reason)s", reason=reason))
        return True

    def action_reopen(self, reason=None):
        """HR reopens an approved scorecard for calibration."""
        if not reason:
            return self._open_reason_wizard("reopen")
        self._check_hr()
        for card in self:
            card._check_state("approved")
        self._move_to("hr_calibration", note=_("Reason: %(reason)s", reason=reason))
        return True

    def action_appeal(self, reason=None):
        """The salesperson appeals an approved scorecard inside the window."""
        if not reason:
            return self._open_reason_wizard("appeal")
        today = fields.Date.context_today(self)
        for card in self:
            card._check_state("approved")
            if card.user_id != self.env.user:
                raise AccessError(_("Only the salesperson can appeal their scorecard."))
            if today > card.appeal_deadline:
                raise UserError(
                    _(
                        "The appeal window of %(card)s closed on %(date)s.",
                        card=card.display_name,
                        date=card.appeal_deadline,
                    )
                )
        self.sudo().write({"appeal_reason": reason, "appeal_outcome": False})
        self._move_to("appeal", note=_("Reason: %(reason)s", reason=reason))
        return True

    def action_resolve_appeal(self, outcome, note, rating=None):
        """HR upholds the appeal (with a new rating) or rejects it."""
        self._check_hr()
        if outcome not in ("upheld", "rejected") or not note:
            raise UserError(_("Give the outcome of the appeal and explain it."))
        if outcome == "upheld" and not rating:
            raise UserError(_("An upheld appeal sets the new rating."))
        for card in self:
            card._check_state("appeal")
        vals = {"appeal_outcome": outcome}
        if outcome == "upheld":
            vals.update(rating_override=rating, calibration_comment=note)
        self.sudo().write(vals)
        self._move_to("approved")
        for card in self:
            card.message_post(
                body=_(
                    "Your appeal was %(outcome)s: %(note)s",
                    outcome=card._get_selection_label("appeal_outcome", outcome),
                    note=note,
                ),
                partner_ids=card.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def _check_reviewer(self):
        """The person acting now is the one the step waits on, never the
        salesperson scored."""
        self.ensure_one()
        user = self.env.user
        if self.user_id == user:
            raise AccessError(_("Nobody approves or refuses their own scorecard."))
        if self.state == "manager_review" and (
            user == self._get_responsible_for_approval()
            or user.has_group("sales_performance.group_performance_hr")
        ):
            return
        if self.state == "hr_calibration":
            self._check_hr()
            return
        raise AccessError(
            _(
                "The scorecard %(card)s waits on %(user)s.",
                card=self.display_name,
                user=self._get_waiting_on().name,
            )
        )

    def _check_hr(self):
        if not self.env.user.has_group("sales_performance.group_performance_hr"):
            raise AccessError(_("Only HR officers can do this."))

    def _open_reason_wizard(self, action):
        return {
            "type": "ir.actions.act_window",
            "name": _("Give a reason"),
            "res_model": "performance.scorecard.reason",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_scorecard_ids": self.ids,
                "default_action": action,
            },
        }

    # ------------------------------------------------------------
    # Activities
    # ------------------------------------------------------------

    def _get_state_activities(self):
        """The review stages (configurable data) say who each step waits
        on."""
        stages = self.env["performance.review.stage"].search([])
        return {
            stage.state: (stage.activity_type_id, STAGE_RESPONSIBLES[stage.responsible])
            for stage in stages
        }

    def _get_state_activity_vals(self, state):
        stage = self.env["performance.review.stage"].search(
            [("state", "=", state)], limit=1
        )
        return {"summary": stage.name}

    def _get_state_deadline(self, state, activity_type):
        stage = self.env["performance.review.stage"].search(
            [("state", "=", state)], limit=1
        )
        return fields.Date.context_today(self) + timedelta(days=stage.deadline_days)

    def _get_state_access(self):
        """The salesperson writes their self review; a reviewer without the
        group hands over to the HR officers, who act at every review step."""
        stages = self.env["performance.review.stage"].search([])
        return {
            stage.state: STAGE_ACCESS[stage.responsible]
            for stage in stages
            if stage.responsible in STAGE_ACCESS
        }

    def _get_step_messages(self):
        return {
            ("draft", "self_review"): _("Self review opened"),
            ("self_review", "manager_review"): _("Self review submitted"),
            ("manager_review", "hr_calibration"): _("Manager review approved"),
            ("hr_calibration", "approved"): _("Calibration approved"),
            ("manager_review", "self_review"): _("Sent back to the self review"),
            ("hr_calibration", "manager_review"): _("Sent back to the manager review"),
            ("approved", "hr_calibration"): _("Reopened for calibration"),
            ("approved", "appeal"): _("Appealed"),
            # The outcome, told to the salesperson, is the step's trace.
            ("appeal", "approved"): False,
        }

    def _get_step_buttons(self):
        return {
            "self_review": _("Submit"),
            "manager_review": _("Approve or Send Back"),
            "hr_calibration": _("Approve or Send Back"),
            "appeal": _("Resolve Appeal"),
        }.get(self.state) or super()._get_step_buttons()

    def _get_salesperson(self):
        self.ensure_one()
        return self.user_id

    def _get_manager_reviewer(self):
        """The approver, else the HR officer."""
        self.ensure_one()
        return self._get_responsible_for_approval() or self._get_hr_user()

    def _get_hr_user(self):
        self.ensure_one()
        return self.company_id.performance_hr_user_id or self._get_hr_officers()[:1]

    def _get_hr_officers(self):
        self.ensure_one()
        return self.company_id._get_performance_hr_officers(excluded=self.user_id)
