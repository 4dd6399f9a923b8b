from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression


class IncentivePlanAssignment(models.Model):
    """Department and job position lines, expanded like team lines into one
    line per employee's user at publication and at every statement
    generation, so that new employees join."""

    _inherit = "incentive.plan.assignment"

    # Origin of the line
    department_id = fields.Many2one(
        "hr.department",
        index=True,
        help="Each employee of this department and of its sub-departments takes "
        "part in the plan.",
    )
    job_id = fields.Many2one(
        "hr.job",
        string="Job Position",
        index=True,
        help="Each employee holding this job position takes part in the plan; "
        "with a department, only those of the department.",
    )

    _sql_constraints = [
        (
            "user_or_team",
            "CHECK(user_id IS NOT NULL OR team_id IS NOT NULL "
            "OR department_id IS NOT NULL OR job_id IS NOT NULL)",
            "A participant is a salesperson, a sales team, a department or a job "
            "position.",
        ),
    ]

    @api.depends("department_id", "job_id")
    def _compute_display_name(self):
        hr_lines = self.filtered(
            lambda a: (a.department_id or a.job_id) and not (a.user_id or a.team_id)
        )
        for assignment in hr_lines:
            origin = assignment.department_id or assignment.job_id
            assignment.display_name = " · ".join(
                filter(None, [assignment.plan_id.display_name, origin.display_name])
            )
        return super(IncentivePlanAssignment, self - hr_lines)._compute_display_name()

    @api.constrains("department_id", "job_id", "plan_id")
    def _check_hr_company(self):
        for assignment in self:
            company = assignment.plan_id.company_id
            department_company = assignment.department_id.company_id
            if department_company and department_company != company:
                raise ValidationError(
                    _(
                        "The department %(department)s belongs to another company "
                        "than the plan %(plan)s.",
                        department=assignment.department_id.name,
                        plan=assignment.plan_id.display_name,
                    )
                )
            job_company = assignment.job_id.company_id
            if job_company and job_company != company:
                raise ValidationError(
                    _(
                        "The job position %(job)s belongs to another company than "
                        "the plan %(plan)s.",
                        job=assignment.job_id.name,
                        plan=assignment.plan_id.display_name,
                    )
                )

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _expand_teams(self):
        """Teams by super, then one line per employee's user of each
        department or job position line, for those who have none yet."""
        created = super()._expand_teams()._end_departed()
        hr_lines = self.filtered(
            lambda a: (a.department_id or a.job_id) and not (a.user_id or a.team_id)
        )
        if not hr_lines:
            return created
        # sudo: only HR officers read employees; their users are all we take.
        employees = (
            self.env["hr.employee"].sudo().search(hr_lines._get_employee_domain())
        )
        added = defaultdict(lambda: self.env["res.users"])
        vals_list = []
        for line in hr_lines:
            plan = line.plan_id
            present = plan.assignment_ids.user_id | added[plan]
            users = employees.filtered(line._is_origin_of).user_id.sudo(False) - present
            added[plan] = present | users
            vals_list += [line._prepare_employee_line_vals(user) for user in users]
        return created | self.sudo().create(vals_list)

    def _end_departed(self):
        """Lines just made for members who have left: their participation
        ends on the departure day (``end_participation``). Returns the lines
        kept."""
        kept = self.browse()
        for line in self:
            employee = line.user_id._get_performance_employee(line.plan_id.company_id)
            if line.user_id and not employee.active and employee.departure_date:
                kept |= line.end_participation(employee.departure_date)
            else:
                kept |= line
        return kept

    def _get_employee_domain(self):
        """The active employees with a user who may match one of these lines."""
        origins = []
        if self.department_id:
            origins.append([("department_id", "child_of", self.department_id.ids)])
        if self.job_id:
            origins.append([("job_id", "in", self.job_id.ids)])
        return expression.AND(
            [
                [
                    ("company_id", "in", self.plan_id.company_id.ids),
                    ("user_id", "!=", False),
                ],
                expression.OR(origins),
            ]
        )

    def _is_origin_of(self, employee):
        """Whether the employee is in this line's department (or below it) and
        holds its job position, of those the line sets."""
        self.ensure_one()
        if employee.company_id != self.plan_id.company_id:
            return False
        if self.job_id and employee.job_id != self.job_id:
            return False
        return not self.department_id or (
            employee.department_id.parent_path or ""
        ).startswith(self.department_id.parent_path)

    def _prepare_employee_line_vals(self, user):
        self.ensure_one()
        return {
            "plan_id": self.plan_id.id,
            "department_id": self.department_id.id,
            "job_id": self.job_id.id,
            "user_id": user.id,
            "date_start": self.date_start,
            "date_end": self.date_end,
            "target_incentive": self.target_incentive,
        }
