from datetime import date, datetime

from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time, tagged

from .common import PerformanceCommon


@tagged("post_install", "-at_install")
class TestPeriod(PerformanceCommon):
    def test_generate_calendar_year(self):
        """A calendar fiscal year has four quarters of three months each."""
        self.assertEqual(
            (self.year.date_start, self.year.date_end),
            (date(2025, 1, 1), date(2025, 12, 31)),
        )
        self.assertEqual(
            self.quarters.mapped("name"), ["Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025"]
        )
        self.assertEqual(len(self.months), 12)
        self.assertEqual(self.months[1].date_end, date(2025, 2, 28))
        self.assertEqual(self.quarters[3].date_start, date(2025, 10, 1))
        self.assertTrue(all(len(quarter.child_ids) == 3 for quarter in self.quarters))

    def test_generate_fiscal_year_ending_in_march(self):
        """A fiscal year ending in March runs April to March."""
        self.env.company.fiscalyear_last_month = "3"
        year = self.Period.generate_fiscal_year(2027)
        self.assertEqual(
            (year.date_start, year.date_end), (date(2026, 4, 1), date(2027, 3, 31))
        )
        self.assertEqual(year.name, "FY 2026-2027")
        months = year.child_ids.child_ids.sorted("date_start")
        self.assertEqual(months[0].name, "2026-04")
        self.assertEqual(months[-1].date_end, date(2027, 3, 31))

    def test_generate_wizard(self):
        """The wizard generates the year the administrator types."""
        wizard = Form(
            self.env["performance.period.generate"].with_user(self.perf_admin)
        )
        wizard.year = 2030
        action = wizard.save().action_generate()
        periods = self.Period.search(action["domain"])
        self.assertEqual(len(periods), 17)

    def test_domain_on_date_and_datetime_fields(self):
        """A period turns into a domain on a date field and on a datetime field."""
        self.assertEqual(
            self.jan._get_domain("invoice_date", "account.move"),
            [
                ("invoice_date", ">=", date(2025, 1, 1)),
                ("invoice_date", "<=", date(2025, 1, 31)),
            ],
        )
        self.assertEqual(
            self.jan._get_domain("date_order", "sale.order"),
            [
                ("date_order", ">=", datetime(2025, 1, 1)),
                ("date_order", "<", datetime(2025, 2, 1)),
            ],
        )
        with self.assertRaises(UserError):
            self.jan._get_domain("name", "sale.order")

    def test_close_and_reopen(self):
        """Closing twice or reopening an open period is refused."""
        self.jan.action_close()
        self.assertEqual(self.jan.state, "closed")
        with self.assertRaises(UserError):
            self.jan.action_close()
        self.jan.action_reopen()
        with self.assertRaises(UserError):
            self.jan.action_reopen()

    @freeze_time("2025-01-16")
    def test_elapsed(self):
        """The elapsed share counts today as elapsed."""
        self.assertAlmostEqual(self.jan.elapsed_pct, 1600 / 31, places=1)
        self.assertEqual(self.feb.elapsed_pct, 0.0)
