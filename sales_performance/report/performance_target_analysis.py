from odoo import api, fields, models
from odoo.tools import SQL


class PerformanceTargetAnalysis(models.Model):
    """Targets and their actuals as rows of one measure (``value``), so that
    a graph sets the target beside the actual of each KPI; a pivot reads the
    same rows through one measure per figure (``target_value``, ``actual``),
    never adding a target to an actual. One row per target and figure
    (target, actual; the HR link adds the prorated target)."""

    _name = "performance.target.analysis"
    _description = "Targets and Actuals Analysis"
    _auto = False
    _order = "period_id desc, kpi_id, figure"

    target_id = fields.Many2one(
        "performance.target", string="Source Target", readonly=True
    )
    figure = fields.Selection(
        [("1_target", "Target"), ("2_actual", "Actual")], readonly=True
    )
    value = fields.Float(readonly=True, digits=(16, 2))
    target_value = fields.Float(string="Target", readonly=True, digits=(16, 2))
    actual = fields.Float(readonly=True, digits=(16, 2))
    # Actual over target of the group's sums (see _read_group_select).
    attainment = fields.Float(
        string="Actual / Target (%)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
    )
    kpi_id = fields.Many2one("performance.kpi", string="KPI", readonly=True)
    kpi_unit = fields.Selection(
        [("amount", "Amount"), ("number", "Number"), ("percent", "Percent")],
        string="Unit",
        readonly=True,
    )
    period_id = fields.Many2one("performance.period", readonly=True)
    period_type = fields.Selection(
        [
            ("year", "Year"),
            ("quarter", "Quarter"),
            ("month", "Month"),
            ("week", "Week"),
        ],
        readonly=True,
    )
    date_start = fields.Date(readonly=True)
    owner_type = fields.Selection(
        [("company", "Company"), ("team", "Sales Team"), ("user", "Salesperson")],
        string="Level",
        readonly=True,
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    _depends = {
        "performance.target": [
            "target_value",
            "actual",
            "kpi_id",
            "period_id",
            "owner_type",
            "team_id",
            "user_id",
            "company_id",
        ],
        "performance.kpi": ["unit"],
        "performance.period": ["period_type", "date_start"],
    }

    @api.model
    def _figures(self):
        """``[(figure, measure field, value column)]``: each adds one row per
        target, whose value shows in ``value`` and in its measure field. The
        rows are numbered ``target id × 10 + position``."""
        return [
            ("1_target", "target_value", "target.target_value"),
            ("2_actual", "actual", "target.actual"),
        ]

    @api.model
    def _select_figure(self, position, figure, measure, column):
        measures = SQL(", ").join(
            SQL(
                "%s AS %s",
                SQL(column) if other == measure else SQL("0.0"),
                SQL.identifier(other),
            )
            for _figure, other, _column in self._figures()
        )
        return SQL(
            """
            SELECT target.id * 10 + %(position)s AS id,
                   target.id AS target_id,
                   %(figure)s AS figure,
                   %(column)s AS value,
                   %(measures)s,
                   CASE WHEN %(position)s = 1
                        THEN 100 * target.actual / NULLIF(target.target_value, 0)
                   END AS attainment,
                   target.kpi_id, kpi.unit AS kpi_unit,
                   target.period_id, period.period_type,
                   period.date_start,
                   target.owner_type, target.team_id, target.user_id,
                   target.company_id
              FROM performance_target target
              JOIN performance_kpi kpi ON kpi.id = target.kpi_id
              JOIN performance_period period ON period.id = target.period_id
            """,
            position=position,
            figure=figure,
            column=SQL(column),
            measures=measures,
        )

    @property
    def _table_query(self):
        return SQL(" UNION ALL ").join(
            self._select_figure(position, figure, measure, column)
            for position, (figure, measure, column) in enumerate(self._figures())
        )

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec.split(":")[0] == "attainment":
            actual = self._field_to_sql(self._table, "actual", query)
            target = self._field_to_sql(self._table, "target_value", query)
            return SQL("100 * SUM(%s) / NULLIF(SUM(%s), 0)", actual, target)
        return super()._read_group_select(aggregate_spec, query)

    def action_open_target(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "performance.target",
            "res_id": self.target_id.id,
            "views": [(False, "form")],
        }
