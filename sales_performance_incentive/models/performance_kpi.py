from odoo import models


class PerformanceKpi(models.Model):
    _inherit = "performance.kpi"

    def _counts_invoiced_revenue(self):
        """Whether a new invoice raises this KPI by its untaxed amount: the
        estimator adds its hypothetical deal to such KPIs."""
        self.ensure_one()
        return (
            self.kind == "source"
            and self.unit == "amount"
            and self.model_name == "account.move"
        )
