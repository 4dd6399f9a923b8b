from odoo import fields, models


class PerformanceDepartmentCalibrationReport(models.Model):
    """How the ratings of a department's scorecards spread over the rating
    bands of their template, next to the guideline share of each band: the
    calibration analysis of the sales teams, by department for HR.

    One row per period, template, department and band, bands without
    scorecards included.
    """

    _name = "performance.department.calibration.report"
    _inherit = "performance.calibration.mixin"
    _description = "Rating Calibration by Department"
    _auto = False
    _order = "period_id desc, template_id, department_id, min_score desc"

    department_id = fields.Many2one("hr.department", readonly=True)

    @property
    def _table_query(self):
        return self._calibration_query("department_id")
