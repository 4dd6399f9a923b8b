"""Bracket arithmetic of a tiered incentive rule. No Odoo imports.

A bracket set is a sequence of ``(lower, upper, rate)`` tuples, read in the
order given. A bracket holds the bases from ``lower`` included to ``upper``
excluded; each ``lower`` equals the previous ``upper`` exactly, the first is
at least 0, and ``rate`` is a percentage, at least 0. Only the last bracket
may have ``upper = None``: it is open-ended.

Two ways of paying a base:

* ``marginal``: each bracket pays its rate on the part of the base inside it,
  as income tax does. If the last bracket has a finite ``upper``, the part of
  the base above it earns nothing.
* ``whole``: the rate of the bracket the base reaches applies to the whole
  base. The last bracket also takes every base at or above its ``upper``, so
  a finite ``upper`` there changes nothing in this mode.

A base below the first ``lower`` earns 0 in both modes. Breakpoints may be
amounts or percentages of a target; :func:`scale` turns the latter into the
former. Floats in, floats out, never rounded: the caller rounds once, in the
currency of the amount.
"""

MODES = ("marginal", "whole")


class BracketError(ValueError):
    """A bracket set is not valid; ``code`` says why, ``index`` where."""

    def __init__(self, code, index=None):
        super().__init__(code, index)
        self.code = code
        self.index = index

    def __str__(self):
        if self.index is None:
            return self.code
        return f"{self.code} (bracket {self.index})"


def check_brackets(brackets):
    """Raise :class:`BracketError` on the first bracket breaking a rule.

    Codes: ``empty``, ``negative_lower`` (first lower below 0), ``gap`` and
    ``overlap`` (a lower above or below the previous upper), ``open_end`` (no
    upper before the last bracket), ``order`` (lower not below upper),
    ``negative_rate``.
    """
    if not brackets:
        raise BracketError("empty")
    last = len(brackets) - 1
    previous_upper = None
    for index, (lower, upper, rate) in enumerate(brackets):
        if index == 0 and lower < 0:
            raise BracketError("negative_lower", index)
        if index and lower > previous_upper:
            raise BracketError("gap", index)
        if index and lower < previous_upper:
            raise BracketError("overlap", index)
        if upper is None and index < last:
            raise BracketError("open_end", index)
        if upper is not None and not lower < upper:
            raise BracketError("order", index)
        if rate < 0:
            raise BracketError("negative_rate", index)
        previous_upper = upper
    return None


def bracket_parts(base, brackets):
    """``(lower, upper, rate, part, amount)`` of each bracket the base reaches.

    ``part`` is the share of the base inside the bracket and ``amount`` its
    marginal payout; brackets the base does not get into are left out.
    """
    parts = []
    for lower, upper, rate in brackets:
        top = base if upper is None else min(base, upper)
        if top > lower:
            part = top - lower
            parts.append((lower, upper, rate, part, rate / 100 * part))
    return parts


def marginal(base, brackets):
    """Each bracket's rate on the part of ``base`` inside it, summed."""
    return sum((part[4] for part in bracket_parts(base, brackets)), 0.0)


def whole(base, brackets):
    """The rate of the bracket ``base`` reaches, on the whole base."""
    last = len(brackets) - 1
    for index, (lower, upper, rate) in enumerate(brackets):
        if lower <= base and (index == last or upper is None or base < upper):
            return rate / 100 * base
    return 0.0


def payout(base, brackets, mode):
    """Payout of ``base`` in ``mode``, ``"marginal"`` or ``"whole"``."""
    if mode == "marginal":
        return marginal(base, brackets)
    if mode == "whole":
        return whole(base, brackets)
    raise ValueError(f"unknown bracket mode {mode!r}, expected one of {MODES}")


def scale(brackets, factor):
    """Brackets with their breakpoints multiplied by ``factor``.

    ``scale(brackets, target / 100)`` turns breakpoints in percent of a target
    into amounts. A target of 0 collapses every breakpoint to 0.
    """
    return [
        (lower * factor, None if upper is None else upper * factor, rate)
        for lower, upper, rate in brackets
    ]


def payout_on_attainment(base, attainment, brackets, mode):
    """Payout of ``base`` under brackets on ``attainment`` (in percent):
    each bracket's rate on the share of the base its part of the attainment
    stands for (marginal), or the reached bracket's rate on all of it
    (whole). No attainment pays nothing.

    When the attainment is the base's own share of a target, this equals
    ``payout(base, scale(brackets, target / 100), mode)``; it also pays a
    base by the attainment of another measure, such as a KPI where lower is
    better.
    """
    if attainment <= 0 or not base:
        return 0.0
    return payout(attainment, brackets, mode) * base / attainment


def position(value, brackets):
    """Where ``value`` stands in the brackets: ``(index, next)``, the index of
    the bracket holding it (``None`` below the first) and the next bracket
    ``(lower, upper, rate)`` it would reach (``None`` in the last one)."""
    index = None
    for number, (lower, _upper, _rate) in enumerate(brackets):
        if value >= lower:
            index = number
    following = 0 if index is None else index + 1
    return index, brackets[following] if following < len(brackets) else None


def apply_cap(amount, cap):
    """``amount``, at most ``cap``; ``None`` means no cap, 0 a cap of zero."""
    return amount if cap is None else min(amount, cap)


def apply_threshold(amount, attainment, threshold):
    """0 when ``attainment`` is below ``threshold``, else ``amount``."""
    if threshold is not None and attainment < threshold:
        return 0.0
    return amount
