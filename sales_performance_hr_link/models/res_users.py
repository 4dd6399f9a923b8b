from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _get_performance_employee(self, company):
        """The employee of this user in ``company`` (or in any company); an
        active one first, else the archived one of a person who left, so that
        their records keep their employee."""
        self.ensure_one()
        # sudo: the link between a user and their employee is needed by every
        # workflow, whoever acts; only the employee record is returned.
        employees = (
            self.sudo()
            .with_context(active_test=False)
            .employee_ids.sorted(lambda employee: not employee.active)
        )
        return (employees.filtered(lambda e: e.company_id == company) or employees)[:1]

    def _get_performance_approver(self, company, team_leader=None):
        """Who approves this user's scorecards and statements: the leader of
        their sales team, else their manager, else their department's manager.
        Never the user themselves. The one rule every workflow uses."""
        self.ensure_one()
        if team_leader and team_leader != self:
            return team_leader
        employee = self._get_performance_employee(company)
        for candidate in (
            employee.parent_id.user_id,
            employee.department_id.manager_id.user_id,
        ):
            if candidate and candidate != self:
                return candidate
        return self.browse()
