from odoo import fields, models


class PerformanceDepartmentCalibrationReport(models.Model):
    """How the ratings of a department's scorecards spread over the rating
    bands of their template, next to the guideline share of each band: the
    calibration analysis of the sales teams, by department for HR.

    One row per period, template, department and band, bands without
    scorecards included.
    """

    _name = "performance.department.calibration.report"
    _description = "Rating Calibration by Department"
    _auto = False
    _order = "period_id desc, template_id, department_id, min_score desc"

    period_id = fields.Many2one("performance.period", readonly=True)
    template_id = fields.Many2one("performance.scorecard.template", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    band_id = fields.Many2one("performance.rating.band", readonly=True)
    rating = fields.Char(readonly=True)
    min_score = fields.Float(readonly=True)
    scorecard_count = fields.Integer(string="Scorecards", readonly=True)
    share_pct = fields.Float(string="Share (%)", readonly=True, digits=(16, 1))
    guideline_pct = fields.Float(string="Guideline (%)", readonly=True, digits=(16, 1))
    gap_pct = fields.Float(
        string="Gap (points)",
        readonly=True,
        digits=(16, 1),
        help="Share minus guideline: above zero, the department has more of "
        "this rating than the guideline.",
    )

    @property
    def _table_query(self):
        return self.env["performance.calibration.report"]._calibration_query(
            "department_id"
        )
