from odoo import api, fields, models


class PerformanceHrMixin(models.AbstractModel):
    """Employee, department and job of the salesperson of a record, stored so
    that lists search and group by them and record rules read them."""

    _name = "performance.hr.mixin"
    _description = "Employee of a Performance Record"

    employee_id = fields.Many2one(
        "hr.employee",
        compute="_compute_employee_id",
        store=True,
        index=True,
        compute_sudo=True,
    )
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_employee_id",
        store=True,
        index=True,
        compute_sudo=True,
    )
    job_id = fields.Many2one(
        "hr.job",
        string="Job Position",
        compute="_compute_employee_id",
        store=True,
        compute_sudo=True,
    )

    @api.depends(
        "user_id",
        "company_id",
        "user_id.employee_ids.department_id",
        "user_id.employee_ids.job_id",
    )
    def _compute_employee_id(self):
        employees = self.user_id._get_performance_employees()
        for record in self:
            employee = (
                employees[record.user_id.id](record.company_id)
                if record.user_id
                else record.env["hr.employee"]
            )
            record.employee_id = employee
            record.department_id = employee.department_id
            record.job_id = employee.job_id
