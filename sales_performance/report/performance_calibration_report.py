from odoo import api, fields, models
from odoo.tools import SQL


class PerformanceCalibrationMixin(models.AbstractModel):
    """The rating distribution of a group of scorecards (a team, a
    department...) over the rating bands of their template, next to the
    guideline share of each band. Reports add the group's field and build
    their rows with :meth:`_calibration_query`."""

    _name = "performance.calibration.mixin"
    _description = "Rating Distribution"

    period_id = fields.Many2one("performance.period", readonly=True)
    template_id = fields.Many2one("performance.scorecard.template", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    band_id = fields.Many2one("performance.rating.band", readonly=True)
    rating = fields.Char(readonly=True)
    min_score = fields.Float(readonly=True)
    scorecard_count = fields.Integer(string="Scorecards", readonly=True)
    period_type = fields.Selection(related="period_id.period_type")
    # Shares are averaged, never added: a cell of one group, period and band
    # is its own share, a rating's total the mean share across groups.
    share_pct = fields.Float(
        string="Share (%)", readonly=True, digits=(16, 1), aggregator="avg"
    )
    guideline_pct = fields.Float(
        string="Guideline (%)", readonly=True, digits=(16, 1), aggregator="avg"
    )
    gap_pct = fields.Float(
        string="Gap (points)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Share minus guideline: above zero, the group has more of this "
        "rating than the guideline.",
    )

    @api.model
    def _calibration_query(self, column):
        """Rows of the rating distribution by period, template and the
        scorecard column ``column`` (a team, a department...), one per band
        of the template, empty bands included; the column keeps its name."""
        group = SQL.identifier(column)
        return SQL(
            """
            WITH grid AS (
                SELECT DISTINCT period_id, template_id, %(group)s, company_id
                  FROM performance_scorecard
            ), counts AS (
                SELECT grid.period_id, grid.template_id, grid.%(group)s,
                       grid.company_id, band.id AS band_id, band.name AS rating,
                       band.min_score, COALESCE(band.guideline_pct, 0) AS guideline_pct,
                       COUNT(card.id) AS scorecard_count
                  FROM grid
                  JOIN performance_rating_band band
                    ON band.template_id = grid.template_id
             LEFT JOIN performance_scorecard card
                    ON card.period_id = grid.period_id
                   AND card.template_id = grid.template_id
                   AND card.%(group)s IS NOT DISTINCT FROM grid.%(group)s
                   AND card.rating = band.name
              GROUP BY grid.period_id, grid.template_id, grid.%(group)s,
                       grid.company_id, band.id
            )
            SELECT ROW_NUMBER() OVER (
                       ORDER BY period_id, template_id, %(group)s, band_id
                   ) AS id,
                   counts.*,
                   COALESCE(
                       100.0 * scorecard_count / NULLIF(SUM(scorecard_count) OVER (
                           PARTITION BY period_id, template_id, %(group)s
                       ), 0),
                       0
                   ) AS share_pct,
                   COALESCE(
                       100.0 * scorecard_count / NULLIF(SUM(scorecard_count) OVER (
                           PARTITION BY period_id, template_id, %(group)s
                       ), 0),
                       0
                   ) - guideline_pct AS gap_pct
              FROM counts
            """,
            group=group,
        )


class PerformanceCalibrationReport(models.Model):
    """How the ratings of a team's scorecards spread over the rating bands of
    their template, next to the guideline share of each band.

    One row per period, template, team and band, bands without scorecards
    included, so HR sees the empty ratings too.
    """

    _name = "performance.calibration.report"
    _inherit = "performance.calibration.mixin"
    _description = "Rating Calibration Analysis"
    _auto = False
    _order = "period_id desc, template_id, team_id, min_score desc"

    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)

    @property
    def _table_query(self):
        return self._calibration_query("team_id")
