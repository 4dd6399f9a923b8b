from odoo import models


class PerformancePeriod(models.Model):
    _inherit = "performance.period"

    def _run_close(self, templates=None):
        """After targets and scorecards, the statements of every published
        plan of the period's company running during a monthly period (plans
        make monthly statements), in the same context: the KPIs the plans
        measure attainment with are not read again."""
        if "performance_kpi_values" not in self.env.context:
            self = self.with_context(performance_kpi_values={})
        result = super()._run_close(templates=templates)
        # sudo: closing is the performance administrator's, who need not
        # manage incentives; the statements are derived as the daily job
        # derives them.
        Plan = self.env["incentive.plan"].sudo()
        for period in self.filtered(lambda period: period.period_type == "month"):
            plans = Plan.search(
                [
                    ("company_id", "=", period.company_id.id),
                    ("state", "=", "published"),
                    ("date_start", "<=", period.date_end),
                    ("date_end", ">=", period.date_start),
                ]
            )
            if plans:
                plans.generate_statements(period)
        return result
