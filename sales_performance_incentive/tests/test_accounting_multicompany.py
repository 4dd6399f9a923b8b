from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import IncentiveCommon


@tagged("post_install", "-at_install")
class TestAccountingMultiCompany(IncentiveCommon):
    """Rep 1 sells for company A (in its currency) and for company B, whose
    books are in EUR: 10,000 and 3,000 EUR in January at 5 %."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR")
        cls.company_a = cls.env.company
        data_b = cls.setup_other_company(name="Company B", currency_id=cls.eur.id)
        cls.company_b = data_b["company"]
        cls.env.user.company_ids |= cls.company_b
        cls.rep_1.company_ids |= cls.company_b
        cls.jan_b = cls.Period.generate_fiscal_year(
            2025, cls.company_b
        ).child_ids.child_ids.sorted("date_start")[0]
        for company, data in (
            (cls.company_a, cls.company_data),
            (cls.company_b, data_b),
        ):
            accrual = (
                cls.env["account.account"]
                .with_company(company)
                .create(
                    {
                        "name": "Accrued Commissions",
                        "code": "230300",
                        "account_type": "liability_current",
                        "reconcile": True,
                    }
                )
            )
            company.write(
                {
                    "incentive_expense_account_id": data["default_account_expense"].id,
                    "incentive_accrual_account_id": accrual.id,
                    "incentive_journal_id": data["default_journal_misc"].id,
                }
            )
        cls._invoices([(cls.rep_1, 10_000, date(2025, 1, 10))])
        invoice_b = (
            cls.env["account.move"]
            .with_company(cls.company_b)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.customers[0].id,
                    "invoice_date": date(2025, 1, 10),
                    "invoice_user_id": cls.rep_1.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Service",
                                "price_unit": 3_000,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        invoice_b.action_post()
        rule = [{"kind": "percentage", "rate": 5}]
        cls.plan_a = cls._plan(rule, users=cls.rep_1, name="Plan A")
        cls.plan_b = cls._plan(
            rule, users=cls.rep_1, name="Plan B", company_id=cls.company_b.id
        )
        cls.statements = cls.plan_a.generate_statements(
            cls.jan
        ) | cls.plan_b.generate_statements(cls.jan_b)
        cls.statements.action_submit()
        cls.statements.action_approve()

    def test_one_entry_per_company_in_its_currency(self):
        """Validating both companies' statements posts one entry in each, in
        the company's journal and currency."""
        self.statements.action_validate()
        moves = self.statements.accrual_move_id
        self.assertEqual(len(moves), 2)
        by_company = {move.company_id: move for move in moves}
        move_b = by_company[self.company_b]
        self.assertEqual(move_b.currency_id, self.eur)
        self.assertEqual(move_b.journal_id, self.company_b.incentive_journal_id)
        self.assertEqual(move_b.amount_total, 150.0)
        self.assertEqual(by_company[self.company_a].amount_total, 500.0)
        self.assertEqual(
            self.statements.filtered(
                lambda st: st.company_id == self.company_b
            ).accrued_amount,
            150.0,
        )

    def test_validator_of_one_company(self):
        """An incentive administrator of company A only cannot validate, nor
        post for, company B."""
        finance_a = new_test_user(
            self.env,
            login="finance_a",
            groups="base.group_user,sales_performance_incentive.group_incentive_admin",
            company_id=self.company_a.id,
            company_ids=[Command.set(self.company_a.ids)],
        )
        statement_b = self.statements.filtered(
            lambda st: st.company_id == self.company_b
        )
        with self.assertRaises(AccessError):
            statement_b.with_user(finance_a).action_validate()
        self.assertEqual(statement_b.state, "approved")
        self.assertFalse(statement_b.accrual_move_id)
