from odoo.tests import tagged

from .common import HrLinkCommon


@tagged("post_install", "-at_install")
class TestAccountingSplit(HrLinkCommon):
    """Commission expense split by department or cost centre: Rep 1 works in
    Key Accounts (cost centre CC-310), Rep 2 in Inside Sales (CC-420); both
    earn 5 % of their January sales, 500 and 200."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        analytic_plan = cls.env["account.analytic.plan"].create({"name": "HR"})
        Analytic = cls.env["account.analytic.account"]
        cls.dept_key, cls.dept_inside, cls.cc_310, cls.cc_420 = Analytic.create(
            [
                {"name": name, "code": code, "plan_id": analytic_plan.id}
                for name, code in [
                    ("Key Accounts", False),
                    ("Inside Sales", False),
                    ("Cost centre 310", "CC-310"),
                    ("Cost centre 420", "CC-420"),
                ]
            ]
        )
        cls.key_accounts.incentive_analytic_account_id = cls.dept_key
        cls.inside_sales.incentive_analytic_account_id = cls.dept_inside
        cls._hire(
            cls.rep_1,
            department_id=cls.key_accounts.id,
            performance_cost_centre="CC-310",
        )
        cls._hire(
            cls.rep_2,
            department_id=cls.inside_sales.id,
            performance_cost_centre="CC-420",
        )
        cls.expense = cls.company_data["default_account_expense"]
        accrual = cls.env["account.account"].create(
            {
                "name": "Accrued Commissions",
                "code": "230300",
                "account_type": "liability_current",
                "reconcile": True,
            }
        )
        cls.env.company.write(
            {
                "incentive_expense_account_id": cls.expense.id,
                "incentive_accrual_account_id": accrual.id,
                "incentive_journal_id": cls.company_data["default_journal_misc"].id,
            }
        )
        cls._invoices(
            [
                (cls.rep_1, 10_000.0, cls.jan.date_start),
                (cls.rep_2, 4_000.0, cls.jan.date_start),
            ]
        )
        plan = cls._plan(
            [{"kind": "percentage", "rate": 5}], users=cls.rep_1 | cls.rep_2
        )
        cls.statements = plan.generate_statements(cls.jan)
        cls.statements.action_submit()
        cls.statements.with_user(cls.leader_a).action_approve()

    def _expense_split(self):
        lines = self.statements.accrual_move_id.line_ids.filtered(
            lambda line: line.account_id == self.expense
        )
        return {
            line.partner_id.name: (line.debit, line.analytic_distribution)
            for line in lines
        }

    def test_split_by_department(self):
        """Each expense line carries the analytic account of the department."""
        self.env.company.incentive_analytic_split = "department"
        self.statements.action_validate()
        self.assertEqual(
            self._expense_split(),
            {
                self.rep_1.name: (500.0, {str(self.dept_key.id): 100.0}),
                self.rep_2.name: (200.0, {str(self.dept_inside.id): 100.0}),
            },
        )

    def test_split_by_cost_centre(self):
        """The analytic account whose reference is the cost centre."""
        self.env.company.incentive_analytic_split = "cost_centre"
        self.statements.action_validate()
        self.assertEqual(
            self._expense_split(),
            {
                self.rep_1.name: (500.0, {str(self.cc_310.id): 100.0}),
                self.rep_2.name: (200.0, {str(self.cc_420.id): 100.0}),
            },
        )
