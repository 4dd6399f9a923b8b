import base64
import io
from datetime import date

from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.sales_performance.tests.common import PerformanceCommon

LINE_HEADERS = [
    "Kind",
    "Rule",
    "Explanation",
    "Base",
    "Rate",
    "Quantity",
    "Amount",
]
PAYROLL_HEADERS = [
    "Salesperson",
    "Login",
    "Email",
    "Sales Team",
    "Plan",
    "Period",
    "Component",
    "Amount",
    "Currency",
]


@tagged("post_install", "-at_install")
class TestStatementExport(PerformanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref(
            "sales_performance_incentive.group_incentive_admin"
        )
        Plan = cls.env["incentive.plan"]
        cls.plan = Plan.create(
            {
                "name": "Plan 2025",
                "date_start": date(2025, 1, 1),
                "date_end": date(2025, 12, 31),
                "rule_ids": [
                    Command.create(
                        {"kind": "percentage", "name": "Commission", "rate": 5.0}
                    )
                ],
                "assignment_ids": [
                    Command.create({"user_id": cls.rep_1.id}),
                    Command.create({"user_id": cls.rep_2.id}),
                ],
            }
        )
        cls.plan.action_publish()
        cls._invoices(
            [
                (cls.rep_1, 10_000.0, date(2025, 1, 15)),
                (cls.rep_2, 4_000.0, date(2025, 1, 20)),
            ]
        )
        cls.statements = cls.plan.generate_statements(cls.jan)
        cls.statement_1 = cls.statements.filtered(lambda st: st.user_id == cls.rep_1)
        cls.statement_2 = cls.statements - cls.statement_1
        cls.statements.action_submit()
        cls.statements.with_user(cls.leader_a).action_approve()
        cls.statements.action_validate()
        # Another plan whose January statement stays a draft.
        cls.spiff_plan = Plan.create(
            {
                "name": "Spiff 2025",
                "date_start": date(2025, 1, 1),
                "date_end": date(2025, 12, 31),
                "rule_ids": [
                    Command.create({"kind": "percentage", "name": "Spiff", "rate": 1.0})
                ],
                "assignment_ids": [Command.create({"user_id": cls.rep_1.id})],
            }
        )
        cls.spiff_plan.action_publish()
        cls.draft = cls.spiff_plan.generate_statements(cls.jan)

    def _export(self, user, statements=None, mode="statements", period=None):
        """Export as ``user`` through the wizard, opened from the statement
        list when ``statements`` are given; return the wizard, its action and
        the workbook."""
        Wizard = self.env["incentive.statement.export"].with_user(user)
        if statements is not None:
            Wizard = Wizard.with_context(
                active_model="incentive.statement", active_ids=statements.ids
            )
        with Form(Wizard) as form:
            form.mode = mode
            if period:
                form.period_id = period
        wizard = form.record
        action = wizard.action_export()
        content = base64.b64decode(wizard.file)
        return wizard, action, load_workbook(io.BytesIO(content))

    def _rows(self, sheet):
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    def _header(self, rows):
        return {row[0]: row[1] for row in rows[2:11]}

    def _lines(self, rows):
        """The lines of a statement sheet, then its total row."""
        table = rows[rows.index(LINE_HEADERS) :]
        return table[1:-1], table[-1]

    def test_statement_sheet_per_statement(self):
        """A sheet per statement: header with the totals, a row per line, the total."""
        wizard, action, book = self._export(self.env.user, self.statements)
        self.assertEqual(
            sorted(book.sheetnames),
            ["Rep 1 · Plan 2025 · 2025-01", "Rep 2 · Plan 2025 · 2025-01"],
        )
        for sheet_name, user, amount in (
            ("Rep 1 · Plan 2025 · 2025-01", "Rep 1", 500.0),
            ("Rep 2 · Plan 2025 · 2025-01", "Rep 2", 200.0),
        ):
            rows = self._rows(book[sheet_name])
            self.assertEqual(rows[0][0], sheet_name)
            header = self._header(rows)
            self.assertEqual(header["Salesperson"], user)
            self.assertEqual(header["Sales Team"], "Team A")
            self.assertEqual(header["Plan"], "Plan 2025")
            self.assertEqual(header["Period"], "2025-01")
            self.assertEqual(header["State"], "Validated")
            self.assertEqual(header["Earned"], amount)
            self.assertEqual(header["Adjustments"], 0.0)
            self.assertEqual(header["Total"], amount)
            self.assertEqual(header["Currency"], self.env.company.currency_id.name)
            lines, total = self._lines(rows)
            self.assertEqual(len(lines), 1)
            self.assertEqual(lines[0][:2], ["Rule", "Commission"])
            self.assertEqual(lines[0][3:5], [amount * 20, 5.0])
            self.assertEqual(lines[0][6], amount)
            self.assertEqual(total[0], "Total")
            self.assertEqual(total[6], amount)
            self.assertEqual(total[6], sum(line[6] for line in lines))
        sheet = book["Rep 1 · Plan 2025 · 2025-01"]
        self.assertEqual(sheet["B8"].number_format, "#,##0.00")
        self.assertEqual(wizard.filename, "Statements 2025-01.xlsx")
        self.assertEqual(
            action["url"],
            f"/web/content/?model=incentive.statement.export&id={wizard.id}"
            "&field=file&filename_field=filename&download=true",
        )

    def test_money_follows_currency_decimals(self):
        """Money cells show as many decimals as the company currency has."""
        self.env.company.currency_id.rounding = 0.001
        __, __, book = self._export(self.env.user, self.statement_1)
        sheet = book.active
        lines, total = self._lines(self._rows(sheet))
        self.assertEqual(total[6], 500.0)
        self.assertEqual(sheet["B8"].number_format, "#,##0.000")
        self.assertEqual(sheet.cell(row=15, column=7).number_format, "#,##0.000")

    def test_statement_with_correction(self):
        """A validated statement's correction shows in the next one, as such."""
        self._invoices([(self.rep_1, 2_000.0, date(2025, 1, 25))])
        feb = self.plan.generate_statements(self.feb)
        feb_1 = feb.filtered(lambda st: st.user_id == self.rep_1)
        __, __, book = self._export(self.rep_1, feb_1)
        rows = self._rows(book.active)
        lines, total = self._lines(rows)
        self.assertEqual([line[0] for line in lines], ["Rule", "Correction"])
        self.assertEqual([line[6] for line in lines], [0.0, 100.0])
        self.assertEqual(total[6], 100.0)
        header = self._header(rows)
        self.assertEqual(
            [header["Earned"], header["Adjustments"], header["Total"]],
            [0.0, 100.0, 100.0],
        )

    def test_payroll_validated_statements_of_period(self):
        """Payroll: the validated and paid statements of the period, rep totals."""
        self.statement_2.action_pay()
        wizard, __, book = self._export(self.env.user, mode="payroll", period=self.jan)
        self.assertEqual(book.sheetnames, ["Payroll"])
        # The first nine columns are this addon's; others (the HR link's
        # employee identification) may follow.
        rows = [row[: len(PAYROLL_HEADERS)] for row in self._rows(book["Payroll"])]
        currency = self.env.company.currency_id.name
        self.assertEqual(rows[0], PAYROLL_HEADERS)
        self.assertEqual(
            rows[1:],
            [
                [
                    "Rep 1",
                    "rep_1",
                    "r.r@example.com",
                    "Team A",
                    "Plan 2025",
                    "2025-01",
                    "Earned",
                    500.0,
                    currency,
                ],
                ["Total Rep 1"] + [None] * 6 + [500.0, currency],
                [
                    "Rep 2",
                    "rep_2",
                    "r.r@example.com",
                    "Team A",
                    "Plan 2025",
                    "2025-01",
                    "Earned",
                    200.0,
                    currency,
                ],
                ["Total Rep 2"] + [None] * 6 + [200.0, currency],
                ["Total"] + [None] * 6 + [700.0, currency],
            ],
        )
        self.assertEqual(book["Payroll"]["H2"].number_format, "#,##0.00")
        self.assertEqual(wizard.filename, "Payroll 2025-01.xlsx")

    def test_payroll_components(self):
        """Payroll pays corrections apart from the earned amount, summed per rep."""
        self._invoices([(self.rep_1, 2_000.0, date(2025, 1, 25))])
        self._invoices([(self.rep_2, 1_000.0, date(2025, 2, 3))])
        feb = self.plan.generate_statements(self.feb)
        feb.action_submit()
        feb.with_user(self.leader_a).action_approve()
        feb.action_validate()
        __, __, book = self._export(self.env.user, mode="payroll", period=self.feb)
        rows = self._rows(book["Payroll"])
        self.assertEqual(
            [(row[0], row[6], row[7]) for row in rows[1:]],
            [
                ("Rep 1", "Earned", 0.0),
                ("Rep 1", "Corrections", 100.0),
                ("Total Rep 1", None, 100.0),
                ("Rep 2", "Earned", 50.0),
                ("Total Rep 2", None, 50.0),
                ("Total", None, 150.0),
            ],
        )

    def test_payroll_refuses_draft(self):
        """Payroll refuses selected statements not validated, and writes nothing."""
        wizard = self.env["incentive.statement.export"].create(
            {
                "mode": "payroll",
                "statement_ids": [Command.set((self.statement_1 | self.draft).ids)],
            }
        )
        with self.assertRaises(UserError) as error:
            wizard.action_export()
        self.assertEqual(
            str(error.exception),
            "Only validated statements go to payroll: Rep 1 · Spiff 2025 · 2025-01.",
        )
        self.assertFalse(wizard.file)
        self.assertFalse(wizard.filename)

    def test_payroll_selected_statements(self):
        """Payroll exports the validated statements selected, and only them."""
        __, __, book = self._export(self.env.user, self.statement_2, mode="payroll")
        rows = self._rows(book["Payroll"])
        self.assertEqual(
            [(row[0], row[7]) for row in rows[1:]],
            [("Rep 2", 200.0), ("Total Rep 2", 200.0), ("Total", 200.0)],
        )

    def test_validators_export_payroll(self):
        """The company's validator group exports payroll."""
        self.env.company.incentive_validator_group_id = self.env.ref(
            "sales_performance.group_performance_hr"
        )
        __, __, book = self._export(self.hr_officer, mode="payroll", period=self.jan)
        rows = self._rows(book["Payroll"])
        self.assertEqual(rows[-1][0], "Total")
        self.assertEqual(rows[-1][7], 700.0)

    def test_rep_exports_own_statement(self):
        """A salesperson exports their own statement: one sheet, theirs."""
        __, __, book = self._export(self.rep_1, self.statement_1)
        self.assertEqual(book.sheetnames, ["Rep 1 · Plan 2025 · 2025-01"])
        rows = self._rows(book.active)
        self.assertEqual(self._header(rows)["Total"], 500.0)

    def test_rep_cannot_export_others(self):
        """Exporting a statement the user may not read is refused, not emptied."""
        wizard = (
            self.env["incentive.statement.export"]
            .with_user(self.rep_1)
            .create({"statement_ids": [Command.set(self.statements.ids)]})
        )
        # The button comes in a new request, with nothing in the cache.
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            wizard.action_export()
        self.assertFalse(wizard.file)

    def test_rep_cannot_export_payroll(self):
        """Payroll is for validators and incentive administrators only."""
        for statements in (self.statement_1, self.statements.browse()):
            wizard = (
                self.env["incentive.statement.export"]
                .with_user(self.rep_1)
                .create(
                    {
                        "mode": "payroll",
                        "period_id": self.jan.id,
                        "statement_ids": [Command.set(statements.ids)],
                    }
                )
            )
            with self.assertRaises(AccessError):
                wizard.action_export()
            self.assertFalse(wizard.file)

    def test_offered_in_the_action_menu(self):
        """Every performance user finds the export in the statements' Action menu."""
        action = self.env.ref(
            "sales_performance_incentive.action_incentive_statement_export"
        )
        for user in (self.rep_1, self.leader_a, self.hr_officer):
            bindings = (
                self.env["ir.actions.actions"]
                .with_user(user)
                ._get_bindings("incentive.statement")
            )
            self.assertIn(action.id, [binding["id"] for binding in bindings["action"]])
