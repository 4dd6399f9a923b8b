from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class PerformancePeriodGenerate(models.TransientModel):
    _name = "performance.period.generate"
    _description = "Generate a Fiscal Year of Performance Periods"

    year = fields.Integer(
        required=True, default=lambda self: fields.Date.context_today(self).year
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    @api.constrains("year")
    def _check_year(self):
        for wizard in self:
            if not 1900 <= wizard.year <= 9999:
                raise ValidationError(_("Enter a year between 1900 and 9999."))

    def action_generate(self):
        self.ensure_one()
        year_period = self.env["performance.period"].generate_fiscal_year(
            self.year, self.company_id
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Periods"),
            "res_model": "performance.period",
            "view_mode": "list,form",
            "domain": [("id", "child_of", year_period.id)],
        }
