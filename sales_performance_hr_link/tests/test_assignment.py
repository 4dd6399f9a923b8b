from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import HrLinkCommon


@tagged("post_install", "-at_install")
class TestAssignment(HrLinkCommon):
    """Field Sales (with its sub-department Key Accounts) holds rep_1 and
    rep_2, rep_3 is an Account Manager in Inside Sales, rep_4 has no employee
    yet."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.job = cls.env["hr.job"].create(
            {"name": "Account Manager", "company_id": cls.env.company.id}
        )
        cls.employees = cls.Employee.create(
            [
                cls._employee_vals(cls.rep_1, department_id=cls.field_sales.id),
                cls._employee_vals(cls.rep_2, department_id=cls.key_accounts.id),
                cls._employee_vals(
                    cls.rep_3, department_id=cls.inside_sales.id, job_id=cls.job.id
                ),
            ]
        )
        cls.template = cls.env["performance.scorecard.template"].create(
            {
                "name": "Field Sales",
                "department_ids": [Command.set(cls.field_sales.ids)],
                "line_ids": [
                    Command.create({"kpi_id": cls.kpi_revenue.id, "weight": 100})
                ],
            }
        )

    def _department_plan(self, **line_vals):
        plan = self._plan(
            [{"kind": "percentage", "rate": 1}],
            users=self.env["res.users"],
            publish=False,
        )
        plan.assignment_ids = [Command.create(line_vals)]
        return plan

    # ------------------------------------------------------------
    # Scorecard templates
    # ------------------------------------------------------------

    def test_template_scores_department(self):
        """A department scores its employees' users, sub-departments included."""
        cards = self.template.generate_scorecards(self.jan)
        self.assertEqual(cards.user_id, self.rep_1 | self.rep_2)

    def test_template_scores_new_employee(self):
        """An employee joining the department is scored from the next generation."""
        self.template.generate_scorecards(self.jan)
        self._hire(self.rep_4, department_id=self.field_sales.id)
        cards = self.template.generate_scorecards(self.feb)
        self.assertEqual(cards.user_id, self.rep_1 | self.rep_2 | self.rep_4)

    def test_template_skips_archived_employee(self):
        """An archived employee is no longer scored."""
        self.employees[0].action_archive()
        cards = self.template.generate_scorecards(self.jan)
        self.assertEqual(cards.user_id, self.rep_2)

    def test_template_scores_job(self):
        """A job position scores the employees holding it, with the departments'."""
        self.template.job_ids = self.job
        cards = self.template.generate_scorecards(self.jan)
        self.assertEqual(cards.user_id, self.rep_1 | self.rep_2 | self.rep_3)

    # ------------------------------------------------------------
    # Incentive plans
    # ------------------------------------------------------------

    def test_plan_department_line_expands(self):
        """Publishing gives each employee's user of the department a line."""
        plan = self._department_plan(
            department_id=self.field_sales.id, target_incentive=1_200
        )
        department_line = plan.assignment_ids
        self.assertEqual(department_line.display_name, "Sales Plan 2025 · Field Sales")
        plan.action_publish()
        lines = plan.assignment_ids - department_line
        self.assertEqual(lines.user_id, self.rep_1 | self.rep_2)
        self.assertEqual(lines.mapped("department_id"), self.field_sales)
        self.assertEqual(lines.mapped("target_incentive"), [1_200, 1_200])
        self.assertEqual(set(lines.mapped("state")), {"pending"})

    def test_plan_new_employee_joins(self):
        """A new employee of the department gets a line and a statement at the
        next generation."""
        plan = self._department_plan(department_id=self.field_sales.id)
        plan.action_publish()
        statements = plan.generate_statements(self.jan)
        self.assertEqual(statements.user_id, self.rep_1 | self.rep_2)
        self._hire(self.rep_4, department_id=self.key_accounts.id)
        statements = plan.generate_statements(self.feb)
        self.assertEqual(statements.user_id, self.rep_1 | self.rep_2 | self.rep_4)
        line = plan.assignment_ids.filtered(lambda a: a.user_id == self.rep_4)
        self.assertEqual(line.department_id, self.field_sales)

    def test_plan_job_line_expands(self):
        """A job position line gives its holders a line, once each."""
        plan = self._department_plan(job_id=self.job.id)
        plan.assignment_ids = [Command.create({"user_id": self.rep_3.id})]
        plan.action_publish()
        self.assertEqual(plan.assignment_ids.user_id, self.rep_3)
        self.assertEqual(len(plan.assignment_ids), 2)

    def test_plan_refuses_department_of_other_company(self):
        """A plan cannot be assigned to a department of another company."""
        other_company = self.env["res.company"].create({"name": "Other Sales Co"})
        foreign = self.env["hr.department"].create(
            {"name": "Foreign Sales", "company_id": other_company.id}
        )
        plan = self._plan([{"kind": "percentage", "rate": 1}], publish=False)
        with self.assertRaises(ValidationError) as error:
            plan.assignment_ids = [Command.create({"department_id": foreign.id})]
        self.assertEqual(
            str(error.exception),
            "The department Foreign Sales belongs to another company than the "
            "plan Sales Plan 2025.",
        )
        self.assertFalse(
            self.env["incentive.plan.assignment"].search(
                [("department_id", "=", foreign.id)]
            )
        )
