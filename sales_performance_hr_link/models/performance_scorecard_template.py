from odoo import fields, models
from odoo.osv import expression


class PerformanceScorecardTemplate(models.Model):
    _inherit = "performance.scorecard.template"

    # Who is scored
    department_ids = fields.Many2many(
        "hr.department",
        "performance_scorecard_template_hr_department_rel",
        "template_id",
        "department_id",
        string="Departments",
        check_company=True,
        help="The employees of these departments and of their sub-departments are "
        "scored with this template.",
    )
    job_ids = fields.Many2many(
        "hr.job",
        "performance_scorecard_template_hr_job_rel",
        "template_id",
        "job_id",
        string="Job Positions",
        check_company=True,
        help="The employees holding these job positions are scored with this template.",
    )

    def _get_users(self):
        """Also the users of the active employees of the template's company in
        its departments (sub-departments included) or job positions, read at
        each generation so that new employees are scored."""
        users = super()._get_users()
        if not (self.department_ids or self.job_ids):
            return users
        # sudo: only HR officers read employees; their users are all we take.
        employees = self.env["hr.employee"].sudo().search(self._get_employee_domain())
        return users | employees.user_id.filtered(
            lambda user: self.company_id in user.company_ids
        ).sudo(False)

    def _get_employee_domain(self):
        self.ensure_one()
        origins = []
        if self.department_ids:
            origins.append([("department_id", "child_of", self.department_ids.ids)])
        if self.job_ids:
            origins.append([("job_id", "in", self.job_ids.ids)])
        return expression.AND(
            [
                [("company_id", "=", self.company_id.id), ("user_id", "!=", False)],
                expression.OR(origins),
            ]
        )
