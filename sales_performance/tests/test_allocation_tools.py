from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from ..tools import allocation
from .property_settings import EXAMPLES


@tagged("post_install", "-at_install")
class TestAllocationTools(BaseCase):
    def test_equal_split_remainder_goes_to_first(self):
        """1,000,000 over three: the extra cent goes to the first child."""
        self.assertEqual(
            allocation.allocate_equal(1_000_000, 3),
            [333_333.34, 333_333.33, 333_333.33],
        )

    def test_weights_split_exactly(self):
        """Weights 1:2:1 of 100.01 give 25.00, 50.01, 25.00: largest remainder."""
        self.assertEqual(allocation.allocate(100.01, [1, 2, 1]), [25.0, 50.01, 25.0])

    def test_whole_units(self):
        """With a precision of 1, 10 over three is 4, 3, 3."""
        self.assertEqual(
            allocation.allocate(10, [1, 1, 1], precision=1), [4.0, 3.0, 3.0]
        )

    def test_zero_weight_gets_nothing(self):
        """A child with weight 0 gets 0."""
        self.assertEqual(allocation.allocate(90, [0, 1, 2]), [0.0, 30.0, 60.0])

    def test_bad_weights(self):
        """Negative weights, all-zero weights and no children are refused."""
        for weights in ([1, -1], [0, 0], []):
            with self.assertRaises(allocation.AllocationError):
                allocation.allocate(100, weights)

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(
        total=st.decimals(min_value=0, max_value=10**9, places=2),
        weights=st.lists(
            st.integers(min_value=0, max_value=1000), min_size=1, max_size=30
        ).filter(any),
    )
    def test_shares_add_up_to_the_cent(self, total, weights):
        """Shares are whole cents, add up to the total and stay within a cent
        of the exact share."""
        shares = allocation.allocate(float(total), weights)
        cents = [Decimal(str(share)) * 100 for share in shares]
        self.assertTrue(all(cent == cent.to_integral_value() for cent in cents))
        self.assertEqual(sum(cents), total * 100)
        weight_sum = sum(weights)
        for share, weight in zip(shares, weights, strict=True):
            exact = total * weight / weight_sum
            self.assertLess(abs(Decimal(str(share)) - exact), Decimal("0.01"))

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(
        total=st.decimals(min_value=0, max_value=10**6, places=2),
        weights=st.lists(
            st.integers(min_value=1, max_value=50), min_size=1, max_size=10
        ),
    )
    def test_deterministic_and_monotone(self, total, weights):
        """Same input, same output; a larger weight never gets a smaller share."""
        first = allocation.allocate(float(total), weights)
        self.assertEqual(first, allocation.allocate(float(total), weights))
        for i, j in ((i, j) for i in range(len(weights)) for j in range(len(weights))):
            if weights[i] > weights[j]:
                self.assertGreaterEqual(first[i], first[j])
