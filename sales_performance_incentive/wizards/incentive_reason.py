from odoo import _, api, fields, models
from odoo.exceptions import UserError


class IncentiveReason(models.TransientModel):
    """The reason of a refusal, or the resolution of a dispute."""

    _name = "incentive.reason"
    _description = "Incentive Reason"

    action = fields.Selection(
        [("refuse", "Refuse"), ("dispute", "Resolve Dispute")], required=True
    )
    statement_ids = fields.Many2many("incentive.statement", string="Statements")
    dispute_ids = fields.Many2many("incentive.dispute", string="Disputes")
    outcome = fields.Selection(
        [("accepted", "Accept"), ("rejected", "Reject")], default="rejected"
    )
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )
    amount = fields.Monetary(string="Amount Granted")
    reason = fields.Text(required=True)

    @api.model
    def _open_for(self, records, action):
        context = {"default_action": action}
        if records._name == "incentive.statement":
            context["default_statement_ids"] = records.ids
        else:
            context["default_dispute_ids"] = records.ids
            context["default_amount"] = sum(records.mapped("amount_claimed"))
        return {
            "type": "ir.actions.act_window",
            "name": _("Give a reason"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def action_confirm(self):
        self.ensure_one()
        if not self.reason:
            raise UserError(_("Give a reason."))
        if self.action == "refuse":
            self.statement_ids.action_refuse(reason=self.reason)
        elif self.outcome == "accepted":
            self.dispute_ids.action_accept(self.reason, self.amount)
        else:
            self.dispute_ids.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
