from odoo import _, api, fields, models


class PerformanceTargetProposalAnswer(models.TransientModel):
    _name = "performance.target.proposal.answer"
    _description = "Answer a Target Proposal"

    proposal_id = fields.Many2one(
        "performance.target.proposal", required=True, ondelete="cascade"
    )
    answer = fields.Selection(
        [
            ("counter", "Propose Another Value"),
            ("refuse", "Refuse the Counter-Proposal"),
            ("decide", "Decide (HR)"),
        ],
        required=True,
        default="counter",
    )
    value = fields.Float()
    kpi_unit = fields.Selection(related="proposal_id.kpi_unit")
    currency_id = fields.Many2one(related="proposal_id.currency_id")
    proposed_value = fields.Float(related="proposal_id.proposed_value")
    reason = fields.Text(required=True)

    @api.depends("proposal_id", "answer")
    def _compute_display_name(self):
        labels = dict(self._fields["answer"]._description_selection(self.env))
        for wizard in self:
            wizard.display_name = _(
                "%(answer)s: %(target)s",
                answer=labels.get(wizard.answer, ""),
                target=wizard.proposal_id.display_name,
            )

    def action_confirm(self):
        self.ensure_one()
        proposal = self.proposal_id
        if self.answer == "refuse":
            proposal.action_refuse(self.reason)
        elif self.answer == "decide":
            proposal.action_decide(self.value, self.reason)
        else:
            proposal.action_counter(self.value, self.reason)
        return {"type": "ir.actions.act_window_close"}
