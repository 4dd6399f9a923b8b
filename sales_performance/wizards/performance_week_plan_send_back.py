from odoo import _, fields, models
from odoo.exceptions import UserError


class PerformanceWeekPlanSendBack(models.TransientModel):
    _name = "performance.week.plan.send.back"
    _description = "Send a Week Plan Back"

    plan_ids = fields.Many2many("performance.week.plan", required=True)
    comment = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if not (self.comment or "").strip():
            raise UserError(_("Say what to change in the plan."))
        self.plan_ids.action_send_back(comment=self.comment)
        return {"type": "ir.actions.act_window_close"}
