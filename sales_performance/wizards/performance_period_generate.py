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
    with_weeks = fields.Boolean(
        string="Weeks Too",
        help="Also create the weeks starting in the fiscal year, on the first "
        "day of the week of the company's language.",
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
        domain = [("id", "child_of", year_period.id)]
        if self.with_weeks:
            weeks = self.env["performance.period"].generate_weeks(
                year_period.date_start, year_period.date_end, self.company_id
            )
            domain = ["|", ("id", "in", weeks.ids), *domain]
        return {
            "type": "ir.actions.act_window",
            "name": _("Periods"),
            "res_model": "performance.period",
            "view_mode": "list,form",
            "domain": domain,
        }
