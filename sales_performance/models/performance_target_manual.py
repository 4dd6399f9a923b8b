from collections import defaultdict

from odoo import models

from .batch import store_values


class PerformanceTarget(models.Model):
    """Targets of manual KPIs take the values entered for their period
    (``performance.kpi.value``) when they are refreshed; without an entered
    value, the actual typed on the target stays."""

    _inherit = "performance.target"

    def _refresh_derived_values(self):
        manual = self.filtered(lambda target: target.kpi_id.kind == "manual")
        groups = defaultdict(lambda: self.browse())
        for target in manual:
            groups[target.period_id, target.company_id] |= target
        Value = self.env["performance.kpi.value"]
        for (period, company), targets in groups.items():
            owners_by_level = defaultdict(set)
            for target in targets:
                owners_by_level[target.owner_type].add(target._get_owner_id())
            entered = Value._read_values(
                targets.kpi_id,
                period.date_start,
                period.date_end,
                owners_by_level,
                company,
            )
            actuals = {}
            for target in targets:
                by_owner = entered[target.owner_type].get(target.kpi_id.id, {})
                if target._get_owner_id() in by_owner:
                    actuals[target.id] = by_owner[target._get_owner_id()]
            store_values(targets, "actual", actuals)
        return super()._refresh_derived_values()
