"""The bad-input catalogue's entries of agreed targets (rounds and
proposals of sales_performance)."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time

from .bad_input_base import Entry

# Team A's February targets are negotiated in January.
IN_JANUARY = "2025-01-20"


def _round(t):
    with freeze_time(IN_JANUARY):
        t._target(1000.0, owner=t.team_a, period=t.feb)
        rnd = (
            t.env["performance.target.round"]
            .with_user(t.leader_a)
            .create(
                {
                    "period_id": t.feb.id,
                    "team_id": t.team_a.id,
                    "deadline": "2025-01-25",
                }
            )
        )
        rnd.action_propose()
    return rnd.with_env(t.env)


def _rep_proposal(t):
    return _round(t).proposal_ids.filtered(lambda p: p.user_id == t.rep_1)


def _closed_round_proposal(t):
    proposal = _rep_proposal(t)
    proposal.round_id.with_user(t.leader_a).action_close()
    return proposal


def _decide_in_january(env, proposal):
    with freeze_time(IN_JANUARY):
        proposal.with_env(env).action_decide(420.0, "A fair middle")


def _started_round(t, env):
    env["performance.target.round"].create(
        {"period_id": t.jan.id, "team_id": t.team_a.id, "deadline": "2025-01-25"}
    ).action_propose()


PROPOSAL_ENTRIES = [
    Entry(
        "counter-proposal without a reason",
        "rep",
        lambda t, env, c: c.with_env(env).action_counter(400.0, " "),
        UserError,
        "Give the reason",
        prepare=_rep_proposal,
    ),
    Entry(
        "negative counter-proposal",
        "rep",
        lambda t, env, c: c.with_env(env).action_counter(-5.0, "Too high"),
        UserError,
        "cannot be negative",
        prepare=_rep_proposal,
    ),
    Entry(
        "answering a proposal of a closed round",
        "rep",
        lambda t, env, c: c.with_env(env).action_counter(400.0, "Too late"),
        UserError,
        "not negotiating",
        prepare=_closed_round_proposal,
    ),
    Entry(
        "accepting another salesperson's proposal",
        "rep_2",
        lambda t, env, c: c.with_env(env).action_accept(),
        AccessError,
        "doesn.t have .read. access",
        prepare=_rep_proposal,
    ),
    Entry(
        "HR deciding a target before the round's deadline",
        "hr",
        lambda t, env, c: _decide_in_january(env, c),
        UserError,
        "once the deadline",
        prepare=_rep_proposal,
    ),
    Entry(
        "changing a target under negotiation by hand",
        "leader",
        lambda t, env, c: c.target_id.with_env(env).write({"target_value": 1.0}),
        UserError,
        "negotiated in",
        prepare=_rep_proposal,
    ),
    Entry(
        "proposing the targets of a period already started",
        "leader",
        lambda t, env, c: _started_round(t, env),
        UserError,
        "coming period",
        checked_first=False,
    ),
]
