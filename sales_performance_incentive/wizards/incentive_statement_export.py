from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.sales_performance.wizards.performance_scorecard_export import (
    sheet_name,
)

PAYROLL_STATES = ("validated", "paid")
# Header of a statement sheet: field name and style.
STATEMENT_FIELDS = [
    ("user_id", "text"),
    ("team_id", "text"),
    ("plan_id", "text"),
    ("period_id", "text"),
    ("state", "text"),
    ("amount_earned", "money"),
    ("amount_adjusted", "money"),
    ("amount_total", "money"),
]
LINE_COLUMNS = [
    ("kind", "text"),
    ("rule_id", "text"),
    ("explanation", "text"),
    ("base", "money"),
    ("rate", "rate"),
    ("quantity", "number"),
    ("amount", "money"),
]
# Payroll pays components, not rules: statement line kinds by component.
COMPONENTS = [
    ("earned", ("rule", "cap")),
    ("correction", ("correction",)),
    ("adjustment", ("adjustment",)),
]


class IncentiveStatementExport(models.TransientModel):
    _name = "incentive.statement.export"
    _description = "Export Statements to XLSX"
    _inherit = ["performance.xlsx.export"]

    mode = fields.Selection(
        [("statements", "Statements"), ("payroll", "Payroll")],
        required=True,
        default="statements",
        help="Statements: a sheet per statement with its lines, for the "
        "salesperson. Payroll: the validated payouts of a period, a row per "
        "salesperson and pay component.",
    )
    statement_ids = fields.Many2many(
        "incentive.statement",
        string="Statements",
        default=lambda self: self._default_statement_ids(),
    )
    statement_count = fields.Integer(compute="_compute_statement_count")
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    period_id = fields.Many2one(
        "performance.period",
        compute="_compute_period_id",
        store=True,
        readonly=False,
        domain="[('company_id', '=', company_id)]",
        help="Payroll: the period whose validated statements are paid, when no "
        "statement is selected.",
    )

    def _default_statement_ids(self):
        return self._default_selected("incentive.statement")

    @api.depends("statement_ids")
    def _compute_statement_count(self):
        for wizard in self:
            wizard.statement_count = len(wizard.statement_ids)

    @api.depends("statement_ids")
    def _compute_period_id(self):
        for wizard in self:
            periods = wizard.statement_ids.period_id
            wizard.period_id = periods if len(periods) == 1 else wizard.period_id

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_export(self):
        self.ensure_one()
        if self.mode == "payroll":
            statements = self._get_payroll_statements()
        else:
            statements = self._get_statements()

        def write(workbook):
            styles = self._get_styles(workbook, statements.currency_id)
            if self.mode == "payroll":
                self._write_payroll(workbook, styles, statements)
            else:
                self._write_statements(workbook, styles, statements)

        return self._export_xlsx(write, self._get_filename(statements))

    # ------------------------------------------------------------
    # Statements to export
    # ------------------------------------------------------------

    def _get_statements(self):
        return self._get_selected(
            "statement_ids", _("Select the statements to export.")
        )

    def _get_payroll_statements(self):
        """The statements payroll pays: the selected ones, which must all be
        validated, or else the validated and paid statements of the period
        and company that the user may read."""
        self._check_payroll_access()
        if self.sudo().statement_ids:
            statements = self._get_statements()
            pending = statements.filtered(
                lambda statement: statement.state not in PAYROLL_STATES
            )
            if pending:
                raise UserError(
                    _(
                        "Only validated statements go to payroll: %(statements)s.",
                        statements=", ".join(pending.mapped("display_name")),
                    )
                )
            return statements
        if not self.period_id:
            raise UserError(_("Choose the period to pay."))
        statements = self.env["incentive.statement"].search(
            self._get_payroll_domain(), order="user_id, plan_id, id"
        )
        if not statements:
            raise UserError(
                _(
                    "No statement of %(period)s is validated for payroll yet.",
                    period=self.period_id.display_name,
                )
            )
        return statements

    def _get_payroll_domain(self):
        return [
            ("period_id", "=", self.period_id.id),
            ("company_id", "=", self.company_id.id),
            ("state", "in", PAYROLL_STATES),
        ]

    def _check_payroll_access(self):
        """Payroll sees everybody's pay: the validators of the company and the
        incentive administrators only."""
        user = self.env.user
        group = self.company_id._get_incentive_validator_group()
        if group in user.groups_id or user.has_group(
            "sales_performance_incentive.group_incentive_admin"
        ):
            return
        raise AccessError(
            _(
                "Only the %(group)s group and the incentive administrators export "
                "payroll.",
                group=group.display_name,
            )
        )

    def _get_filename(self, statements):
        periods = statements.period_id.sorted(lambda period: period.date_start)
        period = periods[0].name
        if len(periods) > 1:
            period = f"{period} - {periods[-1].name}"
        if self.mode == "payroll":
            return _("Payroll %(period)s", period=period) + ".xlsx"
        return _("Statements %(period)s", period=period) + ".xlsx"

    # ------------------------------------------------------------
    # Workbook
    # ------------------------------------------------------------

    def _get_styles(self, workbook, currencies):
        """The cell formats, with a money format per currency that shows its
        decimal places: ``styles["money", currency]``."""
        header = {"bold": True, "bg_color": "#e9ecef", "bottom": 1, "text_wrap": True}
        total = {"bold": True, "top": 1}
        styles = {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "label": workbook.add_format({"bold": True}),
            "header": workbook.add_format(header),
            "header_number": workbook.add_format({**header, "align": "right"}),
            "text": workbook.add_format({}),
            "number": workbook.add_format({"num_format": "#,##0.00"}),
            "rate": workbook.add_format({"num_format": "0.00##"}),
            "total": workbook.add_format(total),
        }
        for currency in currencies:
            digits = currency.decimal_places
            money = {"num_format": "#,##0" + ("." + "0" * digits if digits else "")}
            styles["money", currency] = workbook.add_format(money)
            styles["total_money", currency] = workbook.add_format({**money, **total})
        return styles

    def _get_style(self, styles, style, currency):
        if style == "money":
            return styles["money", currency]
        return styles[style]

    # Statements, for the salesperson

    def _write_statements(self, workbook, styles, statements):
        """One sheet per statement: its header, then its lines and their total."""
        used = set()
        for statement in statements:
            name = sheet_name(statement.display_name, used, fallback=str(statement.id))
            self._write_statement(workbook.add_worksheet(name), styles, statement)

    def _write_statement(self, sheet, styles, statement):
        currency = statement.currency_id
        sheet.write(0, 0, statement.display_name, styles["title"])
        row = 1
        for field_name, style in STATEMENT_FIELDS:
            row += 1
            sheet.write(
                row, 0, self._get_header(statement, field_name), styles["label"]
            )
            sheet.write(
                row,
                1,
                self._get_value(statement, field_name),
                self._get_style(styles, style, currency),
            )
        row += 1
        sheet.write(row, 0, self._get_header(statement, "currency_id"), styles["label"])
        sheet.write(row, 1, currency.name, styles["text"])
        row += 2
        lines = statement.line_ids
        for col, (field_name, style) in enumerate(LINE_COLUMNS):
            header_style = "header" if style == "text" else "header_number"
            sheet.write(
                row, col, self._get_header(lines, field_name), styles[header_style]
            )
        for line in lines:
            row += 1
            for col, (field_name, style) in enumerate(LINE_COLUMNS):
                sheet.write(
                    row,
                    col,
                    self._get_value(line, field_name),
                    self._get_style(styles, style, currency),
                )
        row += 1
        sheet.write_string(row, 0, _("Total"), styles["total"])
        for col in range(1, len(LINE_COLUMNS) - 1):
            sheet.write_blank(row, col, None, styles["total"])
        sheet.write_number(
            row,
            len(LINE_COLUMNS) - 1,
            statement.amount_total,
            styles["total_money", currency],
        )
        sheet.set_column(0, 1, 22)
        sheet.set_column(2, 2, 60)
        sheet.set_column(3, len(LINE_COLUMNS) - 1, 14)

    # Payroll

    def _get_payroll_headers(self):
        Statement = self.env["incentive.statement"]
        Users = self.env["res.users"]
        return [
            (self._get_header(Statement, "user_id"), "text"),
            (self._get_header(Users, "login"), "text"),
            (self._get_header(Users, "email"), "text"),
            (self._get_header(Statement, "team_id"), "text"),
            (self._get_header(Statement, "plan_id"), "text"),
            (self._get_header(Statement, "period_id"), "text"),
            (_("Component"), "text"),
            (_("Amount"), "money"),
            (self._get_header(Statement, "currency_id"), "text"),
        ]

    def _get_component_labels(self):
        return {
            "earned": _("Earned"),
            "correction": _("Corrections"),
            "adjustment": _("Adjustments"),
        }

    def _get_payroll_rows(self, statements):
        """``[(statement, component, amount)]``: the earned pay of each
        statement, then its corrections and adjustments when there are any,
        from one grouped query."""
        sums = defaultdict(float)
        for statement, kind, amount in self.env["incentive.statement.line"]._read_group(
            [("statement_id", "in", statements.ids)],
            ["statement_id", "kind"],
            ["amount:sum"],
        ):
            sums[statement.id, kind] += amount
        rows = []
        for statement in statements:
            for component, kinds in COMPONENTS:
                amount = statement.currency_id.round(
                    sum(sums[statement.id, kind] for kind in kinds)
                )
                if component == "earned" or amount:
                    rows.append((statement, component, amount))
        return rows

    def _get_payroll_extra_headers(self):
        """Columns other addons add after the currency: ``[(header, style)]``."""
        return []

    def _get_payroll_extra_values(self, statement):
        """The values of the columns of :meth:`_get_payroll_extra_headers`."""
        return []

    def _write_payroll(self, workbook, styles, statements):
        """One sheet, a row per statement and pay component, the statements of
        each salesperson together and followed by their total."""
        sheet = workbook.add_worksheet(sheet_name(_("Payroll"), set()))
        base_headers = self._get_payroll_headers()
        headers = base_headers + self._get_payroll_extra_headers()
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
                    *self._get_payroll_extra_values(statement),
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
        if len(headers) > len(base_headers):
            sheet.set_column(len(base_headers), len(headers) - 1, 20)
        sheet.set_row(0, 30)
        sheet.freeze_panes(1, 1)

    def _write_total(self, sheet, styles, row, amount_col, label, amount, currency):
        sheet.write_string(row, 0, label, styles["total"])
        for col in range(1, amount_col):
            sheet.write_blank(row, col, None, styles["total"])
        sheet.write_number(
            row,
            amount_col,
            currency.round(amount),
            styles["total_money", currency],
        )
        sheet.write_string(row, amount_col + 1, currency.name, styles["total"])
