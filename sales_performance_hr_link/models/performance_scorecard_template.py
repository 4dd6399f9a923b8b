from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
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


class PerformanceScorecardTemplateLine(models.Model):
    _inherit = "performance.scorecard.template.line"

    # Development
    training_threshold = fields.Float(
        string="Training Below Score",
        help="When the KPI scores below this in an approved scorecard, the "
        "recommended training is scheduled as an activity for the employee. "
        "0: never.",
    )
    training_action = fields.Char(
        string="Recommended Training",
        translate=True,
        help="What the employee should do, e.g. 'Negotiation workshop'.",
    )
    training_activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Training Activity",
        domain="[('res_model', 'in', (False, 'performance.scorecard'))]",
        help="Type of the activity scheduled; a to-do when empty.",
    )

    @api.constrains("training_threshold", "training_action")
    def _check_training(self):
        for line in self:
            if line.training_threshold < 0:
                raise ValidationError(
                    _(
                        "The training threshold of %(kpi)s cannot be negative.",
                        kpi=line.kpi_id.name,
                    )
                )
            if line.training_threshold and not line.training_action:
                raise ValidationError(
                    _(
                        "Say which training %(kpi)s recommends below its threshold.",
                        kpi=line.kpi_id.name,
                    )
                )
