import math

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from odoo.addons.sales_performance.tests.property_settings import EXAMPLES

from ..tools import brackets

# Breakpoints in % of attainment: nothing up to 80 %, 3 % up to 100 %, then 5 %.
ATTAINMENT_TIERS = [(0, 80, 0), (80, 100, 3), (100, None, 5)]
bases = st.floats(min_value=-100, max_value=60_000)


@st.composite
def tier_sets(draw, rising_rates=False):
    """Valid bracket sets: contiguous, from a lower >= 0, rates >= 0."""
    start = draw(st.floats(min_value=0, max_value=1_000))
    widths = draw(
        st.lists(st.floats(min_value=0.01, max_value=10_000), min_size=1, max_size=5)
    )
    rates = draw(
        st.lists(
            st.floats(min_value=0, max_value=200),
            min_size=len(widths),
            max_size=len(widths),
        )
    )
    if rising_rates:
        rates.sort()
    points = [start]
    for width in widths:
        points.append(points[-1] + width)
    uppers = points[1:]
    if draw(st.booleans()):
        uppers[-1] = None
    return list(zip(points, uppers, rates, strict=False))


@tagged("post_install", "-at_install")
class TestBrackets(BaseCase):
    def test_worked_example_attainment_tiers(self):
        """Target 1,000,000, revenue 1,200,000: 16,000 marginal, 60,000 whole."""
        tiers = brackets.scale(ATTAINMENT_TIERS, 1_000_000 / 100)
        self.assertEqual(
            tiers,
            [(0, 800_000, 0), (800_000, 1_000_000, 3), (1_000_000, None, 5)],
        )
        self.assertIsNone(brackets.check_brackets(tiers))
        # 200,000 x 3 % + 200,000 x 5 % = 6,000 + 10,000
        self.assertAlmostEqual(brackets.marginal(1_200_000, tiers), 16_000.00, 6)
        # 1,200,000 x 5 %
        self.assertAlmostEqual(brackets.whole(1_200_000, tiers), 60_000.00, 6)
        self.assertEqual(
            brackets.payout(1_200_000, tiers, "marginal"),
            brackets.marginal(1_200_000, tiers),
        )
        self.assertEqual(
            brackets.payout(1_200_000, tiers, "whole"),
            brackets.whole(1_200_000, tiers),
        )
        self.assertEqual(
            brackets.bracket_parts(1_200_000, tiers),
            [
                (0, 800_000, 0, 800_000, 0.0),
                (800_000, 1_000_000, 3, 200_000, 6_000.0),
                (1_000_000, None, 5, 200_000, 10_000.0),
            ],
        )

    def test_worked_example_above_target(self):
        """1 % of revenue above a 1,000,000 target pays 2,000 on 1,200,000."""
        tiers = brackets.scale([(0, 100, 0), (100, None, 1)], 1_000_000 / 100)
        # (1,200,000 - 1,000,000) x 1 %
        self.assertAlmostEqual(brackets.marginal(1_200_000, tiers), 2_000.00, 6)
        self.assertEqual(brackets.marginal(900_000, tiers), 0.0)

    def test_below_first_lower_earns_nothing(self):
        """A base below the first lower, or negative, earns 0 in both modes."""
        tiers = [(50, 100, 2), (100, None, 4)]
        for base in (-10, 0, 49.99):
            self.assertEqual(brackets.marginal(base, tiers), 0.0)
            self.assertEqual(brackets.whole(base, tiers), 0.0)
            self.assertEqual(brackets.bracket_parts(base, tiers), [])
        self.assertAlmostEqual(brackets.whole(50, tiers), 1.0)

    def test_finite_last_upper(self):
        """Above a finite last upper, marginal adds nothing; whole keeps its rate."""
        tiers = [(0, 100, 2), (100, 200, 4)]
        # 100 x 2 % + 100 x 4 %, whatever the base above 200
        self.assertAlmostEqual(brackets.marginal(200, tiers), 6.0)
        self.assertAlmostEqual(brackets.marginal(500, tiers), 6.0)
        # 500 x 4 %
        self.assertAlmostEqual(brackets.whole(500, tiers), 20.0)

    def test_breakpoint_belongs_to_upper_bracket(self):
        """A base on a breakpoint takes the rate of the bracket starting there."""
        tiers = [(0, 100, 2), (100, None, 4)]
        self.assertAlmostEqual(brackets.whole(100, tiers), 4.0)
        self.assertAlmostEqual(brackets.whole(99.99, tiers), 1.9998)

    def test_unknown_mode(self):
        """A mode other than marginal or whole is refused."""
        with self.assertRaises(ValueError):
            brackets.payout(100, ATTAINMENT_TIERS, "progressive")

    def test_check_brackets_valid(self):
        """Contiguous brackets from a lower >= 0, open or closed, pass."""
        for tiers in (
            ATTAINMENT_TIERS,
            [(0, None, 0)],
            [(50, None, 1)],
            [(0, 100, 1), (100, 200, 2)],
            [(0.0, 0.5, 0), (0.5, None, 10)],
        ):
            self.assertIsNone(brackets.check_brackets(tiers))

    def test_check_brackets_errors(self):
        """Each broken rule raises its code at the index of the faulty bracket."""
        cases = [
            ([], "empty", None),
            ([(-1, 10, 1), (10, None, 2)], "negative_lower", 0),
            ([(10, 5, 1)], "order", 0),
            ([(0, 10, 1), (10, 10, 2)], "order", 1),
            ([(0, 10, 1), (11, None, 2)], "gap", 1),
            ([(0, 10, 1), (9, None, 2)], "overlap", 1),
            ([(0, None, 1), (10, None, 2)], "open_end", 0),
            ([(0, 10, 1), (10, None, -1)], "negative_rate", 1),
        ]
        for tiers, code, index in cases:
            with self.subTest(code=code, index=index):
                with self.assertRaises(brackets.BracketError) as caught:
                    brackets.check_brackets(tiers)
                self.assertIsInstance(caught.exception, ValueError)
                self.assertEqual(caught.exception.code, code)
                self.assertEqual(caught.exception.index, index)

    def test_cap_and_threshold(self):
        """A cap limits the amount, 0 included; below the threshold pays 0."""
        self.assertEqual(brackets.apply_cap(16_000, 10_000), 10_000)
        self.assertEqual(brackets.apply_cap(16_000, 0), 0)
        self.assertEqual(brackets.apply_cap(16_000, None), 16_000)
        self.assertEqual(brackets.apply_threshold(16_000, 79.9, 80), 0.0)
        self.assertEqual(brackets.apply_threshold(16_000, 80, 80), 16_000)
        self.assertEqual(brackets.apply_threshold(16_000, 10, None), 16_000)

    def test_scale_keeps_open_end(self):
        """Scaling multiplies the breakpoints, keeps the rates and the open end."""
        self.assertEqual(
            brackets.scale([(0, 80, 0), (80, None, 5)], 2.5),
            [(0, 200, 0), (200, None, 5)],
        )

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(tiers=tier_sets(), base=bases, step=st.floats(min_value=0, max_value=100))
    def test_marginal_continuous_and_rising(self, tiers, base, step):
        """Marginal never falls and rises at most at the top rate."""
        self.assertIsNone(brackets.check_brackets(tiers))
        higher = base + step
        low = brackets.marginal(base, tiers)
        high = brackets.marginal(higher, tiers)
        top_rate = max(rate for _lower, _upper, rate in tiers)
        self.assertLessEqual(low, high)
        self.assertLessEqual(high - low, top_rate / 100 * (higher - base) + 1e-6)

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(tiers=tier_sets(), share=st.floats(min_value=0.001, max_value=0.999))
    def test_whole_linear_inside_brackets(self, tiers, share):
        """Whole pays rate x base inside a bracket, so it jumps only at breakpoints."""
        for lower, upper, rate in tiers:
            width = 1_000 if upper is None else upper - lower
            base = lower + share * width
            if not (lower < base and (upper is None or base < upper)):
                continue
            for point in (base, lower):
                expected = rate * point / 100
                self.assertTrue(
                    math.isclose(brackets.whole(point, tiers), expected, abs_tol=1e-9)
                )

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(
        amount=st.floats(min_value=-1e9, max_value=1e9),
        cap=st.none() | st.floats(min_value=0, max_value=1e9),
    )
    def test_cap_never_exceeded(self, amount, cap):
        """A capped amount never exceeds the cap nor the amount itself."""
        capped = brackets.apply_cap(amount, cap)
        self.assertLessEqual(capped, amount)
        if cap is None:
            self.assertEqual(capped, amount)
        else:
            self.assertLessEqual(capped, cap)

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(tiers=tier_sets(rising_rates=True), base=bases)
    def test_marginal_below_whole_when_rates_rise(self, tiers, base):
        """With rates rising across brackets, marginal never pays more than whole."""
        whole = brackets.whole(base, tiers)
        self.assertLessEqual(brackets.marginal(base, tiers), whole * (1 + 1e-9) + 1e-9)

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(tiers=tier_sets(), base=bases)
    def test_parts_add_up(self, tiers, base):
        """Bracket parts add up to the base reached and their amounts to marginal."""
        parts = brackets.bracket_parts(base, tiers)
        self.assertEqual(
            sum((part[4] for part in parts), 0.0), brackets.marginal(base, tiers)
        )
        first_lower, last_upper = tiers[0][0], tiers[-1][1]
        reached = base if last_upper is None else min(base, last_upper)
        covered = max(0.0, reached - first_lower)
        self.assertTrue(
            math.isclose(sum(part[3] for part in parts), covered, abs_tol=1e-6)
        )
        for lower, upper, rate, part, amount in parts:
            self.assertGreater(part, 0)
            self.assertLessEqual(part, (upper if upper is not None else base) - lower)
            self.assertEqual(amount, rate / 100 * part)
