"""The bad-input catalogue's entries of sales_performance_incentive."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError

from .bad_input_base import (
    Entry,
    _approved,
    _dispute,
    _export,
    _new_plan,
    _submitted,
    _tiers,
)

INCENTIVE_ENTRIES = [
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
        "payroll payment without its reference",
        "incentive_admin",
        lambda t, env, c: (
            env["incentive.pay"]
            .create({"statement_ids": [Command.set(t.st_1.ids)], "method": "payroll"})
            .action_confirm()
        ),
        UserError,
        "Give the reference of the payroll run",
    ),
    Entry(
        "payment entry without a journal",
        "incentive_admin",
        lambda t, env, c: (
            env["incentive.pay"]
            .create(
                {
                    "statement_ids": [Command.set(t.st_1.ids)],
                    "method": "entry",
                    "journal_id": False,
                }
            )
            .action_confirm()
        ),
        UserError,
        "Choose the bank or cash journal that paid them",
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
