from odoo import fields, models


class PerformanceHome(models.Model):
    """The pay of the current period on *My Performance*, as the user reads
    it (``res.users``' ``incentive_*`` fields)."""

    _inherit = "performance.home"

    incentive_statement_ids = fields.Many2many(
        related="user_id.incentive_statement_ids", related_sudo=False
    )
    incentive_currency_id = fields.Many2one(
        related="user_id.incentive_currency_id", related_sudo=False
    )
    incentive_earned = fields.Monetary(
        related="user_id.incentive_earned",
        related_sudo=False,
        currency_field="incentive_currency_id",
    )
    incentive_expected = fields.Monetary(
        related="user_id.incentive_expected",
        related_sudo=False,
        currency_field="incentive_currency_id",
    )
    incentive_approved_unpaid = fields.Monetary(
        related="user_id.incentive_approved_unpaid",
        related_sudo=False,
        currency_field="incentive_currency_id",
    )
    incentive_paid_year = fields.Monetary(
        related="user_id.incentive_paid_year",
        related_sudo=False,
        currency_field="incentive_currency_id",
    )
    incentive_history = fields.Json(
        related="user_id.incentive_history", related_sudo=False
    )
    incentive_to_accept_ids = fields.Many2many(
        related="user_id.incentive_to_accept_ids", related_sudo=False
    )
