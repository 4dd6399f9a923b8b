from odoo import fields, models


class PerformanceAnomalyClose(models.TransientModel):
    _name = "performance.anomaly.close"
    _description = "Close Performance Anomalies"

    anomaly_ids = fields.Many2many("performance.anomaly", required=True)
    decision = fields.Selection(
        [
            ("justified", "Justified"),
            ("violation", "Violation"),
            ("corrected", "Corrected"),
        ],
        required=True,
    )
    note = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.anomaly_ids.action_close(self.decision, self.note)
        return {"type": "ir.actions.act_window_close"}
