"""The bad-input catalogue (see test_bad_input_catalogue): its entry type,
the states entries prepare, and the entries of sales_performance."""

from typing import Any, NamedTuple

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time

SUITE_PREFIXES = ("performance.", "incentive.")
# Tables of Odoo that bad inputs of the suite reach.
OTHER_TABLES = ("sale_order", "account_move", "crm_team", "res_company")


class Entry(NamedTuple):
    name: str
    who: str
    act: Any
    error: type
    message: str
    prepare: Any = None
    # Refused before anything is written (buttons, guarded writes); False
    # where the request's rollback undoes what was written first.
    checked_first: bool = True


def _new_plan(env, t, rules, **vals):
    return env["incentive.plan"].create(
        t._plan_vals(rules, **{"name": "Bad Plan", **vals})
    )


def _tiers(env, t, tiers):
    return _new_plan(
        env, t, [{"kind": "tiered", "tier_basis": "amount", "tiers": tiers}]
    )


def _close_feb(t):
    t.feb.action_close()


def _closed_feb_target(t):
    target = t._target(10.0, owner=t.rep_1, period=t.feb)
    _close_feb(t)
    return target


def _team_parent(t, method):
    parent = t._target(100.0, owner=t.team_a, allocation_method=method)
    return parent


def _allocated(t, method="weight"):
    parent = _team_parent(t, method)
    parent.action_allocate()
    return parent


def _zero_weights(t):
    parent = _allocated(t, "manual")
    parent.child_ids.allocation_weight = 0.0
    parent.allocation_method = "weight"
    return parent


def _reallocated(t):
    with freeze_time("2025-01-10"):
        parent = _allocated(t, "equal")
        parent.with_context(performance_change_reason="Budget").target_value = 300.0
    return parent


def _reallocate(env, parent):
    with freeze_time("2025-01-10"):
        wizard = (
            env["performance.target.allocate"]
            .with_context(active_model="performance.target", active_ids=parent.ids)
            .create({"allocation_method": "equal"})
        )
        wizard.action_allocate()


def _started_change(env, target):
    with freeze_time("2025-01-10"):
        target.with_env(env).write({"target_value": 50.0})


def _other_company_period(t):
    return t.Period.create(
        {
            "name": "O",
            "date_start": "2025-01-01",
            "date_end": "2025-01-31",
            "company_id": t.company_b.id,
        }
    )


def _outer_ratio(t):
    return t.Kpi.create(
        {
            "name": "Outer",
            "code": "OUTER",
            "kind": "ratio",
            "unit": "number",
            "numerator_id": t.kpi_win_rate.id,
            "denominator_id": t.env.ref("sales_performance.kpi_collected").id,
        }
    )


def _template_vals(t, lines, bands=(), **vals):
    return {
        "name": "Bad Template",
        "line_ids": [
            Command.create({"kpi_id": t.kpi_visits.id, **line}) for line in lines
        ],
        "band_ids": [
            Command.create({"name": name, "min_score": low, "max_score": high})
            for name, low, high in bands
        ],
        **vals,
    }


def _approved_card(t):
    t.card.sudo().write({"state": "approved"})
    return t.card


def _submitted(t, statement):
    statement.action_submit()
    return statement


def _approved(t, statement):
    _submitted(t, statement).action_approve()
    return statement


def _dispute(t):
    _submitted(t, t.st_1)
    return (
        t.env["incentive.dispute"]
        .with_user(t.rep_1)
        .create({"line_id": t.st_1.line_ids[0].id, "reason": "Too low"})
        .with_env(t.env)
    )


def _export(env, model, **vals):
    wizard = env[model].create(vals)
    wizard.action_export()


BASE_ENTRIES = [
    # --------------------------------------------------------------
    # sales_performance: periods
    # --------------------------------------------------------------
    Entry(
        "period overlapping another of its type",
        "admin",
        lambda t, env, c: env["performance.period"].create(
            {"name": "Mid Jan", "date_start": "2025-01-20", "date_end": "2025-02-10"}
        ),
        ValidationError,
        "overlaps",
    ),
    Entry(
        "period ending before it starts",
        "admin",
        lambda t, env, c: env["performance.period"].create(
            {
                "name": "Bad",
                "period_type": "year",
                "date_start": "2040-02-01",
                "date_end": "2040-01-01",
            }
        ),
        ValidationError,
        "cannot end before it starts",
    ),
    Entry(
        "closing a closed period",
        "admin",
        lambda t, env, c: t.feb.with_env(env).action_close(),
        UserError,
        "The period 2025-02 is not open",
        prepare=_close_feb,
    ),
    Entry(
        "reopening an open period",
        "admin",
        lambda t, env, c: t.mar.with_env(env).action_reopen(),
        UserError,
        "is not closed",
    ),
    # --------------------------------------------------------------
    # sales_performance: targets
    # --------------------------------------------------------------
    Entry(
        "target on a closed period",
        "hr",
        lambda t, env, c: env["performance.target"].create(
            t._target_vals(10.0, period=t.feb)
        ),
        UserError,
        "closed: it takes no new targets",
        prepare=_close_feb,
    ),
    Entry(
        "change of a target of a closed period",
        "hr",
        lambda t, env, c: (
            c.with_env(env)
            .with_context(performance_change_reason="x")
            .write({"target_value": 20.0})
        ),
        UserError,
        "closed: its targets cannot change",
        prepare=lambda t: _closed_feb_target(t),
    ),
    Entry(
        "negative target",
        "hr",
        lambda t, env, c: env["performance.target"].create(t._target_vals(-1.0)),
        ValidationError,
        "cannot be negative",
    ),
    Entry(
        "target changed to a negative value",
        "hr",
        lambda t, env, c: (
            c.with_env(env)
            .with_context(performance_change_reason="x")
            .write({"target_value": -5.0})
        ),
        ValidationError,
        "cannot be negative",
        prepare=lambda t: t._target(5.0, period=t.feb),
    ),
    Entry(
        "negative allocation weight",
        "leader",
        lambda t, env, c: c.child_ids[0].with_env(env).write({"allocation_weight": -1}),
        ValidationError,
        "weight of .* cannot be negative",
        prepare=_allocated,
    ),
    Entry(
        "allocation by weights that are all zero",
        "leader",
        lambda t, env, c: c.with_env(env).action_allocate(),
        UserError,
        "at least one must be positive",
        prepare=_zero_weights,
    ),
    Entry(
        "allocation by last year's share without last year's actuals",
        "leader",
        lambda t, env, c: c.with_env(env).action_allocate(),
        UserError,
        "no actuals last year",
        prepare=lambda t: _team_parent(t, "history"),
        # The members' targets are created before last year is read.
        checked_first=False,
    ),
    Entry(
        "child target on another KPI than its parent",
        "hr",
        lambda t, env, c: env["performance.target"].create(
            t._target_vals(10.0, kpi=t.kpi_won, owner=t.rep_1, parent_id=c.id)
        ),
        ValidationError,
        "same KPI and period",
        prepare=lambda t: t._target(100.0, owner=t.team_a),
    ),
    Entry(
        "child target on another period than its parent",
        "hr",
        lambda t, env, c: env["performance.target"].create(
            t._target_vals(10.0, period=t.feb, owner=t.rep_1, parent_id=c.id)
        ),
        ValidationError,
        "same KPI and period",
        prepare=lambda t: t._target(100.0, owner=t.team_a),
    ),
    Entry(
        "salesperson target directly under a company target",
        "hr",
        lambda t, env, c: env["performance.target"].create(
            t._target_vals(10.0, owner=t.rep_1, parent_id=c.id)
        ),
        ValidationError,
        "cannot be a child",
        prepare=lambda t: t._target(100.0),
    ),
    Entry(
        "salesperson target under another team's target",
        "leader",
        lambda t, env, c: env["performance.target"].create(
            t._target_vals(10.0, owner=t.rep_3, parent_id=c.id)
        ),
        ValidationError,
        "is not a member of the sales team Team A",
        prepare=lambda t: t._target(100.0, owner=t.team_a),
    ),
    Entry(
        "second target for the same KPI, period and owner",
        "hr",
        lambda t, env, c: env["performance.target"].create(
            t._target_vals(20.0, owner=t.rep_1)
        ),
        ValidationError,
        "already a target",
        prepare=lambda t: t._target(10.0, owner=t.rep_1),
    ),
    Entry(
        "team target in another company than its team",
        "admin",
        lambda t, env, c: env["performance.target"].create(
            t._target_vals(1.0, period=c, owner=t.team_a, company_id=t.company_b.id)
        ),
        ValidationError,
        "its sales team Team A belongs to",
        prepare=_other_company_period,
    ),
    Entry(
        "change of a started target without a reason",
        "hr",
        lambda t, env, c: _started_change(env, c),
        UserError,
        "give a reason",
        prepare=lambda t: t._target(100.0, owner=t.rep_1),
    ),
    Entry(
        "re-allocation of a started period without a reason",
        "leader",
        lambda t, env, c: _reallocate(env, c),
        UserError,
        "give a reason",
        prepare=_reallocated,
    ),
    # --------------------------------------------------------------
    # sales_performance: KPIs
    # --------------------------------------------------------------
    Entry(
        "source KPI reading a field of another model",
        "admin",
        lambda t, env, c: env["performance.kpi"].create(
            {
                "name": "Broken",
                "code": "BROKEN",
                "kind": "source",
                "model_id": t.env.ref("account.model_account_move").id,
                "date_field_id": t.env.ref("crm.field_crm_lead__date_closed").id,
                "user_field_id": t.env.ref(
                    "account.field_account_move__invoice_user_id"
                ).id,
                "aggregation": "count",
            }
        ),
        ValidationError,
        "does not belong to the model account.move",
    ),
    Entry(
        "source KPI without a date field",
        "admin",
        lambda t, env, c: env["performance.kpi"].create(
            {
                "name": "Dateless",
                "code": "DATELESS",
                "kind": "source",
                "model_id": t.env.ref("account.model_account_move").id,
                "aggregation": "count",
            }
        ),
        ValidationError,
        "needs a source model, a date field",
    ),
    Entry(
        "source KPI domain cut short",
        "admin",
        lambda t, env, c: t.kpi_revenue.with_env(env).copy(
            {"code": "REV2", "domain": "[('state', '=', "}
        ),
        ValidationError,
        "domain of the KPI .* is not valid",
    ),
    Entry(
        "source KPI domain on an unknown field",
        "admin",
        lambda t, env, c: t.kpi_revenue.with_env(env).copy(
            {"code": "REV2", "domain": "[('no_such_field', '=', 1)]"}
        ),
        ValidationError,
        "domain of the KPI .* is not valid",
    ),
    Entry(
        "source KPI domain that is not a list",
        "admin",
        lambda t, env, c: t.kpi_revenue.with_env(env).copy(
            {"code": "REV2", "domain": "42"}
        ),
        ValidationError,
        "domain of the KPI .* is not valid",
    ),
    Entry(
        "ratio KPI dividing by itself",
        "admin",
        lambda t, env, c: t.kpi_win_rate.with_env(env).write(
            {"denominator_id": t.kpi_win_rate.id}
        ),
        ValidationError,
        "refers to itself",
    ),
    Entry(
        "ratio KPI referring to itself through another ratio",
        "admin",
        lambda t, env, c: t.kpi_win_rate.with_env(env).write({"numerator_id": c.id}),
        ValidationError,
        "refers to itself",
        prepare=_outer_ratio,
    ),
    Entry(
        "ratio KPI without a denominator",
        "admin",
        lambda t, env, c: env["performance.kpi"].create(
            {
                "name": "Half",
                "code": "HALF",
                "kind": "ratio",
                "unit": "number",
                "numerator_id": t.kpi_won.id,
            }
        ),
        ValidationError,
        "needs a numerator and a denominator",
    ),
    # --------------------------------------------------------------
    # sales_performance: scorecards
    # --------------------------------------------------------------
    Entry(
        "scorecard weights adding up to 90",
        "hr",
        lambda t, env, c: env["performance.scorecard.template"].create(
            _template_vals(t, [{"weight": 90}])
        ),
        ValidationError,
        "add up to 90.0 instead of 100",
    ),
    Entry(
        "negative scorecard weight",
        "hr",
        lambda t, env, c: env["performance.scorecard.template"].create(
            _template_vals(
                t,
                [{"weight": -10}, {"weight": 110, "kpi_id": t.kpi_revenue.id}],
            )
        ),
        ValidationError,
        "weight of Customer Visits cannot be negative",
    ),
    Entry(
        "scoring curve with the threshold above the target point",
        "hr",
        lambda t, env, c: env["performance.scorecard.template"].create(
            _template_vals(t, [{"weight": 100, "threshold": 120}])
        ),
        ValidationError,
        "needs threshold < target point < cap",
    ),
    Entry(
        "overlapping rating bands",
        "hr",
        lambda t, env, c: env["performance.scorecard.template"].create(
            _template_vals(t, [{"weight": 100}], bands=[("A", 50, 150), ("B", 0, 100)])
        ),
        ValidationError,
        "overlap",
    ),
    Entry(
        "negative appeal window",
        "hr",
        lambda t, env, c: env["performance.scorecard.template"].create(
            _template_vals(t, [{"weight": 100}], appeal_days=-1)
        ),
        ValidationError,
        "appeal window cannot be negative",
    ),
    Entry(
        "scorecard score typed in by the salesperson",
        "rep",
        lambda t, env, c: t.card.with_env(env).write({"total_score": 150.0}),
        AccessError,
        "change through their review buttons",
    ),
    Entry(
        "rating calibrated by a salesperson",
        "rep",
        lambda t, env, c: t.card.with_env(env).write(
            {"rating_override": "A", "calibration_comment": "Deserved"}
        ),
        AccessError,
        "Only HR calibrates ratings",
    ),
    Entry(
        "rating calibrated without a comment",
        "hr",
        lambda t, env, c: t.card.with_env(env).write({"rating_override": "A"}),
        UserError,
        "Explain the calibrated rating",
    ),
    Entry(
        "self review of an approved scorecard",
        "rep",
        lambda t, env, c: c.with_env(env).write({"self_review": "Late words"}),
        UserError,
        "approved and frozen",
        prepare=_approved_card,
    ),
    # --------------------------------------------------------------
    # sales_performance: anomaly rules (PostgreSQL constraints)
    # --------------------------------------------------------------
    Entry(
        "anomaly rule watching a window of zero days",
        "admin",
        lambda t, env, c: t.anomaly_rule.with_env(env).write({"window_days": 0}),
        ValidationError,
        "window of an anomaly rule must be at least one day",
    ),
    Entry(
        "anomaly rule tolerance above 100 %",
        "admin",
        lambda t, env, c: t.anomaly_rule.with_env(env).write({"tolerance_pct": 150}),
        ValidationError,
        "must lie between 0 and 100",
    ),
]
