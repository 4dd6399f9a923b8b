import base64
import io

from openpyxl import load_workbook

from odoo.tests import Form, new_test_user, tagged

from .common import HrLinkCommon

EMPLOYEE_HEADERS = [
    "Employee Number",
    "Identification No",
    "Department",
    "Job Position",
    "Cost Centre",
]


@tagged("post_install", "-at_install")
class TestPayrollExport(HrLinkCommon):
    """Rep 1 is an employee with badge, identification, department, job and
    cost centre; Rep 2 has no employee. Both earn 5 % in January."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.job = cls.env["hr.job"].create({"name": "Account Executive"})
        cls.emp_1 = cls._hire(
            cls.rep_1,
            barcode="E0042",
            identification_id="ID-7788",
            department_id=cls.field_sales.id,
            job_id=cls.job.id,
            performance_cost_centre="CC-310",
        )
        # Validates and exports payroll, but may not read HR fields.
        cls.payroll_clerk = new_test_user(
            cls.env,
            login="payroll_clerk",
            groups="base.group_user,sales_performance_incentive.group_incentive_admin",
            company_id=company.id,
        )
        plan = cls._plan(
            [{"kind": "percentage", "rate": 5}], users=cls.rep_1 | cls.rep_2
        )
        cls._invoices(
            [
                (cls.rep_1, 10_000.0, cls.jan.date_start),
                (cls.rep_2, 4_000.0, cls.jan.date_start),
            ]
        )
        cls.statements = plan.generate_statements(cls.jan)
        cls.statements.action_submit()
        cls.statements.with_user(cls.leader_a).action_approve()
        cls.statements.action_validate()

    def _export_payroll(self, user):
        with Form(self.env["incentive.statement.export"].with_user(user)) as form:
            form.mode = "payroll"
            form.period_id = self.jan
        wizard = form.record
        wizard.action_export()
        book = load_workbook(io.BytesIO(base64.b64decode(wizard.file)))
        return [list(row) for row in book["Payroll"].iter_rows(values_only=True)]

    def test_payroll_carries_employee_identification(self):
        """Each payroll row carries the employee's number, identification,
        department, job and cost centre after the amount, also when the
        exporting validator is no HR officer."""
        self.assertFalse(self.payroll_clerk.has_group("hr.group_hr_user"))
        rows = self._export_payroll(self.payroll_clerk)
        self.assertEqual(rows[0][9:], EMPLOYEE_HEADERS)
        rep_1 = next(row for row in rows if row[0] == "Rep 1")
        self.assertEqual(
            rep_1[6:],
            [
                "Earned",
                500.0,
                self.env.company.currency_id.name,
                "E0042",
                "ID-7788",
                "Field Sales",
                "Account Executive",
                "CC-310",
            ],
        )

    def test_payroll_without_employee(self):
        """A salesperson without employee is paid with empty employee cells,
        and the total rows carry none."""
        rows = self._export_payroll(self.env.user)
        rep_2 = next(row for row in rows if row[0] == "Rep 2")
        self.assertEqual(rep_2[7], 200.0)
        self.assertEqual(rep_2[9:], [None] * 5)
        totals = [row for row in rows if str(row[0]).startswith("Total")]
        self.assertEqual([row[7] for row in totals], [500.0, 200.0, 700.0])
        self.assertTrue(all(row[9:] == [None] * 5 for row in totals))

    def test_cost_centre_on_employee_form(self):
        """An HR officer sets the cost centre on the employee form."""
        hr_user = new_test_user(
            self.env, login="hr_user", groups="base.group_user,hr.group_hr_user"
        )
        with Form(self.emp_1.with_user(hr_user)) as form:
            form.performance_cost_centre = "CC-420"
        self.assertEqual(self.emp_1.performance_cost_centre, "CC-420")
