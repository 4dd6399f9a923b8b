from odoo import _, api, fields, models
from odoo.osv import expression


class IncentiveStatementQueue(models.AbstractModel):
    """What reaches a team leader: the statements of the teams they lead,
    those waiting on them first, and never a statement with nothing to
    decide (``_filter_nothing_earned``). Part of ``incentive.statement``."""

    _name = "incentive.statement.queue"
    _description = "Statements Waiting on a Leader"

    is_waiting_on_me = fields.Boolean(
        string="Waiting on Me",
        compute="_compute_is_waiting_on_me",
        search="_search_is_waiting_on_me",
        help="The statement waits on you: its approval or validation is in "
        "your activities.",
    )

    def _compute_is_waiting_on_me(self):
        waiting = self.search(
            [("id", "in", self._origin.ids), ("is_waiting_on_me", "=", True)]
        ).ids
        for statement in self:
            statement.is_waiting_on_me = statement._origin.id in waiting

    def _search_is_waiting_on_me(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(_("Unsupported search on Waiting on Me."))
        activity_types = [
            activity_type.id
            for activity_type, _method in self._get_state_activities().values()
        ]
        domain = [
            (
                "activity_ids",
                "any",
                [
                    ("user_id", "=", self.env.uid),
                    ("activity_type_id", "in", activity_types),
                ],
            )
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.model
    def _get_team_statements_domain(self):
        """The statements this user approves as a leader, never their own."""
        return expression.AND(
            [
                [("user_id", "!=", self.env.uid)],
                expression.OR(self._get_led_statements_domains()),
            ]
        )

    @api.model
    def _get_led_statements_domains(self):
        """One domain per way of leading people: the teams this user leads
        (*HR link*: and the departments they manage)."""
        return [[("team_id.user_id", "=", self.env.uid)]]

    @api.model
    def action_open_team_statements(self):
        """My Team's Statements: by state, those waiting on the leader first
        (the Waiting on Me filter, on by default when something waits)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_performance_incentive.action_incentive_statement_team"
        )
        domain = self._get_team_statements_domain()
        waiting = self.search_count([*domain, ("is_waiting_on_me", "=", True)], limit=1)
        action["domain"] = domain
        action["context"] = {
            "search_default_group_by_state": 1,
            "search_default_waiting_for_me": int(bool(waiting)),
        }
        return action

    def _filter_nothing_earned(self):
        """The statements among these that approve themselves when submitted:
        their plan says so, no line carries an amount, an adjustment or a
        correction, and no dispute is open on them."""
        # sudo: an open dispute holds a statement back whoever submits it.
        disputed = (
            self.env["incentive.dispute"]
            .sudo()
            .search([("statement_id", "in", self.ids), ("state", "=", "open")])
            .statement_id.ids
        )
        return self.filtered(
            lambda st: (
                st.plan_id.auto_approve_zero
                and st.id not in disputed
                and all(
                    line.kind == "rule" and st.currency_id.is_zero(line.amount)
                    for line in st.line_ids
                )
            )
        )
