from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # copy=True: a credit note made by reversing an invoice claws back from
    # the same salespeople in the same shares.
    incentive_split_ids = fields.One2many(
        "incentive.split",
        "move_id",
        string="Credit Splits",
        copy=True,
        help="Share the credit of this invoice between salespeople; the shares "
        "add up to 100 %.",
    )
    incentive_statement_ids = fields.Many2many(
        "incentive.statement",
        string="Incentive Statements",
        compute="_compute_incentive_statement_ids",
        help="The commission statements this entry accrues, reverses or pays.",
    )
    incentive_statement_count = fields.Integer(
        compute="_compute_incentive_statement_ids"
    )

    @api.depends("line_ids.incentive_statement_id")
    def _compute_incentive_statement_ids(self):
        for move in self:
            move.incentive_statement_ids = move.line_ids.incentive_statement_id
            move.incentive_statement_count = len(move.incentive_statement_ids)

    def action_open_incentive_statements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_performance_incentive.action_incentive_statement"
        )
        action.update(
            domain=[("id", "in", self.incentive_statement_ids.ids)], context={}
        )
        return action
