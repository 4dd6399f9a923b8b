"""Scoring curves and rating bands of a scorecard. No Odoo imports.

A curve maps the ratio of an actual to its target, in percent, to a score.
It passes through three points: (threshold, 0), (target, 100) and
(cap, max_score); it is 0 before the threshold, flat at ``max_score`` after
the cap and linear in between. For a lower-is-better KPI the points are
mirrored: threshold > target > cap, and the score grows as the ratio falls.
"""


class CurveError(ValueError):
    """The points of a curve are not in order."""


def check_curve(threshold, target, cap, max_score, higher_is_better=True):
    """Raise :class:`CurveError` unless the points are strictly in order."""
    points = (threshold, target, cap) if higher_is_better else (cap, target, threshold)
    if not points[0] < points[1] < points[2]:
        raise CurveError("curve points out of order")
    if max_score < 100:
        raise CurveError("the highest score is below 100")


def score(ratio, threshold, target, cap, max_score=150.0, higher_is_better=True):
    """Score of an actual at ``ratio`` percent of its target."""
    if not higher_is_better:
        return score(-ratio, -threshold, -target, -cap, max_score)
    if ratio <= threshold:
        return 0.0
    if ratio >= cap:
        return float(max_score)
    # min(): floating point must not lift a score past its bound.
    if ratio <= target:
        return min(100.0 * (ratio - threshold) / (target - threshold), 100.0)
    return min(
        100.0 + (max_score - 100.0) * (ratio - target) / (cap - target), max_score
    )


def weighted_total(scores_and_weights):
    """Total of ``(score, weight)`` pairs, the weights being percentages."""
    return sum(line_score * weight / 100.0 for line_score, weight in scores_and_weights)


def bands_overlap(bands):
    """First pair of overlapping ``(name, low, high)`` bands, or None.

    A band holds the scores from ``low`` included to ``high`` excluded.
    """
    ordered = sorted(bands, key=lambda band: band[1])
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after[1] < before[2]:
            return before, after
    return None


def rating(total, bands):
    """Name of the ``(name, low, high)`` band holding ``total``, or None.

    The highest band also holds its upper bound, so a perfect score rates.
    """
    top = max(bands, key=lambda band: band[2], default=None)
    for name, low, high in bands:
        if low <= total < high or (top and name == top[0] and total == high):
            return name
    return None
