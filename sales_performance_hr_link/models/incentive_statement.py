from odoo import api, fields, models

from odoo.addons.sales_performance.models.batch import store_values

from ..tools import proration


class IncentiveStatement(models.Model):
    _name = "incentive.statement"
    _inherit = ["incentive.statement", "performance.hr.mixin"]

    proration_factor = fields.Float(
        string="Proration",
        default=1.0,
        readonly=True,
        help="Share of the period's working days the salesperson could work.",
    )
    target_incentive_prorated = fields.Monetary(
        string="Prorated Target Incentive",
        compute="_compute_target_incentive_prorated",
        store=True,
    )

    @api.depends("target_incentive", "proration_factor")
    def _compute_target_incentive_prorated(self):
        for statement in self:
            statement.target_incentive_prorated = statement.currency_id.round(
                proration.prorate(
                    statement.target_incentive, statement.proration_factor
                )
            )

    def action_compute(self):
        """Set the proration factor of the draft statements before ``super()``
        computes them: one proration per period for all their employees,
        stored in batch as the targets' (``_refresh_proration``)."""
        drafts = self.sudo().filtered(lambda statement: statement.state == "draft")
        factors_by_statement = {}
        for period, batch in (
            drafts.filtered("employee_id").grouped("period_id").items()
        ):
            factors = batch.employee_id._get_performance_proration(
                period.date_start, period.date_end
            )
            for statement in batch:
                factors_by_statement[statement.id] = factors[statement.employee_id.id]
        store_values(drafts, "proration_factor", factors_by_statement)
        return super().action_compute()

    @api.model
    def _get_led_statements_domains(self):
        return super()._get_led_statements_domains() + [
            [("department_id.manager_id.user_id", "=", self.env.uid)]
        ]
