from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    performance_cancel_date = fields.Date(
        string="Cancelled On",
        readonly=True,
        copy=False,
        index=True,
        help="Day this confirmed order was cancelled; empty for a quotation "
        "cancelled before confirmation, cleared when set back to quotation.",
    )

    def action_draft(self):
        result = super().action_draft()
        self.filtered(
            lambda order: order.state == "draft" and order.performance_cancel_date
        ).performance_cancel_date = False
        return result

    def _action_cancel(self):
        """Stamp the day confirmed orders are cancelled: a win reversed early
        in the next month is an anomaly; a quotation dropped is not."""
        confirmed = self.filtered(lambda order: order.state == "sale")
        result = super()._action_cancel()
        confirmed.filtered(
            lambda order: order.state == "cancel"
        ).performance_cancel_date = fields.Date.context_today(self)
        return result
