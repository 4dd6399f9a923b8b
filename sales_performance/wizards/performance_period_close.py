from odoo import _, api, fields, models
from odoo.exceptions import UserError


class PerformancePeriodClose(models.TransientModel):
    _name = "performance.period.close"
    _description = "Close a Performance Period"

    period_id = fields.Many2one("performance.period", required=True, readonly=True)
    line_ids = fields.One2many(
        "performance.period.close.line", "wizard_id", string="Lines", readonly=True
    )
    pending_line_ids = fields.One2many(
        "performance.period.close.line",
        "wizard_id",
        string="Still Pending",
        domain=[("kind", "=", "pending")],
        readonly=True,
    )
    plan_line_ids = fields.One2many(
        "performance.period.close.line",
        "wizard_id",
        string="The Close Will",
        domain=[("kind", "=", "plan")],
        readonly=True,
    )
    pending_count = fields.Integer(compute="_compute_pending_count")
    confirm_pending = fields.Boolean(
        string="Close anyway",
        help="Items of the period still wait on someone: close the period "
        "all the same, leaving them as they are.",
    )

    @api.depends("pending_line_ids.count")
    def _compute_pending_count(self):
        for wizard in self:
            wizard.pending_count = sum(wizard.pending_line_ids.mapped("count"))

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards:
            period = wizard.period_id
            lines = [
                wizard._prepare_line_vals(item, "pending")
                for item in period._get_close_pending()
                if item["count"]
            ]
            lines += [
                wizard._prepare_line_vals(item, "plan")
                for item in period._get_close_plan()
            ]
            self.env["performance.period.close.line"].create(lines)
        return wizards

    def _prepare_line_vals(self, item, kind):
        return {
            "wizard_id": self.id,
            "kind": kind,
            "code": item["code"],
            "name": item["name"],
            "count": item["count"],
        }

    def action_confirm(self):
        self.ensure_one()
        pending = sum(item["count"] for item in self.period_id._get_close_pending())
        if pending and not self.confirm_pending:
            raise UserError(
                _(
                    "%(count)s items of %(period)s are still pending. Tick "
                    '"Close anyway" to close the period all the same, or '
                    "finish them first.",
                    count=pending,
                    period=self.period_id.display_name,
                )
            )
        result = self.period_id.action_close()
        # A close started in the background answers with a notification that
        # closes the dialog itself.
        if isinstance(result, dict):
            return result
        return {"type": "ir.actions.act_window_close"}


class PerformancePeriodCloseLine(models.TransientModel):
    _name = "performance.period.close.line"
    _description = "Close a Performance Period: Item"
    _order = "id"

    wizard_id = fields.Many2one(
        "performance.period.close", required=True, ondelete="cascade"
    )
    kind = fields.Selection(
        [("pending", "Pending"), ("plan", "Planned")], required=True
    )
    code = fields.Char(required=True)
    name = fields.Char(string="Item", required=True)
    count = fields.Integer()

    def action_open(self):
        """The records behind the line, as the close counts them."""
        self.ensure_one()
        period = self.wizard_id.period_id
        items = period._get_close_pending() + period._get_close_plan()
        item = next(item for item in items if item["code"] == self.code)
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": item["model"],
            "domain": item["domain"],
            "views": [(False, "list"), (False, "form")],
            "context": {"create": False},
            "target": "current",
        }
