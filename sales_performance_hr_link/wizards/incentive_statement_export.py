from collections import defaultdict

from odoo import _, models

from odoo.addons.sales_performance.wizards.performance_scorecard_export import (
    sheet_name,
)


class IncentiveStatementExport(models.TransientModel):
    _inherit = "incentive.statement.export"

    # ------------------------------------------------------------
    # Payroll: employee identification
    # ------------------------------------------------------------

    def _get_payroll_employee_headers(self):
        Employee = self.env["hr.employee"]
        return [
            (_("Employee Number"), "text"),
            (self._get_header(Employee, "identification_id"), "text"),
            (self._get_header(Employee, "department_id"), "text"),
            (self._get_header(Employee, "job_id"), "text"),
            (self._get_header(Employee, "performance_cost_centre"), "text"),
        ]

    def _get_payroll_employee_values(self, statement):
        """The employee columns of a payroll row, empty for a salesperson
        without employee. Hr.employee has no registration number in 18.0:
        the badge ID is the employee number."""
        # sudo: the badge, identification, job and cost centre are for HR
        # officers, and the validator exporting payroll need not be one.
        employee = statement.employee_id.sudo()
        return [
            employee.barcode or "",
            employee.identification_id or "",
            employee.department_id.display_name or "",
            employee.job_id.display_name or "",
            employee.performance_cost_centre or "",
        ]

    def _write_payroll(self, workbook, styles, statements):
        """The payroll sheet of the incentive addon, with the employee columns
        after the currency. Replaces the parent method as a whole, which
        builds each row inline and offers no hook for extra columns."""
        sheet = workbook.add_worksheet(sheet_name(_("Payroll"), set()))
        base_headers = self._get_payroll_headers()
        headers = base_headers + self._get_payroll_employee_headers()
        amount_col = len(base_headers) - 2
        for col, (header, style) in enumerate(headers):
            header_style = "header" if style == "text" else "header_number"
            sheet.write(0, col, header, styles[header_style])
        labels = self._get_component_labels()
        statements = statements.sorted(
            lambda statement: (statement.user_id.name or "", statement.user_id.id)
        )
        by_user = defaultdict(list)
        for row_vals in self._get_payroll_rows(statements):
            by_user[row_vals[0].user_id].append(row_vals)
        row = 0
        grand_totals = defaultdict(float)
        for user, user_rows in by_user.items():
            totals = defaultdict(float)
            for statement, component, amount in user_rows:
                row += 1
                currency = statement.currency_id
                values = [
                    user.name,
                    user.login,
                    user.email or "",
                    statement.team_id.display_name or "",
                    statement.plan_id.display_name,
                    statement.period_id.display_name,
                    labels[component],
                    amount,
                    currency.name,
                    *self._get_payroll_employee_values(statement),
                ]
                for col, value in enumerate(values):
                    style = headers[col][1]
                    sheet.write(
                        row, col, value, self._get_style(styles, style, currency)
                    )
                totals[currency] += amount
                grand_totals[currency] += amount
            for currency, amount in totals.items():
                row += 1
                label = _("Total %(salesperson)s", salesperson=user.name)
                self._write_total(
                    sheet, styles, row, amount_col, label, amount, currency
                )
        for currency, amount in grand_totals.items():
            row += 1
            self._write_total(
                sheet, styles, row, amount_col, _("Total"), amount, currency
            )
        sheet.set_column(0, amount_col - 1, 20)
        sheet.set_column(amount_col, amount_col + 1, 14)
        sheet.set_column(amount_col + 2, len(headers) - 1, 20)
        sheet.set_row(0, 30)
        sheet.freeze_panes(1, 1)
