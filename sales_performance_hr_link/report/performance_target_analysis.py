from odoo import api, fields, models


class PerformanceTargetAnalysis(models.Model):
    _inherit = "performance.target.analysis"

    figure = fields.Selection(
        selection_add=[("1p_prorated", "Prorated Target"), ("2_actual",)]
    )
    target_prorated = fields.Float(
        string="Prorated Target", readonly=True, digits=(16, 2)
    )

    # Odoo merges _depends along the inheritance: only what this adds.
    _depends = {"performance.target": ["target_prorated"]}

    @api.model
    def _figures(self):
        """The target prorated by working days beside the target."""
        return super()._figures() + [
            ("1p_prorated", "target_prorated", "target.target_prorated")
        ]
