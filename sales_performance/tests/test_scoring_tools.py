from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from ..tools import scoring
from .property_settings import EXAMPLES

curves = st.tuples(
    st.floats(min_value=0, max_value=99),
    st.floats(min_value=101, max_value=300),
    st.floats(min_value=100, max_value=400),
)


@tagged("post_install", "-at_install")
class TestScoringTools(BaseCase):
    def test_curve_points(self):
        """0 up to the threshold, 100 at the target point, the most at the cap."""
        self.assertEqual(scoring.score(40, 50, 100, 150), 0.0)
        self.assertEqual(scoring.score(75, 50, 100, 150), 50.0)
        self.assertEqual(scoring.score(100, 50, 100, 150), 100.0)
        self.assertEqual(scoring.score(120, 50, 100, 150), 120.0)
        self.assertEqual(scoring.score(400, 50, 100, 150), 150.0)
        self.assertEqual(scoring.score(125, 50, 100, 150, max_score=200), 150.0)

    def test_lower_is_better_mirrors(self):
        """Lower is better: 150 % of a ceiling scores 0, 50 % scores the highest."""
        self.assertEqual(scoring.score(150, 150, 100, 50, higher_is_better=False), 0.0)
        self.assertEqual(scoring.score(80, 150, 100, 50, higher_is_better=False), 120.0)
        self.assertEqual(scoring.score(10, 150, 100, 50, higher_is_better=False), 150.0)

    def test_check_curve(self):
        """Points out of order, either way, or a top score under 100 are refused."""
        scoring.check_curve(50, 100, 150, 150)
        scoring.check_curve(150, 100, 50, 150, higher_is_better=False)
        for args in ((100, 100, 150, 150), (50, 150, 150, 150), (50, 100, 150, 90)):
            with self.assertRaises(scoring.CurveError):
                scoring.check_curve(*args)
        with self.assertRaises(scoring.CurveError):
            scoring.check_curve(50, 100, 150, 150, higher_is_better=False)

    def test_bands(self):
        """Bands hold [from, below); the top band also holds its bound."""
        bands = [("A", 110, 150), ("B", 90, 110), ("C", 0, 90)]
        self.assertIsNone(scoring.bands_overlap(bands))
        self.assertEqual(scoring.rating(110, bands), "A")
        self.assertEqual(scoring.rating(109.99, bands), "B")
        self.assertEqual(scoring.rating(150, bands), "A")
        self.assertIsNone(scoring.rating(151, bands))
        overlap = scoring.bands_overlap([("A", 100, 150), ("B", 80, 101)])
        self.assertEqual([band[0] for band in overlap], ["B", "A"])

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(
        points=curves,
        max_extra=st.floats(min_value=0, max_value=200),
        first=st.floats(min_value=-100, max_value=1000),
        second=st.floats(min_value=-100, max_value=1000),
    )
    def test_monotone_and_bounded(self, points, max_extra, first, second):
        """The score never falls as the actual rises, and stays in [0, max]."""
        threshold, target, cap = points[0], points[1], points[1] + points[2]
        top = 100 + max_extra
        low, high = sorted((first, second))
        for higher in (True, False):
            curve = (threshold, target, cap) if higher else (cap, target, threshold)
            s_low = scoring.score(low, *curve, top, higher_is_better=higher)
            s_high = scoring.score(high, *curve, top, higher_is_better=higher)
            self.assertTrue(0 <= s_low <= top and 0 <= s_high <= top)
            if higher:
                self.assertLessEqual(s_low, s_high + 1e-9)
            else:
                self.assertGreaterEqual(s_low + 1e-9, s_high)

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(points=curves, max_extra=st.floats(min_value=0, max_value=200))
    def test_continuous_at_breakpoints(self, points, max_extra):
        """No jump at the threshold, the target point or the cap."""
        threshold, target, cap = points[0], points[1], points[1] + points[2]
        top = 100 + max_extra
        for point in (threshold, target, cap):
            below = scoring.score(point - 1e-7, threshold, target, cap, top)
            above = scoring.score(point + 1e-7, threshold, target, cap, top)
            self.assertAlmostEqual(below, above, places=3)
