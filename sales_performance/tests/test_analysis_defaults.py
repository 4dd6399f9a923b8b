from datetime import timedelta

from odoo.tests import tagged

from .analysis_common import AnalysisDefaultsMixin
from .test_scorecard import ScorecardCommon
from .test_tours import current_month


@tagged("post_install", "-at_install")
class TestAnalysisDefaults(AnalysisDefaultsMixin, ScorecardCommon):
    """Every analysis opens on a default that is true: one period type, the
    current period, grouped so that no total adds amounts to counts, and
    percentages averaged or taken as ratios."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.month = current_month(cls.env)
        quarter = cls.month.parent_id
        year = quarter.parent_id
        # The same sales counted in a month, its quarter and its year, in
        # money and in number of deals: the mixes the defaults must avoid.
        for period in (cls.month, quarter, year):
            for kpi, value in ((cls.kpi_revenue, 1000.0), (cls.kpi_won, 5.0)):
                for user in (cls.rep_1, cls.rep_2):
                    cls._target(value, kpi=kpi, owner=user, period=period)
                cls._target(value * 2, kpi=kpi, owner=cls.team_a, period=period)
        # Scorecards are reviewed after their month: the scorecard analyses
        # open on last month.
        cls.previous_month = cls._month_of(cls.month.date_start - timedelta(days=1))
        cls.template.generate_scorecards(cls.previous_month)

    @classmethod
    def _month_of(cls, day):
        """The month period holding ``day``, its fiscal year generated if
        missing."""
        Period = cls.env["performance.period"]
        company = cls.env.company
        domain = [
            ("company_id", "=", company.id),
            ("period_type", "=", "month"),
            ("date_start", "<=", day),
            ("date_end", ">=", day),
        ]
        if not Period.search_count(domain):
            last_month = int(company.fiscalyear_last_month)
            Period.generate_fiscal_year(
                day.year if day.month <= last_month else day.year + 1, company
            )
        return Period.search(domain)

    def test_targets_analysis(self):
        """Targets beside actuals by KPI, for the reps of the current month."""
        for view_type in ("pivot", "graph"):
            self.assertDefaultTrue(
                "sales_performance.action_performance_target_analysis",
                view_type,
                same=("kpi_unit", "period_type", "owner_type", "period_id"),
                min_groups=2,
            )

    def test_targets_analysis_ratio(self):
        """Attainment of a group is its actual over its target, not a sum."""
        Analysis = self.env["performance.target.analysis"]
        domain = [("period_id", "=", self.month.id), ("user_id", "=", self.rep_1.id)]
        targets = self.env["performance.target"].search(domain)
        self._invoices([(self.rep_1, 500.0, self.month.date_start)])
        targets.action_compute()
        self.env.flush_all()
        [total] = Analysis.read_group(
            domain, ["target_value:sum", "actual:sum", "attainment:avg"], []
        )
        self.assertEqual(total["target_value"], 1005.0)
        self.assertEqual(total["actual"], 500.0)
        self.assertAlmostEqual(total["attainment"], 100 * 500 / 1005)

    def test_scorecards_analysis(self):
        """Scorecards of last month by team, the score averaged."""
        for view_type in ("pivot", "graph"):
            self.assertDefaultTrue(
                "sales_performance.action_performance_scorecard_analysis",
                view_type,
                same=("period_id.period_type", "period_id"),
            )

    def test_calibration_analysis(self):
        """Teams as rows, ratings as columns, shares averaged, last month."""
        groups = self.assertDefaultTrue(
            "sales_performance.action_performance_calibration_report",
            "pivot",
            same=("period_id.period_type", "period_id"),
        )
        self.assertIn("team_id", groups[0])

    def test_calibration_cells_are_shares(self):
        """A cell (team, rating) is the share of the team's scorecards; a
        rating's total the mean share of the teams, never above 100."""
        Report = self.env["performance.calibration.report"]
        domain = [
            ("period_id", "=", self.month.id),
            ("template_id", "=", self.template.id),
        ]
        by_team = Report.read_group(
            domain,
            ["share_pct:avg", "scorecard_count:sum"],
            ["team_id", "rating"],
            lazy=False,
        )
        for group in by_team:
            rows = Report.search(group["__domain"])
            self.assertEqual(len(rows), 1)
            self.assertAlmostEqual(group["share_pct"], rows.share_pct)
        for group in Report.read_group(
            domain, ["share_pct:avg", "guideline_pct:avg"], ["rating"]
        ):
            self.assertLessEqual(group["share_pct"], 100.0)
            self.assertLessEqual(group["guideline_pct"], 100.0)

    def test_invoice_analysis(self):
        """Invoices of the year by salesperson and month: money only."""
        self.assertDefaultTrue(
            "sales_performance.action_performance_invoice_report", "pivot", min_groups=0
        )
        self.assertDefaultTrue(
            "sales_performance.action_performance_invoice_report", "graph", min_groups=0
        )

    def test_anomaly_pivot_counts(self):
        """The anomalies pivot counts flags: no figure adds money to customers."""
        arch = self.env["performance.anomaly"].get_view(False, "pivot")["arch"]
        self.assertNotIn('name="amount"', arch)

    def test_operational_lists_have_no_misleading_pivot(self):
        """The targets and scorecards menus open lists and cards; their
        analyses live under Reporting with true defaults."""
        for xmlid in (
            "sales_performance.action_performance_target",
            "sales_performance.action_performance_scorecard",
        ):
            modes = self.env.ref(xmlid).view_mode.split(",")
            self.assertNotIn("pivot", modes)
            self.assertNotIn("graph", modes)
