"""Robust statistics and grouping behind the anomaly rules. No Odoo imports."""

from datetime import timedelta

# With a history of identical amounts the MAD is 0 and any larger amount would
# be "far above"; the spread never counts as less than this share of the median.
MIN_RELATIVE_SPREAD = 0.1


def median(values):
    """Median of ``values``; 0.0 for no values."""
    ordered = sorted(values)
    count = len(ordered)
    if not count:
        return 0.0
    middle = count // 2
    if count % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def mad(values):
    """Median absolute deviation from the median."""
    centre = median(values)
    return median([abs(value - centre) for value in values])


def upper_fence(values, factor):
    """Median + ``factor`` × spread, the spread being the MAD but at least
    ``MIN_RELATIVE_SPREAD`` of the median."""
    centre = median(values)
    spread = max(mad(values), abs(centre) * MIN_RELATIVE_SPREAD)
    return centre + factor * spread


def is_far_above(value, history, factor, min_count=1):
    """Whether ``value`` lies above the upper fence of ``history``. A history
    shorter than ``min_count`` says nothing: never far above."""
    if len(history) < max(min_count, 1):
        return False
    return value > upper_fence(history, factor)


def in_band_below(amount, threshold, tolerance_pct):
    """Whether ``amount`` is under ``threshold`` by at most ``tolerance_pct`` %."""
    if threshold <= 0:
        return False
    return threshold * (1 - tolerance_pct / 100.0) <= amount < threshold


def bursts(items, min_count, window_days):
    """Groups of at least ``min_count`` items dated within ``window_days``.

    ``items`` are ``(date, key)`` pairs (dates or datetimes). Scanning in date
    order, each group is the longest run starting at an item and spanning less
    than ``window_days``; an item belongs to one group at most. Returns lists
    of keys, in date order.
    """
    ordered = sorted(items)
    window = timedelta(days=window_days)
    groups = []
    start = 0
    while start < len(ordered):
        end = start
        while end < len(ordered) and ordered[end][0] - ordered[start][0] < window:
            end += 1
        if end - start >= min_count:
            groups.append([key for __, key in ordered[start:end]])
            start = end
        else:
            start += 1
    return groups
