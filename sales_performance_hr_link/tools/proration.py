"""Prorate targets and incentive targets by the working days available.

No Odoo imports: ``performance.target`` and the incentive models build the
working days of a period from the employee's resource calendar and the
validated leaves, then call these functions; the tests call them directly.

Conventions:

- A period is described by its *working days*: a mapping ``{date: fraction}``
  (1.0 for a full working day, 0.5 for a half day under the schedule), or an
  iterable of dates that each count 1.0 (a date listed twice counts once).
  Negative fractions count as 0.
- *Leaves* are a mapping ``{date: fraction of that day on validated leave}``.
  A leave never takes more than the day's own fraction, and a leave on a
  non-working day (a weekend, a public holiday, outside the period) takes
  nothing.
- ``datetime`` values are read as their date; in a mapping, the fractions of
  several datetimes on one date add up (a morning and an afternoon leave).
- Employment limits are inclusive: the employee works on ``hire_date`` and on
  ``departure_date``; days before the first or after the second count
  nothing. ``None`` means no limit.
- Results are floats with no rounding; the caller rounds amounts by currency.
  ``available_days(working_days)`` with no leave nor limit is the period's
  total, the denominator of ``proration_factor``.
- Days are summed in date order, so the same days always give the same float,
  a period without leave nor limit has a factor of exactly 1.0, and more
  leave never raises the factor.
"""

from datetime import datetime, timedelta

MONDAY_TO_FRIDAY = (0, 1, 2, 3, 4)


def _day(value):
    return value.date() if isinstance(value, datetime) else value


def _per_day(mapping):
    """``{date: fraction}``, adding up fractions of datetimes on the same date."""
    days = {}
    for day, fraction in mapping.items():
        day = _day(day)
        days[day] = days.get(day, 0.0) + max(float(fraction or 0.0), 0.0)
    return days


def _fractions(working_days):
    """``{date: fraction}`` from a mapping or an iterable of dates."""
    if hasattr(working_days, "items"):
        return _per_day(working_days)
    return {_day(day): 1.0 for day in working_days}


def _totals(working_days, leaves, hire_date, departure_date):
    """(available days, total working days) of the period, summed in date order."""
    fractions = _fractions(working_days)
    leaves = _per_day(leaves or {})
    hire_date, departure_date = _day(hire_date), _day(departure_date)
    available = total = 0.0
    for day in sorted(fractions):
        fraction = fractions[day]
        total += fraction
        if (hire_date is not None and day < hire_date) or (
            departure_date is not None and day > departure_date
        ):
            continue
        leave = min(leaves.get(day, 0.0), fraction)
        available += fraction - leave
    return available, total


def available_days(working_days, leaves=None, hire_date=None, departure_date=None):
    """Working days of the period the employee is employed and not on leave.

    ``working_days`` maps each working date to its fraction of a day (or is an
    iterable of dates, each a full day); ``leaves`` maps dates to the fraction
    of the day on validated leave, clipped to the day's fraction; days outside
    [``hire_date``, ``departure_date``] count nothing.
    """
    return _totals(working_days, leaves, hire_date, departure_date)[0]


def proration_factor(working_days, leaves=None, hire_date=None, departure_date=None):
    """Available days / working days of the period, within [0, 1].

    A period with no working day at all (an empty calendar, a month of public
    holidays) has nothing to prorate against and returns 0.0: the target of an
    employee who cannot work in the period is nil.
    """
    available, total = _totals(working_days, leaves, hire_date, departure_date)
    if total <= 0:
        return 0.0
    return min(max(available / total, 0.0), 1.0)


def working_days_between(date_from, date_to, weekdays=MONDAY_TO_FRIDAY, holidays=()):
    """``{date: 1.0}`` for the days of [date_from, date_to] that are worked.

    A day is worked when its ``weekday()`` (Monday is 0) is in ``weekdays`` and
    it is not in ``holidays``. Used when the employee has no resource calendar,
    and in tests. An empty dict when ``date_from`` is after ``date_to``.
    """
    date_from, date_to = _day(date_from), _day(date_to)
    weekdays = set(weekdays)
    holidays = {_day(holiday) for holiday in holidays}
    days = {}
    day = date_from
    while day <= date_to:
        if day.weekday() in weekdays and day not in holidays:
            days[day] = 1.0
        day += timedelta(days=1)
    return days


def prorate(amount, factor):
    """``amount`` × ``factor``, unrounded: the caller rounds by currency."""
    return amount * factor
