from datetime import date

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon
from odoo.addons.sales_performance.tests.common import HR_GROUPS, REP_GROUPS


@tagged("post_install", "-at_install")
class TestCalibrationTour(AccountTestInvoicingHttpCommon):
    """Two salespeople of Tour Field Sales scored in January 2025: 130 (A)
    and 80 (C). HR calibrates the first one to B from the menu."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref(
            "sales_performance.group_performance_admin"
        )
        company = cls.env.company
        year = cls.env["performance.period"].generate_fiscal_year(2025, company)
        cls.jan = year.child_ids.child_ids.sorted("date_start")[0]

        def user(login, name, groups):
            return new_test_user(
                cls.env,
                login=login,
                name=name,
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )

        cls.hr_officer = user("hr_tour_officer", "Tour HR", HR_GROUPS)
        reps = user("hr_tour_rep_1", "Tour Rep One", REP_GROUPS) | user(
            "hr_tour_rep_2", "Tour Rep Two", REP_GROUPS
        )
        department = cls.env["hr.department"].create(
            {"name": "Tour Field Sales", "company_id": company.id}
        )
        cls.env["hr.employee"].create(
            [
                {
                    "name": rep.name,
                    "user_id": rep.id,
                    "company_id": company.id,
                    "department_id": department.id,
                }
                for rep in reps
            ]
        )
        kpi = cls.env.ref("sales_performance.kpi_invoiced_revenue")
        template = cls.env["performance.scorecard.template"].create(
            {
                "name": "Tour Sales",
                "user_ids": [Command.set(reps.ids)],
                "line_ids": [Command.create({"kpi_id": kpi.id, "weight": 100})],
                "band_ids": [
                    Command.create({"name": name, "min_score": low, "max_score": high})
                    for name, low, high in (
                        ("A", 120, 150),
                        ("B", 100, 120),
                        ("C", 70, 100),
                        ("D", 0, 70),
                    )
                ],
            }
        )
        moves = cls.env["account.move"]
        for rep, amount in zip(reps, (1_300, 900), strict=True):
            cls.env["performance.target"].create(
                {
                    "kpi_id": kpi.id,
                    "period_id": cls.jan.id,
                    "owner_type": "user",
                    "user_id": rep.id,
                    "target_value": 1_000,
                }
            )
            moves |= moves.create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.partner_a.id,
                    "invoice_date": date(2025, 1, 10),
                    "invoice_user_id": rep.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Consulting",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        moves.action_post()
        cls.cards = template.generate_scorecards(cls.jan).sorted("total_score")

    def test_hr_calibrates_department(self):
        """HR opens the department, sets a rating with a comment and applies."""
        low, high = self.cards
        self.assertEqual((high.rating, low.rating), ("A", "C"))
        self.start_tour(
            "/odoo/action-sales_performance_hr_link.action_performance_calibration",
            "sales_performance_hr_link_calibration",
            login="hr_tour_officer",
        )
        self.assertEqual(high.rating, "B")
        self.assertEqual(
            high.calibration_comment, "One large order was a renewal signed last year."
        )
        self.assertEqual(low.rating, "C")
