from odoo import models


class PerformanceAnomaly(models.Model):
    _name = "performance.anomaly"
    _description = "Performance Anomaly"
