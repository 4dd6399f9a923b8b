from collections import defaultdict

from odoo import api, fields, models

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
        drafts = self.sudo().filtered(lambda statement: statement.state == "draft")
        groups = defaultdict(lambda: drafts.browse())
        for statement in drafts:
            groups[statement.period_id] |= statement
        for period, batch in groups.items():
            factors = batch.employee_id._get_performance_proration(
                period.date_start, period.date_end
            )
            for statement in batch.filtered("employee_id"):
                factor = factors[statement.employee_id.id]
                if statement.proration_factor != factor:
                    statement.proration_factor = factor
        return super().action_compute()
