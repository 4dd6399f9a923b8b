from odoo import models


class PerformanceScorecard(models.Model):
    _name = "performance.scorecard"
    _inherit = ["performance.scorecard", "performance.hr.mixin"]

    def _get_manager(self):
        """The team leader, else the employee's manager, else the department
        manager."""
        self.ensure_one()
        return self.user_id._get_performance_approver(
            self.company_id, team_leader=super()._get_manager()
        )
