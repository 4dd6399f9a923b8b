"""Date ranges before a period. No Odoo imports."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta


def previous_range(date_from, date_to):
    """The range of equal length just before ``[date_from, date_to]``.

    Whole calendar months (a month, a quarter, a year: from the first of a
    month to the last day of a month) step back by as many months, so the
    period before March is February, not the 31 days before March. Any
    other range (a week, a few days) steps back by its number of days.
    """
    if date_to < date_from:
        raise ValueError("date_to is before date_from")
    next_day = date_to + timedelta(days=1)
    if date_from.day == 1 and next_day.day == 1:
        delta = relativedelta(next_day, date_from)
        months = delta.years * 12 + delta.months
        return date_from - relativedelta(months=months), date_from - timedelta(days=1)
    days = (date_to - date_from).days + 1
    return date_from - timedelta(days=days), date_from - timedelta(days=1)
