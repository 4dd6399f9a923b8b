import base64
import io

from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import BaseCase, Form, tagged

from ..wizards.performance_scorecard_export import sheet_name
from .common import JAN_15
from .test_scorecard import ScorecardCommon

SUMMARY_HEADERS = [
    "Salesperson",
    "Sales Team",
    "Period",
    "Template",
    "State",
    "Total Score",
    "Rating",
]
DETAIL_HEADERS = [
    "KPI",
    "Weight",
    "Target",
    "Actual",
    "Attainment (%)",
    "Score",
    "Weighted Score",
]


@tagged("post_install", "-at_install")
class TestScorecardExport(ScorecardCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._invoices([(cls.rep_1, 600_000.0, JAN_15)])
        cls._target(1_000_000.0, owner=cls.rep_1)
        cls.cards = cls.template.generate_scorecards(cls.jan)
        cls.card_1 = cls.cards.filtered(lambda card: card.user_id == cls.rep_1)
        cls.card_2 = cls.cards - cls.card_1
        for card, visits in ((cls.card_1, 15), (cls.card_2, 8)):
            line = card.line_ids.filtered(lambda line: line.kpi_id == cls.kpi_visits)
            line.with_user(cls.leader_a).actual = visits

    def _export(self, user, scorecards, layout="summary"):
        """Export ``scorecards`` as ``user`` through the wizard opened from the
        scorecard list; return the wizard, its action and the workbook."""
        Wizard = (
            self.env["performance.scorecard.export"]
            .with_user(user)
            .with_context(
                active_model="performance.scorecard", active_ids=scorecards.ids
            )
        )
        with Form(Wizard) as form:
            form.layout = layout
        wizard = form.record
        action = wizard.action_export()
        content = base64.b64decode(wizard.file)
        return wizard, action, load_workbook(io.BytesIO(content))

    def _rows(self, sheet):
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    def test_summary_one_row_per_scorecard(self):
        """The summary has a row per scorecard with its total, rating and KPI scores."""
        wizard, action, book = self._export(self.hr_officer, self.cards)
        self.assertEqual(book.sheetnames, ["Scorecards"])
        rows = self._rows(book["Scorecards"])
        kpis = self.template.line_ids.kpi_id
        self.assertEqual(rows[0], SUMMARY_HEADERS + kpis.mapped("name"))
        self.assertEqual(len(rows), 1 + len(self.cards))
        by_user = {row[0]: row for row in rows[1:]}
        visits_col = rows[0].index("Customer Visits")
        for card in self.cards:
            row = by_user[card.user_id.name]
            self.assertEqual(
                row[1:5], ["Team A", "2025-01", "Field Sales", "Self Review"]
            )
            self.assertAlmostEqual(row[5], card.total_score, places=2)
            self.assertEqual(row[6], card.rating)
            visits = card.line_ids.filtered(lambda line: line.kpi_id == self.kpi_visits)
            self.assertAlmostEqual(row[visits_col], visits.score, places=2)
        self.assertEqual(by_user["Rep 1"][visits_col], 150.0)
        self.assertEqual(by_user["Rep 2"][visits_col], 60.0)
        self.assertEqual(book["Scorecards"]["F2"].number_format, "0.00")
        self.assertEqual(wizard.filename, "Scorecards 2025-01.xlsx")
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(
            action["url"],
            f"/web/content/?model=performance.scorecard.export&id={wizard.id}"
            "&field=file&filename_field=filename&download=true",
        )

    def test_detail_one_sheet_per_scorecard(self):
        """The detail has a sheet per scorecard: header, a row per KPI, the total."""
        __, __, book = self._export(self.hr_officer, self.cards, layout="detail")
        self.assertEqual(
            sorted(book.sheetnames), ["Rep 1 · 2025-01", "Rep 2 · 2025-01"]
        )
        card = self.card_1
        rows = self._rows(book["Rep 1 · 2025-01"])
        self.assertEqual(rows[0][0], "Rep 1 · 2025-01")
        header = {row[0]: row[1] for row in rows[2:9]}
        self.assertEqual(header["Salesperson"], "Rep 1")
        self.assertEqual(header["Sales Team"], "Team A")
        self.assertEqual(header["State"], "Self Review")
        self.assertAlmostEqual(header["Total Score"], card.total_score, places=2)
        self.assertEqual(header["Rating"], card.rating)

        table = rows[rows.index(DETAIL_HEADERS) :]
        lines = table[1:-1]
        self.assertEqual(
            [line[0] for line in lines], card.line_ids.kpi_id.mapped("name")
        )
        revenue = lines[0]
        self.assertEqual(revenue[:4], ["Invoiced Revenue", 40, 1_000_000, 600_000])
        self.assertAlmostEqual(revenue[4], 60.0, places=2)
        self.assertAlmostEqual(revenue[5], self._line(card, self.kpi_revenue).score)
        visits = lines[2]
        self.assertEqual(visits[:6], ["Customer Visits", 15, 10, 15, 150, 150])
        self.assertAlmostEqual(visits[6], 22.5, places=2)
        total = table[-1]
        self.assertEqual(total[:2], ["Total", 100])
        self.assertAlmostEqual(total[6], card.total_score, places=2)
        self.assertAlmostEqual(
            sum(line[6] for line in lines), card.total_score, places=2
        )

    def test_rep_exports_own_scorecard(self):
        """A salesperson exports their own scorecard: one row, theirs."""
        __, __, book = self._export(self.rep_1, self.card_1)
        rows = self._rows(book["Scorecards"])
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][0], "Rep 1")
        self.assertAlmostEqual(rows[1][5], self.card_1.total_score, places=2)

    def test_rep_cannot_export_others(self):
        """Exporting a scorecard the user may not read is refused, not emptied."""
        wizard = (
            self.env["performance.scorecard.export"]
            .with_user(self.rep_1)
            .create({"scorecard_ids": [Command.set(self.cards.ids)]})
        )
        # The button comes in a new request, with nothing in the cache.
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            wizard.action_export()
        self.assertFalse(wizard.file)
        wizard.scorecard_ids = [Command.set(self.card_2.ids)]
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            wizard.action_export()

    def test_offered_in_the_action_menu(self):
        """Every performance user finds the export in the scorecards' Action menu."""
        action = self.env.ref("sales_performance.action_performance_scorecard_export")
        for user in (self.rep_1, self.leader_a, self.hr_officer):
            bindings = (
                self.env["ir.actions.actions"]
                .with_user(user)
                ._get_bindings("performance.scorecard")
            )
            self.assertIn(action.id, [binding["id"] for binding in bindings["action"]])


@tagged("post_install", "-at_install")
class TestSheetName(BaseCase):
    def test_sheet_names_are_valid_for_excel(self):
        """Sheet names lose []:*?/\\ and edge quotes, fit 31 characters, differ."""
        used = set()
        names = [
            sheet_name(name, used)
            for name in (
                "A/B: [Q1]*?\\",
                "'Quoted'",
                "x" * 40,
                "X" * 40,
                "History",
                "",
            )
        ]
        self.assertEqual(
            names,
            [
                "A-B- -Q1----",
                "Quoted",
                "x" * 31,
                "X" * 27 + " (2)",
                "History (2)",
                "Sheet",
            ],
        )
        self.assertTrue(all(len(name) <= 31 for name in names))
