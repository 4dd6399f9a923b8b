from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.sales_performance.models.batch import flush_rows, store_values

from ..tools import proration


class PerformanceTarget(models.Model):
    _name = "performance.target"
    _inherit = ["performance.target", "performance.hr.mixin"]

    proration_factor = fields.Float(
        string="Proration",
        default=1.0,
        readonly=True,
        help="Share of the period's working days the salesperson could work "
        "(schedule, validated leaves, hire and departure); attainment is "
        "measured against the target times this share.",
    )
    target_prorated = fields.Float(
        string="Prorated Target",
        compute="_compute_target_prorated",
        store=True,
        digits=(16, 2),
    )
    proration_missing = fields.Boolean(
        string="Not Prorated",
        readonly=True,
        help="The salesperson has no employee: the target is not prorated.",
    )

    @api.depends("target_value", "proration_factor")
    def _compute_target_prorated(self):
        for target in self:
            target.target_prorated = proration.prorate(
                target.target_value, target.proration_factor
            )

    @api.depends("actual", "target_value", "proration_factor", "kpi_id.direction")
    def _compute_attainment(self):
        return super()._compute_attainment()

    def _get_effective_target(self):
        self.ensure_one()
        if self.owner_type != "user":
            return self.target_value
        return proration.prorate(self.target_value, self.proration_factor)

    def _refresh_derived_values(self):
        self._refresh_proration()
        return super()._refresh_derived_values()

    def action_prorate(self):
        """Prorate these salesperson targets now; refused for a salesperson
        without employee unless the company counts them in full."""
        self._refresh_proration(strict=True)
        flush_rows(self.sudo())
        return True

    def _refresh_proration(self, strict=False):
        """Batch: one proration per employee and period."""
        self.check_access("read")
        # sudo: the factor is derived from HR data, never typed in.
        targets = self.sudo().filtered(
            lambda target: (
                target.owner_type == "user" and target.period_id.state == "open"
            )
        )
        factors_by_target, missing_by_target = {}, {}
        in_full = {}
        for period, batch in targets.grouped("period_id").items():
            factors = batch.employee_id._get_performance_proration(
                period.date_start, period.date_end
            )
            for target in batch:
                employee_id = target.employee_id.id
                company = target.company_id
                if company.id not in in_full:
                    in_full[company.id] = company.performance_prorate_without_employee
                if employee_id:
                    factor, missing = factors[employee_id], False
                elif in_full[company.id]:
                    factor, missing = 1.0, False
                elif strict:
                    raise UserError(
                        _(
                            "%(user)s has no employee: their target cannot be "
                            "prorated. Link an employee to the user, or let the "
                            "company count salespeople without employee in full.",
                            user=target.user_id.name,
                        )
                    )
                else:
                    factor, missing = 1.0, True
                factors_by_target[target.id] = factor
                missing_by_target[target.id] = missing
        # Derived from HR data for thousands of targets at a close: stored in
        # one batch (only the changed ones), not a write per target.
        store_values(targets, "proration_factor", factors_by_target)
        store_values(targets, "proration_missing", missing_by_target)
