from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import IncentiveCommon


@tagged("post_install", "-at_install")
class TestAccounting(IncentiveCommon):
    """Validated statements accrue their commission expense; every entry
    below is worked out by hand: Rep 1 (Team A) sells 10,000 and Rep 3
    (Team B) 20,000 in January at 5 %: 500 and 1,000."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.expense = cls.company_data["default_account_expense"]
        cls.accrual = cls.env["account.account"].create(
            {
                "name": "Accrued Commissions",
                "code": "230300",
                "account_type": "liability_current",
                "reconcile": True,
            }
        )
        cls.journal = cls.company_data["default_journal_misc"]
        cls.bank = cls.company_data["default_journal_bank"]
        analytic_plan = cls.env["account.analytic.plan"].create({"name": "Teams"})
        cls.analytic_a, cls.analytic_b = cls.env["account.analytic.account"].create(
            [
                {"name": name, "plan_id": analytic_plan.id}
                for name in ("Team A costs", "Team B costs")
            ]
        )
        cls.team_a.incentive_analytic_account_id = cls.analytic_a
        cls.team_b.incentive_analytic_account_id = cls.analytic_b
        cls.company.write(
            {
                "incentive_expense_account_id": cls.expense.id,
                "incentive_accrual_account_id": cls.accrual.id,
                "incentive_journal_id": cls.journal.id,
                "incentive_analytic_split": "team",
            }
        )
        cls._invoices(
            [
                (cls.rep_1, 10_000, date(2025, 1, 10)),
                (cls.rep_3, 20_000, date(2025, 1, 12)),
            ]
        )
        cls.plan = cls._plan(
            [{"kind": "percentage", "rate": 5}], users=cls.rep_1 | cls.rep_3
        )

    def _approved(self, period=None):
        statements = self.plan.generate_statements(period or self.jan)
        statements.action_submit()
        for statement in statements.filtered(lambda st: st.state == "to_approve"):
            statement.with_user(statement.manager_id).action_approve()
        return statements.sorted(lambda st: st.user_id.login)

    def _lines(self, move):
        return sorted(
            (
                line.account_id.code,
                line.partner_id.name,
                line.debit,
                line.credit,
                line.analytic_distribution or {},
            )
            for line in move.line_ids
        )

    def _entries_of(self, statements):
        return (
            self.env["account.move.line"]
            .search([("incentive_statement_id", "in", statements.ids)])
            .move_id
        )

    def test_accrual_entry_worked_by_hand(self):
        """One balanced entry for the period, a debit of the expense with the
        team's analytic account and a credit of the accrual per statement."""
        st_1, st_3 = self._approved()
        (st_1 | st_3).action_validate()
        move = st_1.accrual_move_id
        self.assertEqual(st_3.accrual_move_id, move)
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, self.journal)
        self.assertEqual(move.date, date(2025, 1, 31))
        p1, p3 = self.rep_1.name, self.rep_3.name
        a, b = str(self.analytic_a.id), str(self.analytic_b.id)
        expense, accrual = self.expense.code, self.accrual.code
        self.assertEqual(
            self._lines(move),
            sorted(
                [
                    (expense, p1, 500.0, 0.0, {a: 100.0}),
                    (expense, p3, 1_000.0, 0.0, {b: 100.0}),
                    (accrual, p1, 0.0, 500.0, {}),
                    (accrual, p3, 0.0, 1_000.0, {}),
                ]
            ),
        )
        self.assertEqual(
            sum(move.line_ids.mapped("debit")), st_1.amount_total + st_3.amount_total
        )
        self.assertEqual(move.incentive_statement_ids, st_1 | st_3)
        self.assertEqual((st_1.accrued_amount, st_3.accrued_amount), (500.0, 1_000.0))
        analytic = self.env["account.analytic.line"].search(
            [("auto_account_id", "=", self.analytic_a.id)]
        )
        self.assertEqual(analytic.mapped("amount"), [-500.0])
        self.assertEqual(
            (self.jan.payout_accrued, self.jan.payout_paid, self.jan.payout_owed),
            (1_500.0, 0.0, 1_500.0),
        )

    def test_nothing_posted_until_set(self):
        """Without the accounts, validation works as before and says that
        nothing is posted."""
        self.company.incentive_journal_id = False
        statements = self._approved()
        action = statements.action_validate()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("Nothing was posted", action["params"]["message"])
        self.assertEqual(set(statements.mapped("state")), {"validated"})
        self.assertFalse(self._entries_of(statements))
        # Paying then asks nothing either.
        statements.action_pay()
        self.assertEqual(set(statements.mapped("state")), {"paid"})

    def test_send_back_reverses_its_lines(self):
        """A validated statement sent back before payment has its lines
        reversed with Odoo's reversal and reconciled; the others stay."""
        st_1, st_3 = self._approved()
        (st_1 | st_3).action_validate()
        move = st_1.accrual_move_id
        st_1.action_refuse(reason="Wrong customer")
        self.assertEqual(st_1.state, "draft")
        self.assertFalse(st_1.accrual_move_id)
        self.assertFalse(st_1.validated_by_id)
        reversal = self._entries_of(st_1) - move
        self.assertEqual(reversal.reversed_entry_id, move)
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(
            self._lines(reversal),
            sorted(
                [
                    (
                        self.expense.code,
                        self.rep_1.name,
                        0.0,
                        500.0,
                        {str(self.analytic_a.id): 100.0},
                    ),
                    (self.accrual.code, self.rep_1.name, 500.0, 0.0, {}),
                ]
            ),
        )
        accrual_1 = move.line_ids.filtered(
            lambda line: (
                line.account_id == self.accrual
                and line.partner_id == self.rep_1.partner_id
            )
        )
        self.assertTrue(accrual_1.reconciled)
        self.assertEqual(st_3.accrual_move_id, move)
        self.assertEqual(self.jan.payout_accrued, 1_000.0)
        with self.assertRaisesRegex(UserError, "kept with its journal entries"):
            st_1.unlink()
        # Validated again later: a new accrual, once.
        st_1.action_submit()
        st_1.with_user(self.leader_a).action_approve()
        st_1.action_validate()
        self.assertEqual(len(self._entries_of(st_1)), 3)
        self.assertEqual(self.jan.payout_accrued, 1_500.0)

    def test_correction_posted_with_the_later_statement(self):
        """A credit note of January's invoice after approval lands in
        February's statement, and in February's entry; January's stays."""
        st_1 = self._approved()[0]
        st_1.action_validate()
        jan_move = st_1.accrual_move_id
        invoice = self.env["account.move"].search(
            [("invoice_user_id", "=", self.rep_1.id), ("move_type", "=", "out_invoice")]
        )
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"date": date(2025, 2, 5), "journal_id": invoice.journal_id.id})
        )
        refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        refund.write(
            {
                "invoice_line_ids": [
                    Command.update(refund.invoice_line_ids.id, {"price_unit": 4_000})
                ]
            }
        )
        refund.action_post()
        self._invoices([(self.rep_1, 6_000, date(2025, 2, 10))])
        feb = self._approved(self.feb).filtered(lambda st: st.user_id == self.rep_1)
        # February: 6,000 x 5 % = 300, and January again on 6,000: -200.
        self.assertEqual(self._amounts(feb), [300.0, -200.0])
        feb.action_validate()
        self.assertEqual(feb.accrual_move_id.date, date(2025, 2, 28))
        self.assertEqual(
            feb.accrual_move_id.line_ids.filtered(
                lambda line: line.account_id == self.expense
            ).debit,
            100.0,
        )
        self.assertEqual(st_1.accrual_move_id, jan_move)
        self.assertEqual(jan_move.amount_total, 500.0)

    def test_lock_date_refuses_and_changes_nothing(self):
        """A period locked in the books refuses validation with a clear
        message; nothing is validated, nothing posted."""
        statements = self._approved()
        self.company.fiscalyear_lock_date = date(2025, 1, 31)
        with self.assertRaisesRegex(UserError, "locked in the books"):
            statements.action_validate()
        self.assertEqual(set(statements.mapped("state")), {"approved"})
        self.assertFalse(self._entries_of(statements))
        self.assertFalse(statements.validated_by_id)

    def test_never_posted_twice(self):
        """Validating twice, paying twice or rerunning the daily job posts
        each statement once."""
        statements = self._approved()
        statements.action_validate()
        with self.assertRaises(UserError):
            statements.action_validate()
        self.Statement._cron_compute()
        self.Statement._cron_compute()
        self.assertEqual(len(self._entries_of(statements)), 1)
        payment = {"method": "entry", "journal": self.bank, "date": date(2025, 2, 10)}
        statements.action_pay(payment=payment)
        with self.assertRaises(UserError):
            statements.action_pay(payment=payment)
        self.assertEqual(len(self._entries_of(statements)), 2)

    def test_pay_from_the_bank_clears_the_accrual(self):
        """Mark as Paid asks how; a bank payment posts one entry that
        debits each accrual and reconciles it."""
        statements = self._approved()
        statements.action_validate()
        action = statements.action_pay()
        self.assertEqual(action["res_model"], "incentive.pay")
        with Form(
            self.env["incentive.pay"].with_context(**action["context"])
        ) as wizard:
            self.assertEqual(wizard.amount_total, 1_500.0)
            wizard.journal_id = self.bank
            wizard.date = date(2025, 2, 10)
        wizard.save().action_confirm()
        self.assertEqual(set(statements.mapped("state")), {"paid"})
        self.assertEqual(statements.mapped("paid_date"), [date(2025, 2, 10)] * 2)
        payment = statements.payment_move_id
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.journal_id, self.bank)
        accruals = statements.accrual_move_id.line_ids.filtered(
            lambda line: line.account_id == self.accrual
        )
        self.assertTrue(all(accruals.mapped("reconciled")))
        self.assertEqual(
            sorted(
                payment.line_ids.filtered(
                    lambda line: line.account_id == self.accrual
                ).mapped("debit")
            ),
            [500.0, 1_000.0],
        )
        self.assertEqual(sum(payment.line_ids.mapped("credit")), 1_500.0)
        self.assertEqual(
            (self.jan.payout_accrued, self.jan.payout_paid, self.jan.payout_owed),
            (1_500.0, 1_500.0, 0.0),
        )

    def test_pay_by_payroll(self):
        """Paid by payroll: the run is recorded, no entry is made."""
        statements = self._approved()
        statements.action_validate()
        wizard = self.env["incentive.pay"].create(
            {
                "statement_ids": [Command.set(statements.ids)],
                "method": "payroll",
                "payroll_reference": "  ",
            }
        )
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(set(statements.mapped("state")), {"validated"})
        wizard.payroll_reference = "PAY/2025/02"
        wizard.action_confirm()
        self.assertEqual(statements.mapped("payroll_reference"), ["PAY/2025/02"] * 2)
        self.assertFalse(statements.payment_move_id)
        self.assertEqual(self.jan.payout_owed, 0.0)

    def test_payment_date_locked(self):
        """A payment dated in a locked period is refused; nothing is paid."""
        statements = self._approved()
        statements.action_validate()
        self.company.fiscalyear_lock_date = date(2025, 2, 28)
        with self.assertRaisesRegex(UserError, "locked in the books"):
            statements.action_pay(
                payment={
                    "method": "entry",
                    "journal": self.bank,
                    "date": date(2025, 2, 10),
                }
            )
        self.assertEqual(set(statements.mapped("state")), {"validated"})

    def test_access_by_role(self):
        """Reps and leaders read their statements, never the entries; only
        validators post, and they need no accounting rights."""
        st_1 = self._approved()[0]
        finance = new_test_user(
            self.env,
            login="finance_no_books",
            groups="base.group_user,sales_performance_incentive.group_incentive_admin",
        )
        for user in (self.rep_1, self.leader_a, self.hr_officer):
            with self.assertRaises(AccessError):
                st_1.with_user(user).action_validate()
        self.assertEqual(st_1.state, "approved")
        st_1.with_user(finance).action_validate()
        move = st_1.accrual_move_id
        self.assertTrue(move)
        for user in (self.rep_1, self.leader_a):
            statement = st_1.with_user(user)
            statement.read(["amount_total", "state"])
            with self.assertRaises(AccessError):
                statement.read(["accrual_move_id"])
            with self.assertRaises(AccessError):
                move.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                self.jan.with_user(user).read(["payout_accrued"])

    def test_accrual_account_must_reconcile(self):
        """Payments clear the accrual: its account must reconcile."""
        with self.assertRaisesRegex(UserError, "reconciliation"):
            self.company.incentive_accrual_account_id = self.expense
