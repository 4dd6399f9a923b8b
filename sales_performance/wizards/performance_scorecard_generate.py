from odoo import _, fields, models
from odoo.exceptions import UserError


class PerformanceScorecardGenerate(models.TransientModel):
    _name = "performance.scorecard.generate"
    _description = "Generate Scorecards for a Period"

    template_ids = fields.Many2many(
        "performance.scorecard.template",
        relation="performance_scorecard_generate_template_rel",
        string="Templates",
        required=True,
        default=lambda self: self._default_template_ids(),
    )
    period_id = fields.Many2one(
        "performance.period",
        required=True,
        domain=[("state", "=", "open")],
    )

    def _default_template_ids(self):
        if self.env.context.get("active_model") == "performance.scorecard.template":
            return self.env["performance.scorecard.template"].browse(
                self.env.context.get("active_ids")
            )
        return self.env["performance.scorecard.template"].search([])

    def action_generate(self):
        self.ensure_one()
        if not self.template_ids:
            raise UserError(_("Select the scorecard templates to use."))
        scorecards = self.template_ids.generate_scorecards(self.period_id)
        return {
            "type": "ir.actions.act_window",
            "name": _("Scorecards"),
            "res_model": "performance.scorecard",
            "view_mode": "list,kanban,form",
            "domain": [("id", "in", scorecards.ids)],
        }
