from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models

from ..tools import pace
from ..tools import week as week_tools


class PerformanceWeekPlan(models.Model):
    """The Friday report of a week plan: per KPI the plan, the actual (the
    week's target refreshed) and whether it was met, posted on the week for
    the salesperson and mailed to each team leader as one table of the
    team; and the coaching activity of a KPI missed weeks in a row.
    ``performance_week_plan.py`` holds the plan itself."""

    _inherit = "performance.week.plan"

    report_date = fields.Datetime(
        string="Reported On",
        readonly=True,
        copy=False,
        help="When the week's report was built and mailed: once per week.",
    )
    met_count = fields.Integer(string="Met", compute="_compute_met_count", store=True)
    kpi_count = fields.Integer(string="KPIs", compute="_compute_met_count", store=True)

    @api.depends("line_ids.met")
    def _compute_met_count(self):
        for plan in self:
            plan.kpi_count = len(plan.line_ids)
            plan.met_count = len(plan.line_ids.filtered("met"))

    # ------------------------------------------------------------
    # The Friday job
    # ------------------------------------------------------------

    @api.model
    def _cron_week_reports(self):
        """Scheduled job: report the submitted plans whose report day has
        come, once per week however often it runs."""
        today = fields.Date.context_today(self)
        plans = self.search(
            [
                ("report_date", "=", False),
                ("state", "in", ("submitted", "sent_back")),
                ("date_start", "<=", today),
                ("date_start", ">=", today - timedelta(days=27)),
            ]
        ).filtered(lambda plan: plan._get_report_day() <= today)
        plans = plans.with_context(performance_skip_locked=True)._lock()
        plans._build_reports()
        plans._send_reports()
        plans._schedule_coaching()

    def _get_report_day(self):
        self.ensure_one()
        return week_tools.weekday_in_week(
            self.date_start, int(self.team_id.performance_report_day or 4)
        )

    def _build_reports(self):
        """Refresh the week's targets and store per line the actual and
        whether it met the plan. Batch: one refresh for all the targets."""
        lines = self.line_ids.filtered("target_id")
        lines.target_id.action_compute()
        # sudo: the report follows the plan, which nobody writes by hand.
        self.sudo().report_date = fields.Datetime.now()
        by_actual = defaultdict(lambda: lines.browse())
        for line in lines:
            by_actual[line.target_id.actual] |= line
        for actual, same in by_actual.items():
            same.sudo().actual = actual

    def _send_reports(self):
        """The salesperson's report as a message on their week, and one mail
        per team leader with the whole team, each in its reader's
        language."""
        template = self.env.ref("sales_performance.mail_template_week_report")
        for plan in self:
            plan.with_context(lang=plan.user_id.lang).message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=plan.user_id.partner_id.ids,
            )
        leader_template = self.env.ref(
            "sales_performance.mail_template_week_report_team"
        )
        by_leader = defaultdict(lambda: self.browse())
        for plan in self.filtered("manager_id"):
            by_leader[plan.manager_id] |= plan
        for leader, plans in by_leader.items():
            plans = plans.with_context(lang=leader.lang)
            leader_template.with_context(
                week_report_sections=plans._get_team_report_sections(),
                week_report_weeks=", ".join(
                    sorted(set(plans.period_id.mapped("name")))
                ),
            ).send_mail(leader.id)

    def _get_team_report_sections(self):
        """One table per team and week: a row per salesperson and KPI."""
        sections = []
        groups = defaultdict(lambda: self.browse())
        for plan in self:
            groups[plan.team_id, plan.period_id] |= plan
        base_url = self[:1].get_base_url()
        for (team, week), plans in groups.items():
            rows = []
            for plan in plans.sorted(lambda p: p.user_id.name or ""):
                for line in plan.line_ids:
                    rows.append(
                        {
                            "user": plan.user_id.name,
                            "kpi": line.kpi_id.name,
                            "plan": line.target_id._format_value(line.planned_value),
                            "actual": line.target_id._format_value(line.actual),
                            "met": line.met,
                            "verdict": _("Met") if line.met else _("Not met"),
                            "url": f"{base_url}/odoo/performance.week.plan/{plan.id}",
                        }
                    )
            sections.append(
                {
                    "title": _(
                        "%(team)s, week %(week)s", team=team.name or "", week=week.name
                    ),
                    "rows": rows,
                }
            )
        return sections

    # ------------------------------------------------------------
    # Coaching
    # ------------------------------------------------------------

    def _schedule_coaching(self):
        """A KPI whose plan was missed the company's number of weeks in a
        row (these weeks included) gives the team leader a coaching activity
        on the week, once per such run of weeks. Batch: one search of the
        lines of the weeks before, one create."""
        Line = self.env["performance.week.plan.line"]
        missed = self.line_ids.filtered(lambda line: line.target_id and not line.met)
        if not missed:
            return
        runs = {}
        for line in missed:
            runs[line] = max(line.company_id.performance_coaching_weeks, 1)
        longest = max(runs.values())
        earlier = Line.search(
            [
                ("user_id", "in", missed.user_id.ids),
                ("kpi_id", "in", missed.kpi_id.ids),
                ("plan_id.report_date", "!=", False),
                (
                    "period_id.date_start",
                    "<",
                    max(missed.period_id.mapped("date_start")),
                ),
                (
                    "period_id.date_start",
                    ">=",
                    min(missed.period_id.mapped("date_start"))
                    - timedelta(days=7 * longest),
                ),
            ]
        )
        history = {
            (line.user_id.id, line.kpi_id.id, line.period_id.date_start): line
            for line in earlier | missed
        }
        activity_type = self.env.ref("sales_performance.mail_activity_type_coaching")
        entries, coached = [], Line
        for line, weeks in runs.items():
            run = [
                history.get(
                    (
                        line.user_id.id,
                        line.kpi_id.id,
                        line.period_id.date_start - timedelta(days=7 * back),
                    )
                )
                for back in range(weeks)
            ]
            if any(not other or other.met or other.coached for other in run):
                continue
            coached |= line
            plan = line.plan_id
            entries.append(
                {
                    "record": plan,
                    "activity_type": activity_type,
                    "user": plan.manager_id,
                    "groups": ("sales_performance.group_performance_manager",),
                    "fallback": plan.company_id._get_performance_hr_officers(
                        excluded=plan.user_id
                    ),
                    "if_denied": "skip",
                    "summary": _(
                        "Coach %(user)s on %(kpi)s",
                        user=plan.user_id.name,
                        kpi=line.kpi_id.name,
                    ),
                    "note": _(
                        "%(user)s missed the plan of %(kpi)s %(weeks)s weeks in a row.",
                        user=plan.user_id.name,
                        kpi=line.kpi_id.name,
                        weeks=weeks,
                    ),
                }
            )
        self.env["performance.workflow.mixin"]._schedule_activities(entries)
        coached.sudo().coached = True


class PerformanceWeekPlanLine(models.Model):
    _inherit = "performance.week.plan.line"

    actual = fields.Float(readonly=True, copy=False, aggregator=False)
    report_date = fields.Datetime(related="plan_id.report_date")
    met = fields.Boolean(
        compute="_compute_met",
        store=True,
        help="The actual reached the plan (stayed under it for a KPI where "
        "lower is better).",
    )
    coached = fields.Boolean(
        readonly=True,
        copy=False,
        help="A coaching activity was scheduled for the run of missed weeks "
        "ending here.",
    )

    @api.depends("actual", "planned_value", "kpi_id.direction", "plan_id.report_date")
    def _compute_met(self):
        for line in self:
            if not line.plan_id.report_date:
                line.met = False
                continue
            higher = line.kpi_id.direction != "lower"
            line.met = (line.planned_value <= 0 and higher) or pace.attainment(
                line.actual, line.planned_value, higher
            ) >= 100.0

    def action_view_documents(self):
        self.ensure_one()
        return self.target_id.action_view_documents()
