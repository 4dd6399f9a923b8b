from collections import defaultdict
from datetime import datetime, time

from pytz import timezone

from odoo import _, api, fields, models

from ..tools import proration


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    performance_hire_date = fields.Date(
        string="Hire Date",
        groups="hr.group_hr_user",
        tracking=True,
        help="First day of employment: targets and target incentives of the "
        "period of hire are prorated from this day.",
    )
    performance_target_count = fields.Integer(compute="_compute_performance_counts")
    performance_scorecard_count = fields.Integer(compute="_compute_performance_counts")
    performance_statement_count = fields.Integer(compute="_compute_performance_counts")

    @api.depends("user_id")
    def _compute_performance_counts(self):
        users = self.user_id
        counts = {}
        for model in (
            "performance.target",
            "performance.scorecard",
            "incentive.statement",
        ):
            counts[model] = dict(
                self.env[model]._read_group(
                    [("user_id", "in", users.ids)], ["user_id"], ["__count"]
                )
            )
        for employee in self:
            user = employee.user_id
            employee.performance_target_count = counts["performance.target"].get(
                user, 0
            )
            employee.performance_scorecard_count = counts["performance.scorecard"].get(
                user, 0
            )
            employee.performance_statement_count = counts["incentive.statement"].get(
                user, 0
            )

    def write(self, vals):
        res = super().write(vals)
        if vals.get("active") is False:
            self.filtered(
                lambda employee: employee.departure_date and employee.user_id
            )._performance_depart()
        return res

    def _performance_depart(self):
        """On departure: participations end on the departure date, the draft
        statements up to it are recomputed (credits stop that day) and sent
        for approval, and draft statements of later periods are removed.
        Credit notes dated later, of invoices credited before, still claw
        back inside the plan's window (see ``incentive.plan.assignment``)."""
        for employee in self.sudo():
            departure = employee.departure_date
            user = employee.user_id
            assignments = (
                self.env["incentive.plan.assignment"]
                .sudo()
                .search(
                    [("user_id", "=", user.id), ("plan_id.state", "=", "published")]
                )
            )
            for assignment in assignments:
                end = assignment.date_end or assignment.plan_id.date_end
                if end > departure:
                    assignment.write(
                        {
                            "date_end": max(
                                departure,
                                assignment.date_start or assignment.plan_id.date_start,
                            ),
                            # Later credit notes of their invoices still claw back.
                            "left_date": departure,
                        }
                    )
            drafts = (
                self.env["incentive.statement"]
                .sudo()
                .search([("user_id", "=", user.id), ("state", "=", "draft")])
            )
            later = drafts.filtered(
                lambda statement, day=departure: statement.date_from > day
            )
            later.unlink()
            final = drafts - later
            final.action_compute()
            final._move_to(
                "to_approve",
                note=_(
                    "%(employee)s left on %(date)s: statement finalised.",
                    employee=employee.name,
                    date=departure,
                ),
            )

    def _open_performance_records(self, model, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("user_id", "=", self.user_id.id)],
            "context": {"create": False},
        }

    def action_open_performance_targets(self):
        return self._open_performance_records("performance.target", _("Targets"))

    def action_open_performance_scorecards(self):
        return self._open_performance_records("performance.scorecard", _("Scorecards"))

    def action_open_incentive_statements(self):
        return self._open_performance_records("incentive.statement", _("Statements"))

    # ------------------------------------------------------------
    # Proration
    # ------------------------------------------------------------

    def _get_performance_proration(self, date_from, date_to):
        """``{employee_id: factor}``: the share of the working days from
        ``date_from`` to ``date_to`` (under each employee's working schedule,
        public holidays excluded) that the employee could work, after their
        validated leaves and inside their employment dates."""
        result = {}
        # sudo: schedules, leaves and employment dates are HR data the
        # proration reads for whoever refreshes a target.
        for employee in self.sudo():
            calendar = (
                employee.resource_calendar_id
                or employee.company_id.resource_calendar_id
            )
            if not calendar:
                result[employee.id] = proration.proration_factor(
                    proration.working_days_between(date_from, date_to),
                    hire_date=employee.performance_hire_date or None,
                    departure_date=employee.departure_date or None,
                )
                continue
            tz = timezone(employee.tz or calendar.tz or "UTC")
            start = tz.localize(datetime.combine(date_from, time.min))
            end = tz.localize(datetime.combine(date_to, time.max))
            resource = employee.resource_id
            public = [("time_type", "=", "leave"), ("resource_id", "=", False)]
            planned = calendar._work_intervals_batch(
                start, end, resource, domain=public, tz=tz
            )[resource.id]
            available = calendar._work_intervals_batch(start, end, resource, tz=tz)[
                resource.id
            ]
            planned_hours = _hours_by_day(planned)
            available_hours = _hours_by_day(available)
            working_days = dict.fromkeys(planned_hours, 1.0)
            leaves = {
                day: 1.0 - available_hours.get(day, 0.0) / hours
                for day, hours in planned_hours.items()
                if available_hours.get(day, 0.0) < hours
            }
            result[employee.id] = proration.proration_factor(
                working_days,
                leaves,
                hire_date=employee.performance_hire_date or None,
                departure_date=employee.departure_date or None,
            )
        return result


def _hours_by_day(intervals):
    hours = defaultdict(float)
    for start, stop, _record in intervals:
        hours[start.date()] += (stop - start).total_seconds() / 3600.0
    return hours
