from odoo.addons.sales_performance_incentive.tests.common import IncentiveCommon


class HrLinkCommon(IncentiveCommon):
    """The incentive fixtures (2025 fiscal year, Team A with rep_1 and rep_2
    led by leader_a, Team B with rep_3 and rep_4 led by leader_b, HR officer,
    plan helpers) plus the HR side: the department Field Sales, its
    sub-department Key Accounts, and Inside Sales, all of the company and
    without manager. Nobody is an employee yet: each test class hires whom it
    needs with :meth:`_hire`. No demo data is used."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.Employee = cls.env["hr.employee"]
        Department = cls.env["hr.department"]
        cls.field_sales = Department.create(
            {"name": "Field Sales", "company_id": company.id}
        )
        cls.key_accounts, cls.inside_sales = Department.create(
            [
                {
                    "name": "Key Accounts",
                    "parent_id": cls.field_sales.id,
                    "company_id": company.id,
                },
                {"name": "Inside Sales", "company_id": company.id},
            ]
        )

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @classmethod
    def _hire(cls, users, **vals):
        """An employee of the company for each of ``users``, made in one
        create, with ``vals`` (department, job, working schedule...)."""
        return cls.Employee.create([cls._employee_vals(user, **vals) for user in users])

    @classmethod
    def _employee_vals(cls, user, **vals):
        """Values of the employee of ``user``, not saved."""
        return {
            "name": user.name,
            "user_id": user.id,
            "company_id": cls.env.company.id,
            **vals,
        }
