from odoo import _, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def action_incentive_estimate(self):
        """What closing this opportunity would add to its salesperson's pay."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Estimate My Commission"),
            "res_model": "incentive.estimator",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_lead_id": self.id,
                "default_user_id": (self.user_id or self.env.user).id,
                "default_amount": self.expected_revenue,
                "default_date": self.date_deadline or fields.Date.context_today(self),
            },
        }
