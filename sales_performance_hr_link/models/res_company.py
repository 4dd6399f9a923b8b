from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    performance_prorate_without_employee = fields.Boolean(
        string="Count Salespeople Without Employee in Full",
        help="Targets of salespeople who have no employee are not prorated "
        "(factor 1) instead of being flagged.",
    )
    incentive_analytic_split = fields.Selection(
        selection_add=[("department", "Department"), ("cost_centre", "Cost Centre")],
        ondelete={"department": "set default", "cost_centre": "set default"},
    )
    performance_promotion_periods = fields.Integer(
        string="Top Ratings Before Promotion Readiness",
        default=3,
        help="Consecutive periods in the top rating that flag an employee as "
        "ready for promotion. 0: never.",
    )

    @api.constrains("performance_promotion_periods")
    def _check_performance_promotion_periods(self):
        for company in self:
            if company.performance_promotion_periods < 0:
                raise ValidationError(
                    _("The number of top ratings before promotion cannot be negative.")
                )
