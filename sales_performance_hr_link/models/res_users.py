from collections import defaultdict

from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _get_performance_employee(self, company):
        """The employee of this user in ``company`` (or in any company); an
        active one first, else the archived one of a person who left, so that
        their records keep their employee."""
        self.ensure_one()
        return self._get_performance_employees()[self.id](company)

    def _get_performance_employees(self):
        """``{user_id: pick(company)}`` for these users, from one search of
        their employees in every company, archived ones included: ``pick``
        returns the employee of a company, an active one first. Not through
        ``employee_ids``, which only holds the employees of the companies
        active in the context."""
        # sudo: the link between a user and their employee is needed by every
        # workflow, whoever acts; only the employee record is returned.
        employees = (
            self.env["hr.employee"]
            .sudo()
            .with_context(active_test=False)
            .search([("user_id", "in", self.ids)])
            .sorted(lambda employee: (not employee.active, employee.id))
        )
        by_user = defaultdict(lambda: employees.browse())
        for employee in employees:
            by_user[employee.user_id.id] |= employee

        def picker(user_employees):
            def pick(company):
                same = user_employees.filtered(lambda e: e.company_id == company)
                return (same or user_employees)[:1].with_env(self.env)

            return pick

        return {user.id: picker(by_user[user.id]) for user in self}

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
