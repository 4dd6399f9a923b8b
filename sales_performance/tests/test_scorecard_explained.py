from odoo.tests import tagged

from .common import JAN_15
from .test_scorecard import ScorecardCommon


@tagged("post_install", "-at_install")
class TestScorecardExplained(ScorecardCommon):
    def test_line_shows_its_curve(self):
        """A line scoring 0 at 42 % of its target says the curve starts at 50 %."""
        self._invoices([(self.rep_1, 42_000.0, JAN_15)])
        self._target(100_000.0, owner=self.rep_1)
        line = self._line(self._rep_card(), self.kpi_revenue)
        self.assertEqual((line.attainment, line.score), (42.0, 0.0))
        self.assertEqual(
            line.with_user(self.rep_1).curve_text,
            "Scores from 50 % · full at 100 % · capped at 150 % (score 150)",
        )

    def test_lower_is_better_curve_reads_downwards(self):
        """A lower-is-better line scores below its threshold, not from it."""
        line = self._line(self._rep_card(), self.kpi_visits)
        line.sudo().write(
            {
                "higher_is_better": False,
                "threshold": 120.0,
                "target_point": 100.0,
                "cap": 80.0,
                "max_score": 130.0,
            }
        )
        self.assertEqual(
            line.curve_text,
            "Scores below 120 % · full at 100 % · capped at 80 % (score 130)",
        )

    def test_rating_shows_its_bands(self):
        """The rating comes with the bands of its template, best first."""
        card = self._rep_card().with_user(self.rep_1)
        self.assertEqual(card.rating_legend, "A ≥ 120 · B ≥ 100 · C ≥ 70 · D ≥ 0")
