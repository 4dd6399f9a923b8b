import re

from odoo import _, api, fields, models

SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Excel keeps this name for itself.
SHEET_NAME_RESERVED = "history"

# Columns of the workbook: field name and style.
SCORECARD_COLUMNS = [
    ("user_id", "text"),
    ("team_id", "text"),
    ("period_id", "text"),
    ("template_id", "text"),
    ("state", "text"),
    ("total_score", "score"),
    ("rating", "text"),
]
LINE_COLUMNS = [
    ("kpi_id", "text"),
    ("weight", "score"),
    ("target", "number"),
    ("actual", "number"),
    ("attainment", "score"),
    ("score", "score"),
    ("weighted_score", "score"),
]
HEADER_STYLE = {"text": "header", "number": "header_number", "score": "header_number"}


def sheet_name(name, used, fallback="Sheet"):
    """A valid, unique Excel sheet name made from ``name``: at most 31
    characters, none of ``[]:*?/\\``, no quote at either end, unique in
    ``used`` whatever the case (Excel's rule). ``used`` holds the lowercase
    names taken so far and receives the new one."""
    base = SHEET_NAME_FORBIDDEN.sub("-", name or "").strip(" '") or fallback
    base = base[:SHEET_NAME_MAX].strip(" '")
    candidate, index = base, 1
    while candidate.lower() in used or candidate.lower() == SHEET_NAME_RESERVED:
        index += 1
        suffix = f" ({index})"
        candidate = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
    used.add(candidate.lower())
    return candidate


class PerformanceScorecardExport(models.TransientModel):
    _name = "performance.scorecard.export"
    _description = "Export Scorecards to XLSX"
    _inherit = ["performance.xlsx.export"]

    scorecard_ids = fields.Many2many(
        "performance.scorecard",
        string="Scorecards",
        required=True,
        default=lambda self: self._default_scorecard_ids(),
    )
    scorecard_count = fields.Integer(compute="_compute_scorecard_count")
    layout = fields.Selection(
        [("summary", "Summary"), ("detail", "Detail")],
        required=True,
        default="summary",
        help="Summary: one sheet, a row per scorecard with the score of each KPI. "
        "Detail: one sheet per scorecard with the target, actual and score "
        "of each KPI.",
    )

    def _default_scorecard_ids(self):
        return self._default_selected("performance.scorecard")

    @api.depends("scorecard_ids")
    def _compute_scorecard_count(self):
        for wizard in self:
            wizard.scorecard_count = len(wizard.scorecard_ids)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_export(self):
        self.ensure_one()
        scorecards = self._get_scorecards()

        def write(workbook):
            styles = self._get_styles(workbook)
            if self.layout == "detail":
                self._write_details(workbook, styles, scorecards)
            else:
                self._write_summary(workbook, styles, scorecards)

        return self._export_xlsx(write, self._get_filename(scorecards))

    # ------------------------------------------------------------
    # Workbook
    # ------------------------------------------------------------

    def _get_scorecards(self):
        return self._get_selected(
            "scorecard_ids", _("Select the scorecards to export.")
        )

    def _get_filename(self, scorecards):
        periods = scorecards.period_id.sorted(lambda period: period.date_start)
        period = periods[0].name
        if len(periods) > 1:
            period = f"{period} - {periods[-1].name}"
        return _("Scorecards %(period)s", period=period) + ".xlsx"

    def _get_styles(self, workbook):
        header = {"bold": True, "bg_color": "#e9ecef", "bottom": 1, "text_wrap": True}
        total = {"bold": True, "top": 1}
        return {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "label": workbook.add_format({"bold": True}),
            "header": workbook.add_format(header),
            "header_number": workbook.add_format({**header, "align": "right"}),
            "text": workbook.add_format({}),
            "number": workbook.add_format({"num_format": "#,##0.00"}),
            "score": workbook.add_format({"num_format": "0.00"}),
            "total": workbook.add_format(total),
            "total_score": workbook.add_format({**total, "num_format": "0.00"}),
        }

    def _write_summary(self, workbook, styles, scorecards):
        """One sheet, a row per scorecard and a column per KPI with its score."""
        sheet = workbook.add_worksheet(sheet_name(_("Scorecards"), set()))
        kpis = scorecards.line_ids.kpi_id
        columns = SCORECARD_COLUMNS
        for col, (field_name, style) in enumerate(columns):
            header = self._get_header(scorecards, field_name)
            sheet.write(0, col, header, styles[HEADER_STYLE[style]])
        for col, kpi in enumerate(kpis, start=len(columns)):
            sheet.write(0, col, kpi.display_name, styles["header_number"])
        for row, scorecard in enumerate(scorecards, start=1):
            for col, (field_name, style) in enumerate(columns):
                value = self._get_value(scorecard, field_name)
                sheet.write(row, col, value, styles[style])
            score_by_kpi = {line.kpi_id: line.score for line in scorecard.line_ids}
            for col, kpi in enumerate(kpis, start=len(columns)):
                if kpi in score_by_kpi:
                    sheet.write_number(row, col, score_by_kpi[kpi], styles["score"])
        last_col = len(columns) + len(kpis) - 1
        sheet.set_column(0, len(columns) - 1, 18)
        sheet.set_column(len(columns), max(last_col, len(columns)), 16)
        sheet.set_row(0, 30)
        sheet.freeze_panes(1, 1)
        sheet.autofilter(0, 0, len(scorecards), last_col)

    def _write_details(self, workbook, styles, scorecards):
        """One sheet per scorecard: its header fields, then its KPIs."""
        used = set()
        for scorecard in scorecards:
            name = sheet_name(scorecard.display_name, used, fallback=str(scorecard.id))
            self._write_detail(workbook.add_worksheet(name), styles, scorecard)

    def _write_detail(self, sheet, styles, scorecard):
        sheet.write(0, 0, scorecard.display_name, styles["title"])
        row = 1
        for field_name, style in SCORECARD_COLUMNS:
            row += 1
            sheet.write(
                row, 0, self._get_header(scorecard, field_name), styles["label"]
            )
            sheet.write(row, 1, self._get_value(scorecard, field_name), styles[style])
        row += 2
        lines = scorecard.line_ids
        for col, (field_name, style) in enumerate(LINE_COLUMNS):
            header = self._get_header(lines, field_name)
            sheet.write(row, col, header, styles[HEADER_STYLE[style]])
        for line in lines:
            row += 1
            for col, (field_name, style) in enumerate(LINE_COLUMNS):
                sheet.write(row, col, self._get_value(line, field_name), styles[style])
        row += 1
        totals = {
            "kpi_id": _("Total"),
            "weight": sum(lines.mapped("weight")),
            "weighted_score": scorecard.total_score,
        }
        for col, (field_name, _style) in enumerate(LINE_COLUMNS):
            value = totals.get(field_name)
            if value is None:
                sheet.write_blank(row, col, None, styles["total"])
            elif isinstance(value, str):
                sheet.write_string(row, col, value, styles["total"])
            else:
                sheet.write_number(row, col, value, styles["total_score"])
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, len(LINE_COLUMNS) - 1, 16)
