"""Last month's manual KPI values of the demo reps, as HR enters them in the
grid (see ``performance_demo.py``)."""

from datetime import timedelta

from odoo import api, fields, models

from .performance_demo import DEMO, FAST


class PerformanceDemo(models.AbstractModel):
    _inherit = "performance.demo"

    @api.model
    def _generate(self):
        result = super()._generate()
        company = self.env.ref("base.main_company")
        self.with_company(company).with_context(**FAST)._demo_manual_values(company)
        return result

    def _demo_manual_values(self, company):
        """Customer satisfaction (as typed on the scorecards), training
        sessions and teamwork of every rep for last month, once."""
        today = fields.Date.context_today(self)
        last_month_day = today.replace(day=1) - timedelta(days=1)
        period = self.env["performance.period"].search(
            [("company_id", "=", company.id), ("date_end", "=", last_month_day)],
            order="date_start desc",
            limit=1,
        )
        Value = self.env["performance.kpi.value"]
        if not period or Value.search_count([("period_id", "=", period.id)], limit=1):
            return
        csat = self.env.ref(DEMO + "kpi_customer_satisfaction")
        training = self.env.ref(DEMO + "kpi_training_sessions")
        teamwork = self.env.ref(DEMO + "kpi_teamwork_score")
        vals_list = []
        for index, rep in enumerate(self._demo_reps()):
            for kpi, value in (
                (csat, 70 + (index * 7) % 30),
                (training, index % 3),
                (teamwork, 60 + (index * 11) % 40),
            ):
                vals_list.append(
                    {
                        "period_id": period.id,
                        "user_id": rep["user"].id,
                        "kpi_id": kpi.id,
                        "value": value,
                    }
                )
        Value.with_user(self.env.ref(DEMO + "demo_user_hr_officer")).create(vals_list)
