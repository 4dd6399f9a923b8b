from odoo import _, fields, models
from odoo.exceptions import UserError


class PerformanceScorecardReason(models.TransientModel):
    _name = "performance.scorecard.reason"
    _description = "Reason for a Scorecard Review Step"

    scorecard_ids = fields.Many2many("performance.scorecard", required=True)
    action = fields.Selection(
        [
            ("refuse", "Send back"),
            ("reopen", "Reopen"),
            ("appeal", "Appeal"),
            ("resolve", "Resolve appeal"),
        ],
        required=True,
    )
    reason = fields.Text(required=True)
    outcome = fields.Selection([("upheld", "Upheld"), ("rejected", "Rejected")])
    rating = fields.Char(string="New Rating")

    def action_confirm(self):
        self.ensure_one()
        if not self.reason or not self.reason.strip():
            raise UserError(_("Give a reason."))
        cards = self.scorecard_ids
        if self.action == "resolve":
            cards.action_resolve_appeal(self.outcome, self.reason, rating=self.rating)
        else:
            getattr(cards, f"action_{self.action}")(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
