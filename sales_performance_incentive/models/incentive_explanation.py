"""The sentences that explain a statement line, kept as facts and written
out in the reader's language when the line is read.

A statement stores what was computed (the rule, the amounts, the attainment)
as a list of facts, ``{"key": ..., "args": {...}}``; the sentence of each key
is a lazy translation below, and each argument is a plain value or a typed
value (money, number, date, record names, selection label, nested fact) that
is formatted in the reader's language. The figures never change, only the
words and the number format.
"""

from odoo import fields
from odoo.exceptions import MissingError
from odoo.tools import format_date
from odoo.tools.translate import LazyTranslate

from odoo.addons.sales_performance.models.performance_scorecard_line import (
    format_number,
)

_lt = LazyTranslate(__name__)

SENTENCES = {
    # Rates and fixed amounts
    "rate": _lt("%(rate)s %% of %(base)s credited %(what)s: %(amount)s."),
    "teams_led": _lt("to the teams led"),
    "credited_revenue": _lt("revenue"),
    "credited_margin": _lt("margin"),
    "spiff": _lt("%(quantity)s units of %(products)s at %(unit)s each: %(amount)s."),
    "bonus": _lt("Bonus of %(amount)s: %(condition)s."),
    "no_bonus": _lt("No bonus: %(condition)s."),
    "multiplier": _lt(
        "%(rate)s %% of the other rules' %(subtotal)s: %(amount)s (%(condition)s)."
    ),
    "no_multiplier": _lt("No multiplier: %(condition)s."),
    # Conditions
    "condition": _lt("%(label)s is %(value)s, condition %(operator)s %(limit)s"),
    "no_scorecard": _lt("no scorecard for the period"),
    "scorecard_score": _lt("scorecard score"),
    "attainment_of": _lt("attainment of %(kpi)s (%%)"),
    # Tiers
    "no_target": _lt("No payout: no target of %(kpi)s to measure attainment against."),
    "tier_applies": _lt(
        "%(mode)s tiers on %(base)s credited: the tier from %(lower)s applies, at "
        "%(rate)s %%: %(payout)s."
    ),
    "tier_none": _lt(
        "%(mode)s tiers on %(base)s credited: no paying tier reached yet, so "
        "%(payout)s."
    ),
    "tier_cumulative": _lt(
        "%(mode)s tiers on %(base)s credited since %(start)s: %(payout)s to "
        "date, less %(already)s already earned."
    ),
    "tier_next": _lt("%(gap)s more credited reaches the tier at %(rate)s %%."),
    "tier_next_attainment": _lt(
        "An attainment of %(attainment)s %% reaches the tier at %(rate)s %%."
    ),
    "tier_top": _lt("This is the top tier."),
    "of_target": _lt("%(pct)s %% of target (%(amount)s)"),
    "attainment_pct": _lt("%(pct)s %% attainment"),
    # Limits
    "below_threshold": _lt(
        "No payout: attainment of %(kpi)s is %(attainment)s %%, below the "
        "threshold of %(threshold)s %%."
    ),
    "below_plan": _lt(
        "No payout: attainment of %(kpi)s is %(attainment)s %%, below the plan "
        "threshold of %(threshold)s %%."
    ),
    "capped": _lt("Capped at %(cap)s."),
    "plan_cap": _lt(
        "Plan cap: the rules earned %(total)s, the plan pays at most %(cap)s per "
        "period."
    ),
}


# ------------------------------------------------------------
# Facts and typed values, as the engine writes them
# ------------------------------------------------------------


def fact(key, **args):
    """One sentence: its key in ``SENTENCES`` and its arguments."""
    assert key in SENTENCES, key
    return {"key": key, "args": args}


def money(amount, currency):
    return {"t": "money", "v": amount, "c": currency.id}


def number(value):
    """A percentage or a quantity: at most two decimals, none when whole."""
    return {"t": "num", "v": round(value, 2)}


def date(value):
    return {"t": "date", "v": fields.Date.to_string(value)}


def names(records):
    """The display names of ``records``, in the reader's language."""
    return {"t": "names", "m": records._name, "ids": records.ids}


def label(record, field_name):
    """The label of a selection field's value, in the reader's language."""
    return {"t": "sel", "m": record._name, "f": field_name, "v": record[field_name]}


def nested(a_fact):
    return {"t": "fact", "v": a_fact}


# ------------------------------------------------------------
# Reading them
# ------------------------------------------------------------


def render(env, facts):
    """The sentences of ``facts`` in the language of ``env``."""
    return " ".join(_render_fact(env, a_fact) for a_fact in facts or [])


def _render_fact(env, a_fact):
    template = SENTENCES.get(a_fact.get("key"))
    if template is None:
        return ""
    args = {name: _render_value(env, value) for name, value in a_fact["args"].items()}
    return template._translate(env.lang or "en_US") % args


def _render_value(env, value):
    if not isinstance(value, dict):
        return value
    kind = value.get("t")
    if kind == "money":
        return env["res.currency"].browse(value["c"]).format(value["v"])
    if kind == "num":
        return format_number(env, value["v"])
    if kind == "date":
        return format_date(env, value["v"])
    if kind == "names":
        # The names of the rule's own KPI and products, which the reader of
        # the line may see whatever their access to the records themselves.
        records = env[value["m"]].sudo().browse(value["ids"])
        try:
            return ", ".join(records.mapped("display_name"))
        except MissingError:
            # A KPI or product deleted since the line was written: left out.
            return ", ".join(records.exists().mapped("display_name")) or "-"
    if kind == "sel":
        field = env[value["m"]]._fields[value["f"]]
        return dict(field._description_selection(env)).get(value["v"], value["v"])
    if kind == "fact":
        return _render_fact(env, value["v"])
    return value
