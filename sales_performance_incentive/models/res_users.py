from odoo import _, api, fields, models
from odoo.tools import SQL


class ResUsers(models.Model):
    _inherit = "res.users"

    # "My Performance": pay of the current period, read under the user's rights.
    incentive_statement_ids = fields.Many2many(
        "incentive.statement",
        string="Current Statements",
        compute="_compute_incentive_home",
    )
    incentive_earned = fields.Monetary(
        string="Earned This Period",
        compute="_compute_incentive_home",
        currency_field="incentive_currency_id",
        help="The total of your statements of the current period, adjustments "
        "and corrections included: what they pay if the period ended today. "
        "The estimator starts from this figure.",
    )
    incentive_expected = fields.Monetary(
        string="Projected at the Current Pace",
        compute="_compute_incentive_home",
        currency_field="incentive_currency_id",
        help="What the current statements pay at the end of their period if "
        "credits keep coming at the pace so far: the credits of the elapsed "
        "share of the period are extended to the whole period and paid by the "
        "plan's rules; adjustments and corrections count as they are.",
    )
    incentive_approved_unpaid = fields.Monetary(
        string="Approved, Not Yet Paid",
        compute="_compute_incentive_home",
        currency_field="incentive_currency_id",
        help="Statements approved or validated, waiting for payroll.",
    )
    incentive_paid_year = fields.Monetary(
        string="Paid This Year",
        compute="_compute_incentive_home",
        currency_field="incentive_currency_id",
        help="Statements marked paid since the first of January.",
    )
    incentive_history = fields.Json(
        string="Earnings of the Last 12 Periods",
        compute="_compute_incentive_home",
    )
    incentive_currency_id = fields.Many2one(
        "res.currency", compute="_compute_incentive_home"
    )
    incentive_to_accept_ids = fields.Many2many(
        "incentive.plan.assignment",
        string="Plans to Accept",
        compute="_compute_incentive_home",
    )

    def _compute_incentive_home(self):
        Statement = self.env["incentive.statement"]
        Assignment = self.env["incentive.plan.assignment"]
        today = fields.Date.context_today(self)
        for user in self:
            statements = Statement.search(
                [
                    ("user_id", "=", user.id),
                    ("date_from", "<=", today),
                    ("date_to", ">=", today),
                ]
            )
            user.incentive_statement_ids = statements
            user.incentive_currency_id = (
                statements.currency_id[:1] or self.env.company.currency_id
            )
            user.incentive_earned = sum(statements.mapped("amount_total"))
            user.incentive_expected = sum(
                statement._get_expected_payout() for statement in statements
            )
            mine = [("user_id", "=", user.id)]
            user.incentive_approved_unpaid = sum(
                Statement.search(
                    mine + [("state", "in", ("approved", "validated"))]
                ).mapped("amount_total")
            )
            user.incentive_paid_year = sum(
                Statement.search(
                    mine
                    + [
                        ("state", "=", "paid"),
                        ("paid_date", ">=", today.replace(month=1, day=1)),
                    ]
                ).mapped("amount_total")
            )
            user.incentive_history = user._get_incentive_history()
            user.incentive_to_accept_ids = Assignment.search(
                [
                    ("user_id", "=", user.id),
                    ("state", "=", "pending"),
                    ("plan_id.state", "=", "published"),
                ]
            )

    def _get_incentive_history(self, periods=12):
        """Earnings of the last ``periods`` monthly periods up to today, oldest
        first: ``[{"period": name, "amount": total, "state": lowest state}]``,
        one grouped read."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        groups = self.env["incentive.statement"]._read_group(
            [
                ("user_id", "=", self.id),
                ("period_id.period_type", "=", "month"),
                ("date_from", "<=", today),
            ],
            ["period_id"],
            ["amount_total:sum"],
            order="period_id desc",
            limit=periods,
        )
        return [
            {"period": period.display_name, "amount": amount}
            for period, amount in sorted(groups, key=lambda g: g[0].date_start)
        ]

    @api.model
    def action_open_my_performance(self):
        """Bring the salesperson's draft statements of today up to date first,
        so that every figure of the page (statement totals, earned, the
        estimator's baseline) is the one a statement computed now shows.
        Only stale ones are recomputed (``_get_stale_incentive_statements``:
        one query), and statements somebody is computing at that moment are
        skipped."""
        today = fields.Date.context_today(self)
        drafts = self.env["incentive.statement"].search(
            [
                ("user_id", "=", self.env.uid),
                ("state", "=", "draft"),
                ("date_from", "<=", today),
                ("date_to", ">=", today),
            ]
        )
        self._get_stale_incentive_statements(drafts).with_context(
            performance_skip_locked=True
        ).action_compute()
        return super().action_open_my_performance()

    @api.model
    def _get_stale_incentive_statements(self, statements):
        """The statements among these that documents changed since their last
        computation: an invoice, credit note or payment of the salesperson
        (or of a team they lead), a credit split or one of their targets
        written after it (a second after, as the computation date is stored
        to the second). One query; never computed counts as stale."""
        if not statements:
            return statements
        rows = self.env.execute_query(
            SQL(
                """
                SELECT statement.id
                  FROM incentive_statement statement,
                       LATERAL (SELECT statement.computed_date
                                       + INTERVAL '1 second' AS since) computed
                 WHERE statement.id IN %(ids)s
                   AND (statement.computed_date IS NULL
                        OR EXISTS (
                            SELECT 1 FROM account_move move
                             WHERE move.write_date > computed.since
                               AND move.company_id = statement.company_id
                               AND move.move_type IN ('out_invoice', 'out_refund')
                               AND (move.invoice_user_id = statement.user_id
                                    OR move.team_id IN (
                                        SELECT team.id FROM crm_team team
                                         WHERE team.user_id = statement.user_id)))
                        OR EXISTS (
                            SELECT 1 FROM incentive_split split
                             WHERE split.write_date > computed.since
                               AND split.user_id = statement.user_id)
                        OR EXISTS (
                            SELECT 1 FROM performance_target target
                             WHERE target.write_date > computed.since
                               AND target.user_id = statement.user_id
                               AND target.period_id = statement.period_id))
                """,
                ids=tuple(statements.ids),
            )
        )
        return statements.browse([row[0] for row in rows])

    @api.model
    def action_open_my_statements(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_performance_incentive.action_incentive_statement"
        )
        action["domain"] = [("user_id", "=", self.env.uid)]
        action["name"] = _("My Statements")
        return action

    @api.model
    def action_open_estimator(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Estimate My Commission"),
            "res_model": "incentive.estimator",
            "view_mode": "form",
            "target": "new",
        }
