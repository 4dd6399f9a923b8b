"""Attainment, elapsed share and pace of a target. No Odoo imports."""

from datetime import timedelta

AHEAD = "ahead"
ON_TRACK = "on_track"
BEHIND = "behind"
NOT_STARTED = "not_started"


def attainment(actual, target, higher_is_better=True):
    """Attainment in percent of ``target``.

    Higher is better: actual / target. Lower is better: target / actual, so
    beating a ceiling scores above 100; an actual of zero meets any ceiling
    and counts as 100 % (there is no finite ratio to report). A target of zero
    has no meaningful attainment and returns 0.0.
    """
    if higher_is_better:
        return actual / target * 100.0 if target else 0.0
    if actual <= 0:
        return 100.0
    return target / actual * 100.0


def elapsed_share(date_start, date_end, today):
    """Share of [date_start, date_end] elapsed at the end of ``today``, in %."""
    if today < date_start:
        return 0.0
    if today >= date_end:
        return 100.0
    days = (date_end - date_start + timedelta(days=1)).days
    return ((today - date_start).days + 1) / days * 100.0


def pace_status(attainment_pct, elapsed_pct, margin, cumulative=True):
    """Compare attainment with where it should be by now.

    A cumulative KPI (a sum or a count over the period) should have reached the
    elapsed share of its target; any other KPI (a ratio, an average, a ceiling)
    should be at 100 % all along. ``margin`` is in percentage points.
    """
    if not elapsed_pct:
        return NOT_STARTED
    expected = elapsed_pct if cumulative else 100.0
    if attainment_pct < expected - margin:
        return BEHIND
    if attainment_pct > expected + margin:
        return AHEAD
    return ON_TRACK
