from collections import defaultdict
from datetime import datetime, time, timedelta

from pytz import timezone

from odoo import Command, _, api, fields, models

from ..tools import proration

# Scorecards shown on the employee's performance tab.
RECENT_SCORECARDS = 12


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    performance_hire_date = fields.Date(
        string="Hire Date",
        groups="hr.group_hr_user",
        tracking=True,
        help="First day of employment: targets and target incentives of the "
        "period of hire are prorated from this day.",
    )
    # Payroll export
    performance_cost_centre = fields.Char(
        string="Cost Centre", groups="hr.group_hr_user"
    )
    # Development
    performance_top_streak = fields.Integer(
        string="Top Ratings in a Row",
        readonly=True,
        groups="hr.group_hr_user,sales_performance.group_performance_hr",
        help="Consecutive periods, up to the last approved scorecard, rated in "
        "the top rating of their template.",
    )
    performance_promotion_ready = fields.Boolean(
        string="Ready for Promotion",
        readonly=True,
        tracking=True,
        groups="hr.group_hr_user,sales_performance.group_performance_hr",
        help="Rated in the top rating for as many consecutive periods as the "
        "company asks (Sales Performance settings).",
    )
    performance_scorecard_recent_ids = fields.One2many(
        "performance.scorecard",
        compute="_compute_performance_scorecard_recent_ids",
        string="Last Scorecards",
    )
    performance_target_count = fields.Integer(compute="_compute_performance_counts")
    performance_scorecard_count = fields.Integer(compute="_compute_performance_counts")
    performance_statement_count = fields.Integer(compute="_compute_performance_counts")

    @api.depends("user_id")
    @api.depends_context("uid")
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

    # Per reader: the record rules decide which scorecards are listed.
    @api.depends("user_id")
    @api.depends_context("uid")
    def _compute_performance_scorecard_recent_ids(self):
        """The scorecards of the last periods the reader may see: one search
        for all the employees, the latest 12 per employee."""
        cards = self.env["performance.scorecard"].search(
            [("user_id", "in", self.user_id.ids)], order="id desc"
        )
        by_user = defaultdict(list)
        for card in cards.sorted(
            lambda card: (card.period_id.date_start, card.id), reverse=True
        ):
            by_user[card.user_id.id].append(card.id)
        for employee in self:
            employee.performance_scorecard_recent_ids = [
                Command.set(by_user[employee.user_id.id][:RECENT_SCORECARDS])
            ]

    def write(self, vals):
        res = super().write(vals)
        # Odoo's departure wizard archives first and writes the date after:
        # either write may complete the departure.
        if vals.get("active") is False or vals.get("departure_date"):
            self.filtered(
                lambda employee: (
                    not employee.active and employee.departure_date and employee.user_id
                )
            )._performance_depart()
        return res

    def _performance_depart(self):
        """On departure, through the incentive addon's public methods: the
        participations end on the departure date
        (``incentive.plan.assignment.end_participation``), draft statements
        of later periods are removed and those up to it are recomputed
        (credits stop that day) and sent for approval with a note
        (``incentive.statement.action_submit``). Credit notes dated later, of
        invoices credited before, still claw back from the statement of the
        invoice's period, inside the plan's window."""
        Assignment = self.env["incentive.plan.assignment"].sudo()
        Statement = self.env["incentive.statement"].sudo()
        for employee in self.sudo():
            departure = employee.departure_date
            user = employee.user_id
            # Plans not published yet lose the person.
            Assignment.search(
                [("user_id", "=", user.id), ("plan_id.state", "=", "draft")]
            ).unlink()
            Assignment.search(
                [("user_id", "=", user.id), ("plan_id.state", "=", "published")]
            ).end_participation(departure)
            drafts = Statement.search(
                [("user_id", "=", user.id), ("state", "=", "draft")]
            )
            later = drafts.filtered(
                lambda statement, day=departure: statement.date_from > day
            )
            later.unlink()
            (drafts - later).action_submit(
                note=_(
                    "%(employee)s left on %(date)s: statement finalised.",
                    employee=employee.name,
                    date=departure,
                )
            )

    def _update_performance_promotion(self):
        """Count the consecutive periods, up to the last approved one, whose
        approved scorecards all carry the top rating of their template, and
        flag readiness for promotion at the company's number. Newly ready
        employees get a note and an activity for their manager. Batch: one
        search of scorecards for all the employees."""
        # sudo: readiness is derived from approved ratings whoever approves.
        employees = self.sudo().filtered("user_id")
        if not employees:
            return
        cards = (
            self.env["performance.scorecard"]
            .sudo()
            .search(
                [
                    ("user_id", "in", employees.user_id.ids),
                    ("state", "in", ("approved", "appeal")),
                ]
            )
        )
        tops = {
            template: template.band_ids.sorted("min_score")[-1:].name
            for template in cards.template_id
        }
        # (user, company) -> period type -> {period: all its cards on top}
        periods = defaultdict(lambda: defaultdict(dict))
        for card in cards:
            by_period = periods[card.user_id.id, card.company_id.id][
                card.period_id.period_type
            ]
            top = bool(card.rating) and card.rating == tops[card.template_id]
            by_period[card.period_id] = by_period.get(card.period_id, True) and top
        ready = employees.browse()
        for employee in employees:
            key = (employee.user_id.id, employee.company_id.id)
            streak = max(
                [_top_streak(by_period) for by_period in periods[key].values()],
                default=0,
            )
            needed = employee.company_id.performance_promotion_periods
            is_ready = bool(needed) and streak >= needed
            if is_ready and not employee.performance_promotion_ready:
                ready |= employee
            if (
                employee.performance_top_streak != streak
                or employee.performance_promotion_ready != is_ready
            ):
                employee.write(
                    {
                        "performance_top_streak": streak,
                        "performance_promotion_ready": is_ready,
                    }
                )
        ready._notify_performance_promotion()

    def _notify_performance_promotion(self):
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        entries = []
        for employee in self:
            message = _(
                "%(employee)s was rated in the top rating %(count)s periods in a "
                "row: ready for promotion.",
                employee=employee.name,
                count=employee.performance_top_streak,
            )
            employee.message_post(body=message, subtype_xmlid="mail.mt_note")
            manager = (
                employee.parent_id.user_id or employee.department_id.manager_id.user_id
            )
            if manager and manager != employee.user_id:
                entries.append(
                    {
                        "record": employee,
                        "activity_type": activity_type,
                        "user": manager,
                        # Every internal user reads an employee's public
                        # profile, which Odoo opens for those without HR
                        # access: nothing to check.
                        "readable": manager,
                        "summary": _("Promotion readiness"),
                        "note": message,
                    }
                )
        self.env["performance.workflow.mixin"]._schedule_activities(entries)

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
        validated leaves and inside their employment dates.

        Batch: employees sharing a schedule and a time zone are read together
        (two interval reads for all of them), and those without days of their
        own are computed once per company."""
        result = {}
        groups = defaultdict(list)
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
            groups[calendar, employee.tz or calendar.tz or "UTC"].append(employee.id)
        for (calendar, tz_name), employee_ids in groups.items():
            employees = self.sudo().browse(employee_ids)
            tz = timezone(tz_name)
            start = tz.localize(datetime.combine(date_from, time.min))
            end = tz.localize(datetime.combine(date_to, time.max))
            resources = employees.resource_id
            # Resources of one company on this schedule, without flexible
            # hours, attendances or leaves of their own, have the same days:
            # one of them stands for all (a thousand reps, a hundred on leave,
            # are about a hundred interval computations, not a thousand).
            own = calendar._get_performance_own_resources(resources, start, end)
            stands_for, by_company = {}, {}
            for resource in resources:
                if resource in own:
                    stands_for[resource.id] = resource
                else:
                    stands_for[resource.id] = by_company.setdefault(
                        resource.company_id.id, resource
                    )
            days_by_resource = _days_by_resource(
                calendar, own.union(*by_company.values()), start, end, tz
            )
            # Most employees share their days and employment dates too.
            factors = {}
            for employee in employees:
                key = (
                    stands_for[employee.resource_id.id].id,
                    employee.performance_hire_date or None,
                    employee.departure_date or None,
                )
                if key not in factors:
                    working_days, leaves = days_by_resource[key[0]]
                    factors[key] = proration.proration_factor(
                        working_days, leaves, hire_date=key[1], departure_date=key[2]
                    )
                result[employee.id] = factors[key]
        return result


def _top_streak(by_period):
    """Consecutive periods on top, from the latest one back: ``by_period``
    maps periods to whether they were on top."""
    count, previous = 0, None
    for period in sorted(by_period, key=lambda period: period.date_start, reverse=True):
        consecutive = previous is None or (
            period.date_end + timedelta(days=1) == previous.date_start
        )
        if not (by_period[period] and consecutive):
            break
        count += 1
        previous = period
    return count


def _days_by_resource(calendar, resources, start, end, tz):
    """``{resource_id: (working days, leaves)}`` of ``resources`` under
    ``calendar``, as :func:`proration.proration_factor` takes them: the
    schedule's days without public holidays, and the share of each of those
    days lost to the resource's leaves. Two interval reads for all."""
    public = [("time_type", "=", "leave"), ("resource_id", "=", False)]
    planned_by_resource = calendar._work_intervals_batch(
        start, end, resources, domain=public, tz=tz
    )
    available_by_resource = calendar._work_intervals_batch(start, end, resources, tz=tz)
    result = {}
    for resource in resources:
        planned_hours = _hours_by_day(planned_by_resource[resource.id])
        available_hours = _hours_by_day(available_by_resource[resource.id])
        result[resource.id] = (
            dict.fromkeys(planned_hours, 1.0),
            {
                day: 1.0 - available_hours.get(day, 0.0) / hours
                for day, hours in planned_hours.items()
                if available_hours.get(day, 0.0) < hours
            },
        )
    return result


def _hours_by_day(intervals):
    hours = defaultdict(float)
    for start, stop, _record in intervals:
        hours[start.date()] += (stop - start).total_seconds() / 3600.0
    return hours
