from odoo import _, api, fields, models
from odoo.exceptions import UserError


class PerformanceTargetAllocate(models.TransientModel):
    _name = "performance.target.allocate"
    _description = "Allocate Targets to Teams or Salespeople"

    target_ids = fields.Many2many(
        "performance.target",
        string="Targets",
        required=True,
        default=lambda self: self._default_target_ids(),
    )
    allocation_method = fields.Selection(
        selection=lambda self: (
            self.env["performance.target"]._fields["allocation_method"].selection
        ),
        required=True,
        default="equal",
    )
    reason = fields.Char(
        help="Required when a period has started: logged on every target that changes."
    )
    reason_required = fields.Boolean(compute="_compute_reason_required")

    @api.model
    def _default_target_ids(self):
        if self.env.context.get("active_model") != "performance.target":
            return False
        return self.env["performance.target"].browse(self.env.context.get("active_ids"))

    @api.depends("target_ids")
    def _compute_reason_required(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            wizard.reason_required = any(
                period.date_start <= today for period in wizard.target_ids.period_id
            )

    def action_allocate(self):
        self.ensure_one()
        if not self.target_ids:
            raise UserError(_("Select the targets to allocate."))
        targets = self.target_ids.with_context(performance_change_reason=self.reason)
        targets._set_allocation_method(self.allocation_method)
        targets.action_allocate()
        return {
            "type": "ir.actions.act_window",
            "name": _("Allocated Targets"),
            "res_model": "performance.target",
            "view_mode": "list,kanban,form",
            "domain": [("parent_id", "in", self.target_ids.ids)],
        }
