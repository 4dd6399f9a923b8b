"""The weekly rhythm of the demo: Direct Sales and Key Accounts plan their
activities, new customers and won deals every week. Last week was planned
and reported on Friday, with a leader's question and a rep's answer on one
week; this week half the reps have submitted, one plan was sent back and the
others still have to plan. Called by ``performance.demo._demo_weeks``."""

import random
from datetime import timedelta

from odoo import Command, fields

DEMO = "sales_performance."


def demo_weeks(demo, company):
    """Create the demo weeks of ``company`` (once), as ``demo`` (the demo
    model with its fast context)."""
    Plan = demo.env["performance.week.plan"]
    if Plan.search_count([], limit=1):
        return
    teams = demo.env.ref(DEMO + "demo_team_direct") | demo.env.ref(
        DEMO + "demo_team_key_accounts"
    )
    kpis = (
        demo.env.ref(DEMO + "kpi_activities_done")
        | demo.env.ref(DEMO + "kpi_new_customers")
        | demo.env.ref(DEMO + "kpi_won_count")
    )
    teams.write({"performance_plan_kpi_ids": [Command.set(kpis.ids)]})
    today = fields.Date.context_today(demo)
    Period = demo.env["performance.period"]
    this_week = Period._get_week(today, company)
    last_week = Period._get_week(this_week.date_start - timedelta(days=7), company)
    rng = random.Random(18)
    last_plans = Plan._open_plans(last_week, teams)
    # The reps planned close to what then happened: some met, some not.
    happened = kpis._get_values(
        last_week.date_start,
        last_week.date_end,
        "user",
        set(last_plans.user_id.ids),
        company,
    )
    for plan in last_plans:
        _plan_values(rng, plan, happened)
    last_plans._build_reports()
    last_plans._send_reports()
    missed = last_plans.filtered(lambda plan: plan.met_count < plan.kpi_count)[:1]
    if missed:
        missed.with_user(missed.manager_id).message_post(
            body=demo.env._(
                "Some of your plan was not met this week: what got in the way?"
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        missed.with_user(missed.user_id).message_post(
            body=demo.env._(
                "Two customers postponed their meetings to next week; "
                "I have planned them in."
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
    plans = Plan._open_plans(this_week, teams)
    submitted = plans[: len(plans) // 2]
    for plan in submitted:
        _plan_values(rng, plan)
    sent_back = submitted[:1]
    if sent_back:
        sent_back.with_user(sent_back.manager_id).action_send_back(
            comment=demo.env._("Plan at least two new customers this week, please.")
        )
    # The others still have to plan: reminded once their deadline passed.
    Plan._remind()


def _plan_values(rng, plan, basis=None):
    """The rep plans a little around ``basis`` (``{kpi id: {user id:
    value}}``, by default last week's actuals) and submits."""
    own = plan.with_user(plan.user_id)
    for line in own.line_ids:
        base = basis[line.kpi_id.id][plan.user_id.id] if basis else line.previous_actual
        line.planned_value = max(0, base + rng.choice((-1, 0, 0, 1, 2)))
    own.action_submit()
