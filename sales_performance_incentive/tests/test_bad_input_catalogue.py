"""Bad input, one table: who tries what, the error they get, and proof that
nothing changed.

Each entry names the least-privileged role that may try the input, a
``prepare`` run as the superuser before the snapshot (the state the input
meets), the ``act`` run as that role, the exception class expected exactly
and a regular expression of its message. Errors raised by PostgreSQL
constraints are reported as the RPC layer reports them to the user
(``odoo.service.model._as_validation_error``).

Nothing changes: the tables of the suite hash the same before the input and
after its refusal; and a button or guarded write must fail before it writes
anything, not only be rolled back (constraints check what was just written)."""

from datetime import date
from typing import Any, NamedTuple

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import _as_validation_error
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import IncentiveCommon

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


CATALOGUE = [
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
    # --------------------------------------------------------------
    # sales_performance_incentive: plans, rules, tiers
    # --------------------------------------------------------------
    Entry(
        "tiers leaving a gap",
        "incentive_admin",
        lambda t, env, c: _tiers(env, t, [(0, 100, 1), (120, None, 2)]),
        ValidationError,
        "leaves a gap",
    ),
    Entry(
        "overlapping tiers",
        "incentive_admin",
        lambda t, env, c: _tiers(env, t, [(0, 100, 1), (80, None, 2)]),
        ValidationError,
        "Tier 2 of Tiered overlaps",
    ),
    Entry(
        "first tier starting below zero",
        "incentive_admin",
        lambda t, env, c: _tiers(env, t, [(-10, 100, 1), (100, None, 2)]),
        ValidationError,
        "starts below zero",
    ),
    Entry(
        "tier ending before it starts",
        "incentive_admin",
        lambda t, env, c: _tiers(env, t, [(0, 100, 1), (100, 50, 2)]),
        ValidationError,
        "ends before it starts",
    ),
    Entry(
        "tiered rule without tiers",
        "incentive_admin",
        lambda t, env, c: _tiers(env, t, []),
        ValidationError,
        "has no tier",
    ),
    Entry(
        "negative tier rate",
        "incentive_admin",
        lambda t, env, c: _tiers(env, t, [(0, 100, 1), (100, None, -2)]),
        ValidationError,
        "has a negative rate",
    ),
    Entry(
        "negative rule rate",
        "incentive_admin",
        lambda t, env, c: _new_plan(env, t, [{"kind": "percentage", "rate": -1}]),
        ValidationError,
        "negative rate, amount, cap or threshold",
    ),
    Entry(
        "multiplier removing more than the whole payout",
        "incentive_admin",
        lambda t, env, c: _new_plan(
            env,
            t,
            [
                {
                    "kind": "multiplier",
                    "condition_measure": "score",
                    "multiplier_pct": -150,
                }
            ],
        ),
        ValidationError,
        "cannot remove more than the whole payout",
    ),
    Entry(
        "bonus without the KPI it reads",
        "incentive_admin",
        lambda t, env, c: _new_plan(env, t, [{"kind": "bonus", "amount": 10}]),
        ValidationError,
        "needs the KPI",
    ),
    Entry(
        "spiff without products",
        "incentive_admin",
        lambda t, env, c: _new_plan(env, t, [{"kind": "spiff", "amount": 10}]),
        ValidationError,
        "needs the products",
    ),
    Entry(
        "spiff ending before it starts",
        "incentive_admin",
        lambda t, env, c: _new_plan(
            env,
            t,
            [
                {
                    "kind": "spiff",
                    "amount": 10,
                    "product_ids": [Command.set(t.product_a.ids)],
                    "date_from": date(2025, 3, 1),
                    "date_to": date(2025, 2, 1),
                }
            ],
        ),
        ValidationError,
        "The spiff Spiff ends before it starts",
    ),
    Entry(
        "plan ending before it starts",
        "incentive_admin",
        lambda t, env, c: _new_plan(
            env, t, [{"kind": "percentage", "rate": 1}], date_end=date(2024, 12, 31)
        ),
        ValidationError,
        "ends before it starts",
    ),
    Entry(
        "negative plan cap",
        "incentive_admin",
        lambda t, env, c: _new_plan(
            env, t, [{"kind": "percentage", "rate": 1}], cap_amount=-5
        ),
        ValidationError,
        "cannot be negative",
    ),
    Entry(
        "salesperson twice in a plan over the same dates",
        "incentive_admin",
        lambda t, env, c: _new_plan(
            env, t, [{"kind": "percentage", "rate": 1}], users=[t.rep_1, t.rep_1]
        ),
        ValidationError,
        "takes part in .* twice",
    ),
    Entry(
        "participation ending before it starts",
        "incentive_admin",
        lambda t, env, c: env["incentive.plan.assignment"].create(
            {
                "plan_id": c.id,
                "user_id": t.rep_2.id,
                "date_start": date(2025, 6, 1),
                "date_end": date(2025, 5, 1),
            }
        ),
        ValidationError,
        "participation cannot end before it starts",
        prepare=lambda t: t._plan([{"kind": "percentage", "rate": 1}], publish=False),
    ),
    Entry(
        "negative target incentive",
        "incentive_admin",
        lambda t, env, c: env["incentive.plan.assignment"].create(
            {"plan_id": c.id, "user_id": t.rep_2.id, "target_incentive": -100}
        ),
        ValidationError,
        "target incentive cannot be negative",
        prepare=lambda t: t._plan([{"kind": "percentage", "rate": 1}], publish=False),
    ),
    Entry(
        "publishing a plan without participants",
        "incentive_admin",
        lambda t, env, c: c.with_env(env).action_publish(),
        UserError,
        "no participant",
        prepare=lambda t: t._plan(
            [{"kind": "percentage", "rate": 1}], users=[], publish=False
        ),
    ),
    Entry(
        "changing the terms of a published plan",
        "incentive_admin",
        lambda t, env, c: t.plan.with_env(env).write({"earn_on": "payment"}),
        UserError,
        "is published: its terms are locked",
    ),
    Entry(
        "changing a rule of a published plan",
        "incentive_admin",
        lambda t, env, c: t.plan.rule_ids.with_env(env).write({"rate": 50}),
        UserError,
        "is published: its terms are locked",
    ),
    Entry(
        "changing a tier of a published plan",
        "incentive_admin",
        lambda t, env, c: c.rule_ids.tier_ids[0].with_env(env).write({"rate": 50}),
        UserError,
        "is published: its terms are locked",
        prepare=lambda t: t._plan(
            [
                {
                    "kind": "tiered",
                    "tier_basis": "amount",
                    "tiers": [(0, 100, 1), (100, None, 2)],
                }
            ],
            users=t.rep_2,
            name="Tiered Plan",
        ),
    ),
    Entry(
        "accepting a plan still in draft",
        "rep",
        lambda t, env, c: c.assignment_ids.with_env(env).action_accept(),
        UserError,
        "Only a published plan can be accepted",
        prepare=lambda t: t._plan([{"kind": "percentage", "rate": 1}], publish=False),
    ),
    Entry(
        "statements for a period outside the plan's dates",
        "incentive_admin",
        lambda t, env, c: c.with_env(env).generate_statements(t.jan),
        UserError,
        "outside the dates",
        prepare=lambda t: t._plan(
            [{"kind": "percentage", "rate": 1}],
            users=t.rep_2,
            date_start=date(2025, 3, 1),
            date_end=date(2025, 6, 30),
        ),
    ),
    Entry(
        "credit splits adding up to 90 %",
        "rep",
        lambda t, env, c: c.with_env(env).write(
            {
                "incentive_split_ids": [
                    Command.create({"user_id": t.rep_1.id, "percentage": 50}),
                    Command.create({"user_id": t.rep_2.id, "percentage": 40}),
                ]
            }
        ),
        ValidationError,
        "add up to 90",
        prepare=lambda t: t.env["sale.order"].create(
            {"partner_id": t.customers[0].id, "user_id": t.rep_1.id}
        ),
    ),
    # --------------------------------------------------------------
    # sales_performance_incentive: statements
    # --------------------------------------------------------------
    Entry(
        "statement typed in by hand",
        "incentive_admin",
        lambda t, env, c: env["incentive.statement"].create(
            {
                "plan_id": t.plan.id,
                "user_id": t.rep_1.id,
                "period_id": t.feb.id,
                "company_id": t.env.company.id,
            }
        ),
        AccessError,
        "generated from their plan, not typed in",
    ),
    Entry(
        "statement state written by hand",
        "leader",
        lambda t, env, c: t.st_1.with_env(env).write({"state": "approved"}),
        AccessError,
        "change through their buttons, not by hand",
    ),
    Entry(
        "statement line typed in by hand",
        "incentive_admin",
        lambda t, env, c: env["incentive.statement.line"].create(
            {"statement_id": t.st_1.id, "name": "Bonus", "amount": 1000}
        ),
        AccessError,
        "not allowed to create .*Incentive Statement Line",
    ),
    Entry(
        "statement submitted by its salesperson",
        "rep",
        lambda t, env, c: t.st_1.with_env(env).action_submit(),
        AccessError,
        "Only incentive administrators and team leaders submit",
    ),
    Entry(
        "draft statement approved",
        "leader",
        lambda t, env, c: t.st_1.with_env(env).action_approve(),
        UserError,
        "is Draft: this action does not apply",
    ),
    Entry(
        "own statement approved",
        "incentive_admin",
        lambda t, env, c: c.with_env(env).action_approve(),
        AccessError,
        "Nobody approves or refuses their own statement",
        prepare=lambda t: _submitted(t, t.st_admin),
    ),
    Entry(
        "statement validated by a team leader",
        "leader",
        lambda t, env, c: c.with_env(env).action_validate(),
        AccessError,
        "Only the .* group validates statements",
        prepare=lambda t: _approved(t, t.st_1),
    ),
    Entry(
        "approved statement deleted",
        "incentive_admin",
        lambda t, env, c: c.with_env(env).unlink(),
        UserError,
        "Only draft statements can be deleted",
        prepare=lambda t: _approved(t, t.st_1),
    ),
    # --------------------------------------------------------------
    # sales_performance_incentive: disputes
    # --------------------------------------------------------------
    Entry(
        "dispute about no line",
        "rep",
        lambda t, env, c: env["incentive.dispute"].create({"reason": "Too low"}),
        UserError,
        "A dispute is about a line of a statement",
    ),
    Entry(
        "dispute raised by someone else than the salesperson",
        "leader",
        lambda t, env, c: env["incentive.dispute"].create(
            {"line_id": t.st_1.line_ids[0].id, "reason": "Too low"}
        ),
        AccessError,
        "Only the salesperson of a statement disputes its lines",
    ),
    Entry(
        "dispute on a draft statement",
        "rep",
        lambda t, env, c: env["incentive.dispute"].create(
            {"line_id": t.st_1.line_ids[0].id, "reason": "Too low"}
        ),
        UserError,
        "Its lines can be disputed once it is submitted",
    ),
    Entry(
        "line disputed while its dispute is open",
        "rep",
        lambda t, env, c: env["incentive.dispute"].create(
            {"line_id": c.line_id.id, "reason": "Again"}
        ),
        UserError,
        "is already disputed",
        prepare=_dispute,
    ),
    Entry(
        "dispute resolved by the salesperson who raised it",
        "rep",
        lambda t, env, c: c.with_env(env).action_reject("No"),
        AccessError,
        "Nobody resolves their own dispute",
        prepare=_dispute,
    ),
    Entry(
        "dispute accepted without an amount",
        "leader",
        lambda t, env, c: c.with_env(env).action_accept("Agreed", 0),
        UserError,
        "An accepted dispute grants an amount",
        prepare=_dispute,
    ),
    Entry(
        "dispute outcome written by hand",
        "leader",
        lambda t, env, c: c.with_env(env).write({"state": "accepted"}),
        AccessError,
        "resolved with their buttons",
        prepare=_dispute,
    ),
    # --------------------------------------------------------------
    # sales_performance_incentive: exports and estimator
    # --------------------------------------------------------------
    Entry(
        "statement export of no statement",
        "rep",
        lambda t, env, c: _export(env, "incentive.statement.export"),
        UserError,
        "Select the statements to export",
    ),
    Entry(
        "payroll export of a draft statement",
        "incentive_admin",
        lambda t, env, c: _export(
            env,
            "incentive.statement.export",
            mode="payroll",
            statement_ids=[Command.set(t.st_1.ids)],
        ),
        UserError,
        "Only validated statements go to payroll",
    ),
    Entry(
        "payroll export without a period",
        "incentive_admin",
        lambda t, env, c: _export(env, "incentive.statement.export", mode="payroll"),
        UserError,
        "Choose the period to pay",
    ),
    Entry(
        "payroll export by a salesperson",
        "rep",
        lambda t, env, c: _export(
            env, "incentive.statement.export", mode="payroll", period_id=t.jan.id
        ),
        AccessError,
        "and the incentive administrators export payroll",
    ),
    Entry(
        "scorecard export of no scorecard",
        "rep",
        lambda t, env, c: _export(env, "performance.scorecard.export"),
        UserError,
        "Select the scorecards to export",
    ),
    Entry(
        "estimate of a colleague's pay",
        "rep",
        lambda t, env, c: env["incentive.estimator"].create(
            {"user_id": t.rep_3.id, "amount": 1000}
        ),
        AccessError,
        "You can estimate your own pay and your team's only",
    ),
    Entry(
        "estimate without a published plan",
        "rep_2",
        lambda t, env, c: (
            env["incentive.estimator"].create({"amount": 1000}).action_estimate()
        ),
        UserError,
        "Rep 2 takes part in no published plan",
    ),
]


@tagged("post_install", "-at_install")
class TestBadInputCatalogue(IncentiveCommon):
    """Every bad input of the catalogue is refused with its translated message
    and leaves the database as it was."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.performance_hr_user_id = cls.hr_officer
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.perf_admin.company_ids |= cls.company_b
        cls.incentive_admin = new_test_user(
            cls.env,
            login="incentive_admin",
            name="Incentive Admin",
            groups="base.group_user,sales_performance_incentive.group_incentive_admin",
        )
        cls.actors = {
            "rep": cls.rep_1,
            "rep_2": cls.rep_2,
            "leader": cls.leader_a,
            "hr": cls.hr_officer,
            "admin": cls.perf_admin,
            "incentive_admin": cls.incentive_admin,
        }
        cls.kpi_visits = cls.Kpi.create(
            {"name": "Customer Visits", "code": "VISITS", "kind": "manual"}
        )
        template = cls.env["performance.scorecard.template"].create(
            {
                "name": "Field Sales",
                "team_ids": [Command.set(cls.team_a.ids)],
                "line_ids": [
                    Command.create(
                        {
                            "kpi_id": cls.kpi_visits.id,
                            "weight": 100,
                            "default_target": 10,
                        }
                    )
                ],
            }
        )
        cls.card = template.generate_scorecards(cls.jan).filtered(
            lambda card: card.user_id == cls.rep_1
        )
        cls.anomaly_rule = cls.env.ref("sales_performance.anomaly_rule_split_orders")
        cls._invoices(
            [
                (cls.rep_1, 10_000, date(2025, 1, 10)),
                (cls.rep_3, 20_000, date(2025, 1, 12)),
                (cls.incentive_admin, 5_000, date(2025, 1, 14)),
            ]
        )
        cls.plan = cls._plan(
            [{"kind": "percentage", "rate": 5}],
            users=cls.rep_1 | cls.rep_3 | cls.incentive_admin,
        )
        statements = cls.plan.generate_statements(cls.jan)
        cls.st_1, cls.st_admin = (
            statements.filtered(lambda st, user=user: st.user_id == user)
            for user in (cls.rep_1, cls.incentive_admin)
        )
        cls.snapshot_tables = sorted(
            {
                model._table
                for name, model in cls.env.registry.items()
                if name.startswith(SUITE_PREFIXES)
                and model._auto
                and not model._abstract
                and not model._transient
            }
            | set(OTHER_TABLES)
        )

    def _snapshot(self, flush=True):
        """A digest per table of the suite (and the Odoo tables it writes)."""
        if flush:
            self.env.flush_all()
        return {
            table: self.env.execute_query(
                SQL(
                    "SELECT md5(string_agg(t::text, '' ORDER BY t.id)) FROM %s t",
                    SQL.identifier(table),
                )
            )[0][0]
            for table in self.snapshot_tables
        }

    def _refusal(self, entry, context):
        """The error ``entry`` meets, as the user would get it, and the
        digests of what it had written when it failed (None when PostgreSQL
        refused it: the transaction cannot be read before its rollback)."""
        env = self.env(user=self.actors[entry.who])
        error = written = None
        try:
            with self.env.cr.savepoint():
                try:
                    # A refusal by a constraint is expected: not logged.
                    with mute_logger("odoo.sql_db"):
                        entry.act(self, env, context)
                        env.flush_all()
                except IntegrityError:
                    raise
                except Exception as caught:  # noqa: BLE001 - compared below
                    error = caught
                    written = self._snapshot(flush=False)
                    raise
        except IntegrityError as caught:
            error = _as_validation_error(self.env, caught)
        except Exception as caught:  # noqa: BLE001 - compared by the caller
            error = caught
        finally:
            self.env.invalidate_all()
        return error, written

    def test_catalogue_is_large_and_distinct(self):
        """At least forty bad inputs, each named once."""
        names = [entry.name for entry in CATALOGUE]
        self.assertGreaterEqual(len(names), 40)
        self.assertEqual(len(names), len(set(names)))

    def test_catalogue(self):
        """Each bad input is refused with its message and changes nothing."""
        for entry in CATALOGUE:
            with self.subTest(entry=entry.name):
                try:
                    # Each entry meets the fixtures as they were built.
                    with self.env.cr.savepoint(flush=False) as savepoint:
                        self._check_entry(entry)
                        savepoint.rollback()
                finally:
                    self.env.invalidate_all()

    def _check_entry(self, entry):
        context = entry.prepare(self) if entry.prepare else None
        before = self._snapshot()
        error, written = self._refusal(entry, context)
        self.assertIsNotNone(
            error, f"{entry.name!r} was accepted: expected {entry.error.__name__}"
        )
        self.assertIs(
            type(error),
            entry.error,
            f"{entry.name!r} raised {type(error).__name__}: {error}",
        )
        self.assertRegex(
            str(error), entry.message, f"{entry.name!r}: unexpected message"
        )
        after = self._snapshot()
        changed = [table for table in before if before[table] != after[table]]
        self.assertFalse(changed, f"{entry.name!r} changed the tables {changed}")
        # Buttons and guarded writes check before they write; constraints
        # check what was just written, which the request's rollback undoes.
        if (
            written is not None
            and entry.checked_first
            and entry.error is not ValidationError
        ):
            changed = [table for table in before if before[table] != written[table]]
            self.assertFalse(
                changed, f"{entry.name!r} wrote to {changed} before it failed"
            )
