from odoo import models


class PerformanceWorkflowMixin(models.AbstractModel):
    _inherit = "performance.workflow.mixin"

    def _get_responsible_for_approval(self):
        """The team leader, else the employee's manager, else the department
        manager: the HR hierarchy, for every workflow."""
        return self.user_id._get_performance_approver(
            self.company_id, team_leader=super()._get_responsible_for_approval()
        )
