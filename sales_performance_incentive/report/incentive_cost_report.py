from odoo import api, fields, models
from odoo.tools import SQL

from ..models.incentive_statement import FROZEN_STATES, STATES


class IncentiveCostReport(models.Model):
    """Cost of sales: what the plans pay (earned, approved, paid) beside the
    revenue credited to the salespeople they pay, and the effective
    commission rate.

    One row per statement line (and one per statement without lines, so
    that its revenue counts). Every row carries the revenue credited on
    invoice to its salesperson in its period; the revenue of a group counts
    each salesperson and period once (see ``_read_group_select``), so it adds
    up by rep, team, plan, rule and period alike, and each rate is the
    group's commission over the group's revenue, never a sum of rates.
    """

    _name = "incentive.cost.report"
    _description = "Cost of Sales Analysis"
    _auto = False
    _order = "period_id desc, user_id, plan_id, id"

    statement_id = fields.Many2one("incentive.statement", readonly=True)
    line_id = fields.Many2one(
        "incentive.statement.line", string="Statement Line", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    plan_id = fields.Many2one("incentive.plan", readonly=True)
    rule_id = fields.Many2one("incentive.plan.rule", readonly=True)
    period_id = fields.Many2one("performance.period", readonly=True)
    date_from = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    state = fields.Selection(STATES, string="Statement Status", readonly=True)
    revenue_key = fields.Char(readonly=True)

    commission_earned = fields.Monetary(string="Earned", readonly=True)
    commission_approved = fields.Monetary(
        string="Approved",
        readonly=True,
        help="Earned on statements approved, validated or paid.",
    )
    commission_paid = fields.Monetary(string="Paid", readonly=True)
    revenue = fields.Monetary(
        string="Credited Revenue",
        readonly=True,
        help="Revenue credited on invoice to the salesperson in the period, "
        "credit notes deducted; each salesperson and period counts once.",
    )
    # Ratios of the group's sums (see _read_group_select): "avg" only tells
    # the views that they are not added.
    rate_earned = fields.Float(
        string="Earned Rate (%)", readonly=True, digits=(16, 2), aggregator="avg"
    )
    rate_approved = fields.Float(
        string="Approved Rate (%)", readonly=True, digits=(16, 2), aggregator="avg"
    )
    rate_paid = fields.Float(
        string="Paid Rate (%)", readonly=True, digits=(16, 2), aggregator="avg"
    )

    _depends = {
        "incentive.statement": [
            "user_id",
            "team_id",
            "plan_id",
            "period_id",
            "company_id",
            "state",
            "date_from",
            "date_to",
        ],
        "incentive.statement.line": ["statement_id", "rule_id", "amount"],
    }

    RATES = {
        "rate_earned": "commission_earned",
        "rate_approved": "commission_approved",
        "rate_paid": "commission_paid",
    }

    @property
    def _table_query(self):
        credits = self.env["incentive.credit"]._credit_query("invoice")
        return SQL(
            """
            WITH revenue AS (
                SELECT st.id AS statement_id,
                       COALESCE(SUM(credit.amount), 0) AS revenue
                  FROM incentive_statement st
             LEFT JOIN (%(credits)s) credit
                    ON credit.user_id = st.user_id
                   AND credit.company_id = st.company_id
                   AND credit.date BETWEEN st.date_from AND st.date_to
              GROUP BY st.id
            ), cost AS (
                SELECT st.id AS statement_id, line.id AS line_id,
                       st.user_id, st.team_id, st.plan_id, line.rule_id,
                       st.period_id, st.date_from, st.company_id,
                       company.currency_id, st.state,
                       st.user_id || '-' || st.period_id AS revenue_key,
                       COALESCE(line.amount, 0) AS commission_earned,
                       CASE WHEN st.state IN %(frozen)s
                            THEN COALESCE(line.amount, 0) ELSE 0
                       END AS commission_approved,
                       CASE WHEN st.state = 'paid'
                            THEN COALESCE(line.amount, 0) ELSE 0
                       END AS commission_paid,
                       revenue.revenue
                  FROM incentive_statement st
                  JOIN revenue ON revenue.statement_id = st.id
                  JOIN res_company company ON company.id = st.company_id
             LEFT JOIN incentive_statement_line line ON line.statement_id = st.id
            )
            SELECT ROW_NUMBER() OVER (ORDER BY statement_id, line_id) AS id,
                   cost.*,
                   100 * commission_earned / NULLIF(revenue, 0) AS rate_earned,
                   100 * commission_approved / NULLIF(revenue, 0) AS rate_approved,
                   100 * commission_paid / NULLIF(revenue, 0) AS rate_paid
              FROM cost
            """,
            credits=credits,
            frozen=FROZEN_STATES,
        )

    @api.model
    def _revenue_sql(self, query):
        """The revenue of a group: each salesperson and period once."""
        key = self._field_to_sql(self._table, "revenue_key", query)
        revenue = self._field_to_sql(self._table, "revenue", query)
        return SQL(
            "(SELECT SUM(value::numeric) FROM jsonb_each_text("
            "jsonb_object_agg(%s, %s)))",
            key,
            revenue,
        )

    def _read_group_select(self, aggregate_spec, query):
        fname = aggregate_spec.split(":")[0]
        if fname == "revenue":
            return self._revenue_sql(query)
        if fname in self.RATES:
            commission = self._field_to_sql(self._table, self.RATES[fname], query)
            return SQL(
                "100 * SUM(%s) / NULLIF(%s, 0)", commission, self._revenue_sql(query)
            )
        return super()._read_group_select(aggregate_spec, query)

    def action_open_statement(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "incentive.statement",
            "res_id": self.statement_id.id,
            "views": [(False, "form")],
        }
