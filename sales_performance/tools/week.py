"""Weeks: where a week starts, its name and the deadline of its plan. No
Odoo imports."""

from datetime import datetime, time, timedelta

import pytz


def week_start(day, first_weekday):
    """The first day of the week holding ``day`` when weeks start on
    ``first_weekday`` (0 = Monday ... 6 = Sunday)."""
    return day - timedelta(days=(day.weekday() - first_weekday) % 7)


def week_name(start):
    """The ISO week holding most of the seven days from ``start``
    (``2026-W50``): its Thursday for weeks starting on Monday."""
    iso_year, iso_week, _weekday = (start + timedelta(days=3)).isocalendar()
    return f"{iso_year}-W{iso_week:02d}"


def weekday_in_week(start, weekday):
    """The day of the week starting ``start`` that is ``weekday``."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def plan_deadline(start, weekday, hour, tz_name):
    """The deadline in UTC (naive, as Odoo stores it): the day of the week
    starting ``start`` that is ``weekday``, at ``hour`` (0 to 24) in the
    time zone ``tz_name``."""
    hours = min(max(hour, 0.0), 24.0)
    local = datetime.combine(weekday_in_week(start, weekday), time()) + timedelta(
        hours=hours
    )
    zone = pytz.timezone(tz_name or "UTC")
    return zone.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
