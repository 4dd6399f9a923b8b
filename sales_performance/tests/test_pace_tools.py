from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from ..tools import pace
from .property_settings import EXAMPLES


@tagged("post_install", "-at_install")
class TestPaceTools(BaseCase):
    def test_attainment(self):
        """Attainment is actual / target, or target / actual when lower is better."""
        self.assertEqual(pace.attainment(1_200_000, 1_000_000), 120.0)
        self.assertEqual(pace.attainment(5, 0), 0.0)
        self.assertEqual(pace.attainment(4, 2, higher_is_better=False), 50.0)
        self.assertEqual(pace.attainment(0, 2, higher_is_better=False), 100.0)

    def test_elapsed_share(self):
        """Elapsed share counts whole days, today included."""
        start, end = date(2025, 1, 1), date(2025, 1, 31)
        self.assertEqual(pace.elapsed_share(start, end, date(2024, 12, 31)), 0.0)
        self.assertAlmostEqual(
            pace.elapsed_share(start, end, date(2025, 1, 1)), 100 / 31
        )
        self.assertAlmostEqual(
            pace.elapsed_share(start, end, date(2025, 1, 16)), 1600 / 31
        )
        self.assertEqual(pace.elapsed_share(start, end, date(2025, 1, 31)), 100.0)
        self.assertEqual(pace.elapsed_share(start, end, date(2025, 3, 1)), 100.0)

    def test_pace_status(self):
        """Behind or ahead by more than the margin; ratios compare with 100 %."""
        self.assertEqual(pace.pace_status(30, 50, 10), pace.BEHIND)
        self.assertEqual(pace.pace_status(45, 50, 10), pace.ON_TRACK)
        self.assertEqual(pace.pace_status(61, 50, 10), pace.AHEAD)
        self.assertEqual(pace.pace_status(95, 50, 10, cumulative=False), pace.ON_TRACK)
        self.assertEqual(pace.pace_status(60, 50, 10, cumulative=False), pace.BEHIND)
        self.assertEqual(pace.pace_status(0, 0, 10), pace.NOT_STARTED)

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(
        start=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
        days=st.integers(min_value=0, max_value=400),
        offset=st.integers(min_value=-30, max_value=500),
    )
    def test_elapsed_share_bounded_and_monotone(self, start, days, offset):
        """Elapsed share stays within 0-100 and never decreases with time."""
        end = date.fromordinal(start.toordinal() + days)
        today = date.fromordinal(start.toordinal() + offset)
        tomorrow = date.fromordinal(today.toordinal() + 1)
        share = pace.elapsed_share(start, end, today)
        self.assertTrue(0.0 <= share <= 100.0)
        self.assertLessEqual(share, pace.elapsed_share(start, end, tomorrow))
