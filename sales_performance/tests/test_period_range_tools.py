from datetime import date

from odoo.tests import BaseCase, tagged

from ..tools.period_range import previous_range


@tagged("post_install", "-at_install")
class TestPreviousRange(BaseCase):
    def test_whole_months_step_back_by_months(self):
        """A month, a quarter, a year: the previous calendar one."""
        self.assertEqual(
            previous_range(date(2025, 3, 1), date(2025, 3, 31)),
            (date(2025, 2, 1), date(2025, 2, 28)),
        )
        self.assertEqual(
            previous_range(date(2025, 1, 1), date(2025, 3, 31)),
            (date(2024, 10, 1), date(2024, 12, 31)),
        )
        self.assertEqual(
            previous_range(date(2025, 1, 1), date(2025, 12, 31)),
            (date(2024, 1, 1), date(2024, 12, 31)),
        )

    def test_other_ranges_step_back_by_days(self):
        """A week or any other range: as many days before."""
        self.assertEqual(
            previous_range(date(2025, 3, 3), date(2025, 3, 9)),
            (date(2025, 2, 24), date(2025, 3, 2)),
        )

    def test_reversed_range_is_refused(self):
        with self.assertRaises(ValueError):
            previous_range(date(2025, 3, 9), date(2025, 3, 3))
