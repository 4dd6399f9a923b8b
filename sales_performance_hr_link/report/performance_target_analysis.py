from odoo import api, fields, models


class PerformanceTargetAnalysis(models.Model):
    _inherit = "performance.target.analysis"

    figure = fields.Selection(
        selection_add=[("1p_prorated", "Prorated Target"), ("2_actual",)]
    )
    target_prorated = fields.Float(
        string="Prorated Target", readonly=True, digits=(16, 2)
    )

    _depends = {
        "performance.target": [
            "target_value",
            "target_prorated",
            "actual",
            "kpi_id",
            "period_id",
            "owner_type",
            "team_id",
            "user_id",
            "company_id",
        ],
        "performance.kpi": ["unit"],
        "performance.period": ["period_type", "date_start"],
    }

    @api.model
    def _figures(self):
        """The target prorated by working days beside the target."""
        return super()._figures() + [
            ("1p_prorated", "target_prorated", "target.target_prorated")
        ]
