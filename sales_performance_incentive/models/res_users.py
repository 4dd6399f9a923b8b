from odoo import _, api, fields, models


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
    )
    incentive_expected = fields.Monetary(
        string="Expected Payout",
        compute="_compute_incentive_home",
        currency_field="incentive_currency_id",
        help="What the current statements pay at the end of their period if "
        "credits keep coming at the pace so far.",
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
            user.incentive_to_accept_ids = Assignment.search(
                [
                    ("user_id", "=", user.id),
                    ("state", "=", "pending"),
                    ("plan_id.state", "=", "published"),
                ]
            )

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
