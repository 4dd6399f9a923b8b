from odoo import _, models


class IncentiveStatementExport(models.TransientModel):
    _inherit = "incentive.statement.export"

    # ------------------------------------------------------------
    # Payroll: employee identification
    # ------------------------------------------------------------

    def _get_payroll_extra_headers(self):
        Employee = self.env["hr.employee"]
        return super()._get_payroll_extra_headers() + [
            (_("Employee Number"), "text"),
            (self._get_header(Employee, "identification_id"), "text"),
            (self._get_header(Employee, "department_id"), "text"),
            (self._get_header(Employee, "job_id"), "text"),
            (self._get_header(Employee, "performance_cost_centre"), "text"),
        ]

    def _get_payroll_extra_values(self, statement):
        """The employee columns of a payroll row, empty for a salesperson
        without employee. Hr.employee has no registration number in 18.0:
        the badge ID is the employee number."""
        # sudo: the badge, identification, job and cost centre are for HR
        # officers, and the validator exporting payroll need not be one.
        employee = statement.employee_id.sudo()
        return super()._get_payroll_extra_values(statement) + [
            employee.barcode or "",
            employee.identification_id or "",
            employee.department_id.display_name or "",
            employee.job_id.display_name or "",
            employee.performance_cost_centre or "",
        ]
