from datetime import date

from odoo import Command

from .common import PerformanceCommon

# Monday 3 March 2025: the week 2025-W10 when weeks start on Monday.
MONDAY = date(2025, 3, 3)


class WeekCommon(PerformanceCommon):
    """Weeks starting on Monday (the company's language says so) and team A
    planning its invoiced revenue and invoiced total every week, due Monday
    12:00 and reported on Friday."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._lang_get("en_US").week_start = "1"
        cls.env.company.partner_id.lang = "en_US"
        cls.env.company.performance_coaching_weeks = 2
        cls.Plan = cls.env["performance.week.plan"]
        cls.kpi_total = cls.env.ref("sales_performance.kpi_invoiced_total")
        cls.team_a.write(
            {
                "performance_plan_kpi_ids": [
                    Command.set((cls.kpi_revenue | cls.kpi_total).ids)
                ],
                "performance_plan_deadline_day": "0",
                "performance_plan_deadline_hour": 12.0,
                "performance_report_day": "4",
            }
        )
        (cls.rep_1 | cls.rep_2 | cls.leader_a).write({"tz": "UTC"})

    @classmethod
    def _plans(cls, week_start=MONDAY):
        return cls.Plan.search(
            [("date_start", "=", week_start)], order="user_id"
        ).sorted(lambda plan: plan.user_id.login)

    @classmethod
    def _submit(cls, plan, revenue, total):
        """``plan``'s salesperson plans their revenue and invoiced total and
        submits, as themselves."""
        own = plan.with_user(plan.user_id)
        cls._line(own, cls.kpi_revenue).planned_value = revenue
        cls._line(own, cls.kpi_total).planned_value = total
        own.action_submit()

    @staticmethod
    def _line(plan, kpi):
        return plan.line_ids.filtered(lambda line: line.kpi_id == kpi)
