from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from odoo.addons.sales_performance.tests.property_settings import EXAMPLES

from ..tools import proration

SEPTEMBER = proration.working_days_between(date(2025, 9, 1), date(2025, 9, 30))
WORKING_DAYS = sorted(SEPTEMBER)

days = st.dates(min_value=date(2024, 12, 1), max_value=date(2026, 3, 31))
fractions = st.sampled_from((0.25, 0.5, 0.75, 1.0)) | st.floats(0, 1)
leave_maps = st.dictionaries(days, fractions, max_size=40)
limits = st.none() | days


@st.composite
def periods(draw):
    """Working days of a period of up to 120 days: weekdays, holidays, half days."""
    start = draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2025, 12, 31)))
    end = start + timedelta(days=draw(st.integers(0, 119)))
    weekdays = draw(st.sets(st.integers(0, 6)))
    holidays = draw(st.sets(st.dates(min_value=start, max_value=end), max_size=10))
    working = proration.working_days_between(start, end, weekdays, holidays)
    half_days = draw(st.sets(st.sampled_from(sorted(working)))) if working else ()
    for day in half_days:
        working[day] = 0.5
    return start, end, working


@tagged("post_install", "-at_install")
class TestProration(BaseCase):
    def test_september_2025_has_22_working_days(self):
        """September 2025 counts 22 weekdays, the month of the worked examples."""
        self.assertEqual(len(SEPTEMBER), 22)
        self.assertEqual(proration.available_days(SEPTEMBER), 22.0)
        self.assertEqual(WORKING_DAYS[0], date(2025, 9, 1))
        self.assertEqual(WORKING_DAYS[-1], date(2025, 9, 30))

    def test_leave_reduces_target(self):
        """5 leave days of 22: 17/22, 110,000 becomes 85,000 and 2,200 becomes 1,700."""
        leaves = {date(2025, 9, day): 1.0 for day in range(8, 13)}
        self.assertEqual(proration.available_days(SEPTEMBER, leaves), 17.0)
        factor = proration.proration_factor(SEPTEMBER, leaves)
        self.assertEqual(factor, 17 / 22)
        self.assertEqual(round(proration.prorate(110000, factor), 2), 85000.0)
        self.assertEqual(round(proration.prorate(2200, factor), 2), 1700.0)

    def test_hire_inside_period(self):
        """A hire on the 11th working day of a 22-day month leaves 12/22."""
        hire = WORKING_DAYS[10]
        self.assertEqual(hire, date(2025, 9, 15))
        self.assertEqual(proration.available_days(SEPTEMBER, hire_date=hire), 12.0)
        self.assertEqual(proration.proration_factor(SEPTEMBER, hire_date=hire), 12 / 22)

    def test_departure_inside_period(self):
        """A departure on the 10th working day of a 22-day month leaves 10/22."""
        departure = WORKING_DAYS[9]
        self.assertEqual(departure, date(2025, 9, 12))
        factor = proration.proration_factor(SEPTEMBER, departure_date=departure)
        self.assertEqual(factor, 10 / 22)

    def test_employment_limits_inclusive(self):
        """Hire and departure days are worked; a stint on a weekend counts nothing."""
        one_day = date(2025, 9, 17)
        self.assertEqual(
            proration.available_days(SEPTEMBER, None, one_day, one_day), 1.0
        )
        saturday = date(2025, 9, 20)
        self.assertEqual(
            proration.available_days(SEPTEMBER, None, saturday, saturday), 0.0
        )
        self.assertEqual(
            proration.proration_factor(
                SEPTEMBER, hire_date=date(2025, 10, 1), departure_date=date(2025, 8, 31)
            ),
            0.0,
        )

    def test_half_day_leave(self):
        """A half-day leave counts 0.5; a morning and an afternoon make a day."""
        leaves = {date(2025, 9, 3): 0.5}
        self.assertEqual(proration.available_days(SEPTEMBER, leaves), 21.5)
        self.assertEqual(proration.proration_factor(SEPTEMBER, leaves), 21.5 / 22)
        halves = {datetime(2025, 9, 3, 8): 0.5, datetime(2025, 9, 3, 13): 0.5}
        self.assertEqual(proration.available_days(SEPTEMBER, halves), 21.0)

    def test_leave_clipped_to_day(self):
        """Leave takes at most the day's own fraction, and nothing off a working day."""
        working = {date(2025, 9, 5): 0.5, date(2025, 9, 8): 1.0}
        self.assertEqual(
            proration.available_days(working, {date(2025, 9, 5): 1.0}), 1.0
        )
        self.assertEqual(
            proration.available_days(working, {date(2025, 9, 6): 1.0}), 1.5
        )
        self.assertEqual(
            proration.available_days(working, {date(2025, 9, 8): 2.0}), 0.5
        )

    def test_iterable_of_dates(self):
        """An iterable of dates counts each date once as a full day."""
        self.assertEqual(proration.available_days(WORKING_DAYS), 22.0)
        self.assertEqual(
            proration.available_days(WORKING_DAYS + WORKING_DAYS[:3]), 22.0
        )
        self.assertEqual(
            proration.proration_factor(iter(WORKING_DAYS), {WORKING_DAYS[0]: 1.0}),
            21 / 22,
        )

    def test_no_working_day(self):
        """A period without a working day has a factor of 0.0."""
        self.assertEqual(proration.proration_factor({}), 0.0)
        self.assertEqual(proration.proration_factor([]), 0.0)
        weekend = proration.working_days_between(date(2025, 9, 6), date(2025, 9, 7))
        self.assertEqual(weekend, {})
        self.assertEqual(proration.proration_factor({date(2025, 9, 1): 0.0}), 0.0)

    def test_working_days_between(self):
        """Weekdays in the set, holidays out, bounds included, empty when reversed."""
        days = proration.working_days_between(
            date(2025, 12, 22), date(2025, 12, 28), holidays=[date(2025, 12, 25)]
        )
        self.assertEqual(days, {date(2025, 12, day): 1.0 for day in (22, 23, 24, 26)})
        sundays = proration.working_days_between(
            date(2025, 9, 1), date(2025, 9, 30), weekdays=(6,)
        )
        self.assertEqual(len(sundays), 4)
        self.assertEqual(
            proration.working_days_between(date(2025, 9, 2), date(2025, 9, 1)), {}
        )

    def test_prorate_unrounded(self):
        """Prorating multiplies and leaves the rounding to the caller."""
        self.assertEqual(proration.prorate(1000, 0.5), 500.0)
        self.assertEqual(proration.prorate(100, 1 / 3), 100 * (1 / 3))

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(period=periods(), leaves=leave_maps, hire=limits, departure=limits)
    def test_factor_bounded(self, period, leaves, hire, departure):
        """The factor stays within [0, 1] and available days within the total."""
        working = period[2]
        factor = proration.proration_factor(working, leaves, hire, departure)
        self.assertTrue(0.0 <= factor <= 1.0)
        available = proration.available_days(working, leaves, hire, departure)
        self.assertTrue(0.0 <= available <= proration.available_days(working))

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(period=periods())
    def test_full_period_factor_one(self, period):
        """Without leave nor employment limits, any working period has a factor of 1."""
        start, end, working = period
        expected = 1.0 if working else 0.0
        self.assertEqual(proration.proration_factor(working), expected)
        self.assertEqual(proration.proration_factor(working, {}, start, end), expected)

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(
        period=periods(),
        cut=st.integers(0, 120),
        leaves=leave_maps,
        hire=limits,
        departure=limits,
    )
    def test_additive_over_sub_periods(self, period, cut, leaves, hire, departure):
        """Available days and weighted factors of two consecutive parts add up."""
        start, end, working = period
        split = start + timedelta(days=cut % ((end - start).days + 1))
        first = {day: value for day, value in working.items() if day < split}
        second = {day: value for day, value in working.items() if day >= split}
        args = (leaves, hire, departure)
        self.assertAlmostEqual(
            proration.available_days(working, *args),
            proration.available_days(first, *args)
            + proration.available_days(second, *args),
            places=9,
        )
        total = proration.available_days(working)
        weighted = sum(
            proration.proration_factor(part, *args) * proration.available_days(part)
            for part in (first, second)
        )
        whole = proration.proration_factor(working, *args)
        self.assertAlmostEqual(weighted / total if total else 0.0, whole, places=9)

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(
        period=periods(),
        leaves=leave_maps,
        more=leave_maps,
        hire=limits,
        departure=limits,
    )
    def test_more_leave_never_raises(self, period, leaves, more, hire, departure):
        """Adding leave days or lengthening leaves never increases the factor."""
        working = period[2]
        extended = dict(leaves)
        for day, fraction in more.items():
            extended[day] = max(extended.get(day, 0.0), fraction)
        self.assertLessEqual(
            proration.proration_factor(working, extended, hire, departure),
            proration.proration_factor(working, leaves, hire, departure),
        )

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(
        period=periods(),
        leaves=leave_maps,
        outside=leave_maps,
        hire=limits,
        departure=limits,
    )
    def test_leave_outside_period_ignored(
        self, period, leaves, outside, hire, departure
    ):
        """Leave on dates outside the period changes nothing."""
        start, end, working = period
        extra = {
            day: value for day, value in outside.items() if not start <= day <= end
        }
        args = (hire, departure)
        self.assertEqual(
            proration.proration_factor(working, {**extra, **leaves}, *args),
            proration.proration_factor(working, leaves, *args),
        )
        self.assertEqual(
            proration.available_days(working, {**extra, **leaves}, *args),
            proration.available_days(working, leaves, *args),
        )
