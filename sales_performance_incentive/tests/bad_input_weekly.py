"""The bad-input catalogue's entries of the weekly rhythm: week plans and
manual KPI values (sales_performance)."""

from odoo.exceptions import AccessError, UserError, ValidationError

from .bad_input_base import Entry, _close_feb


def _week_plan(t, submit=False):
    t.team_a.performance_plan_kpi_ids = t.kpi_revenue
    week = t.env["performance.period"]._get_week(t.jan.date_start, t.env.company)
    plans = t.env["performance.week.plan"]._open_plans(week, t.team_a)
    plan = plans.filtered(lambda plan: plan.user_id == t.rep_1)
    if submit:
        plan.with_user(t.rep_1).action_submit()
    return plan


def _manual(t, kpi, value, period=None):
    xmlid = "customer_satisfaction" if kpi == "csat" else kpi
    return {
        "period_id": (period or t.jan).id,
        "user_id": t.rep_1.id,
        "kpi_id": t.env.ref(f"sales_performance.kpi_{xmlid}").id,
        "value": value,
    }


WEEKLY_ENTRIES = [
    # --------------------------------------------------------------
    # sales_performance: week plans
    # --------------------------------------------------------------
    Entry(
        "negative week plan",
        "rep",
        lambda t, env, c: c.line_ids.with_env(env).write({"planned_value": -1}),
        ValidationError,
        "plan of .* cannot be negative",
        prepare=_week_plan,
        checked_first=False,
    ),
    Entry(
        "week plan changed once submitted",
        "rep",
        lambda t, env, c: c.line_ids.with_env(env).write({"planned_value": 3}),
        UserError,
        "ask your team leader to send it back",
        prepare=lambda t: _week_plan(t, submit=True),
    ),
    Entry(
        "week plan submitted by the team leader",
        "leader",
        lambda t, env, c: c.with_env(env).action_submit(),
        AccessError,
        "Only .* submits the plan",
        prepare=_week_plan,
    ),
    # --------------------------------------------------------------
    # sales_performance: manual KPI values
    # --------------------------------------------------------------
    Entry(
        "manual percentage above 100",
        "leader",
        lambda t, env, c: env["performance.kpi.value"].create(_manual(t, "csat", 101)),
        ValidationError,
        "is not between 0 and 100",
    ),
    Entry(
        "negative manual count",
        "hr",
        lambda t, env, c: env["performance.kpi.value"].create(
            _manual(t, "training_sessions", -2)
        ),
        ValidationError,
        "cannot be negative",
    ),
    Entry(
        "manual value in a closed period",
        "hr",
        lambda t, env, c: env["performance.kpi.value"].create(
            _manual(t, "csat", 80, t.feb)
        ),
        UserError,
        "closed: its KPI values cannot change",
        prepare=_close_feb,
    ),
]
