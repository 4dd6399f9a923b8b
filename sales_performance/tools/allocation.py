"""Split a total between children, exactly to a given precision.

No Odoo imports: these functions are used by ``performance.target`` and tested
directly.
"""

from decimal import ROUND_HALF_UP, Decimal


class AllocationError(ValueError):
    """The weights cannot split a total (negative, all zero, none)."""


def _to_decimal(value):
    return Decimal(str(value))


def allocate(total, weights, precision=0.01):
    """Split ``total`` proportionally to ``weights``.

    Every share is a multiple of ``precision`` and the shares add up to
    ``total`` rounded to ``precision``, exactly. The units left over after
    flooring go one by one to the largest fractional remainders; ties go to the
    earlier position, so the result only depends on the order of ``weights``.
    Returns a list of floats in the order of ``weights``.
    """
    weights = [_to_decimal(weight) for weight in weights]
    if not weights:
        raise AllocationError("There is nothing to allocate to.")
    if any(weight < 0 for weight in weights):
        raise AllocationError("Allocation weights cannot be negative.")
    weight_sum = sum(weights)
    if not weight_sum:
        raise AllocationError("At least one allocation weight must be positive.")
    step = _to_decimal(precision)
    sign = -1 if total < 0 else 1
    units = int(
        (abs(_to_decimal(total)) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    )
    exact = [units * weight / weight_sum for weight in weights]
    shares = [int(value) for value in exact]
    left = units - sum(shares)
    by_remainder = sorted(
        range(len(weights)), key=lambda index: (-(exact[index] - shares[index]), index)
    )
    for index in by_remainder[:left]:
        shares[index] += 1
    return [float(sign * share * step) for share in shares]


def allocate_equal(total, count, precision=0.01):
    """Split ``total`` in ``count`` equal shares (see :func:`allocate`)."""
    return allocate(total, [1] * count, precision)
