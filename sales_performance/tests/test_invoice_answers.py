from datetime import date

from odoo.tests import tagged

from .common import JAN_15, PerformanceCommon


@tagged("post_install", "-at_install")
class TestInvoiceAnswers(PerformanceCommon):
    """What the suite stores on customer invoices for its KPIs (the part paid
    by payments, the customer's first invoice) follows Odoo's own flows, and
    the SQL that fills existing invoices at install gives the same."""

    def _pay(self, invoices, amount, day=date(2025, 2, 10)):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({"amount": amount, "payment_date": day})
            ._create_payments()
        )

    def _credit_note(self, invoice, day=date(2025, 2, 3)):
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "date": day})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.action_post()
        return credit_note

    def _flagged(self, moves):
        moves.invalidate_recordset(["performance_is_new_customer"])
        return moves.filtered("performance_is_new_customer")

    # ------------------------------------------------------------
    # Paid by payments
    # ------------------------------------------------------------

    def test_paid_amount_follows_payments_and_unreconciliation(self):
        """Each payment adds its part; unreconciling a payment takes it back."""
        invoice = self._invoices([(self.rep_1, 1000.0, JAN_15)])
        self.assertEqual(invoice.performance_amount_paid, 0.0)
        first = self._pay(invoice, 400.0)
        self.assertEqual(invoice.performance_amount_paid, 400.0)
        self._pay(invoice, 600.0)
        self.assertEqual(invoice.performance_amount_paid, 1000.0)
        first.move_id.line_ids.remove_move_reconcile()
        self.assertEqual(invoice.performance_amount_paid, 600.0)
        self.assertEqual(invoice.amount_residual, 400.0)

    def test_paid_amount_ignores_credit_notes(self):
        """An invoice settled by its credit note is not paid; a credit note
        refunded by a payment is."""
        invoice, other = self._invoices(
            [(self.rep_1, 1000.0, JAN_15), (self.rep_1, 300.0, JAN_15)]
        )
        credit_note = self._credit_note(invoice)
        self.assertFalse(invoice.amount_residual)
        self.assertEqual(invoice.performance_amount_paid, 0.0)
        self.assertEqual(credit_note.performance_amount_paid, 0.0)
        refund = self._invoices(
            [(self.rep_1, 200.0, JAN_15, self.customers[1], "out_refund")]
        )
        self._pay(refund, 200.0)
        self.assertEqual(refund.performance_amount_paid, 200.0)
        self.assertEqual(other.performance_amount_paid, 0.0)
        report = self.env["performance.invoice.report"].search(
            [("move_id", "in", (invoice | credit_note | refund).ids)]
        )
        self.assertEqual(
            {row.move_id: row.amount_paid for row in report},
            {invoice: 0.0, credit_note: 0.0, refund: -200.0},
        )

    def test_paid_amount_reset_to_draft(self):
        """An invoice set back to draft is paid nothing: Odoo unreconciles it."""
        invoice = self._invoices([(self.rep_1, 1000.0, JAN_15)])
        self._pay(invoice, 1000.0)
        self.assertEqual(invoice.performance_amount_paid, 1000.0)
        invoice.button_draft()
        self.assertEqual(invoice.performance_amount_paid, 0.0)

    # ------------------------------------------------------------
    # First invoice of the customer
    # ------------------------------------------------------------

    def test_first_invoice_flag_moves_with_posting_order_and_dates(self):
        """The flag is on the earliest posted invoice of the customer: a
        back-dated invoice posted later takes it over, credit notes and
        drafts never have it."""
        customer = self.customers[0]
        later = self._invoices([(self.rep_1, 100.0, date(2025, 1, 20), customer)])
        self.assertEqual(self._flagged(later), later)
        second = self._invoices([(self.rep_2, 100.0, date(2025, 1, 25), customer)])
        draft = self._invoices(
            [(self.rep_2, 100.0, date(2025, 1, 2), customer)], post=False
        )
        refund = self._invoices(
            [(self.rep_1, 50.0, date(2025, 1, 1), customer, "out_refund")]
        )
        moves = later | second | draft | refund
        self.assertEqual(self._flagged(moves), later)
        earlier = self._invoices([(self.rep_2, 100.0, date(2025, 1, 5), customer)])
        self.assertEqual(self._flagged(moves | earlier), earlier)

    def test_first_invoice_flag_after_draft_and_cancel(self):
        """Resetting or cancelling the first invoice hands the flag to the next
        one; posting it again takes it back."""
        customer = self.customers[1]
        first, second, third = self._invoices(
            [
                (self.rep_1, 100.0, date(2025, 1, 3), customer),
                (self.rep_1, 100.0, date(2025, 1, 9), customer),
                (self.rep_1, 100.0, date(2025, 1, 12), customer),
            ]
        )
        moves = first | second | third
        first.button_draft()
        self.assertEqual(self._flagged(moves), second)
        second.button_cancel()
        self.assertEqual(self._flagged(moves), third)
        first.action_post()
        self.assertEqual(self._flagged(moves), first)

    def test_first_invoice_is_per_commercial_partner_and_company(self):
        """A contact's invoice counts for its company; another company's
        invoices have their own first invoice."""
        company = self.customers[2]
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": company.id}
        )
        by_company = self._invoices([(self.rep_1, 100.0, JAN_15, company)])
        by_contact = self._invoices([(self.rep_1, 100.0, date(2025, 1, 16), contact)])
        other = self.setup_other_company()["company"]
        self.rep_1.company_ids += other
        elsewhere = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": contact.id,
                    "invoice_date": date(2025, 1, 20),
                    "invoice_user_id": self.rep_1.id,
                    "invoice_line_ids": [
                        (0, 0, {"name": "x", "price_unit": 10.0, "tax_ids": []})
                    ],
                }
            )
        )
        elsewhere.action_post()
        self.assertEqual(
            self._flagged(by_company | by_contact | elsewhere), by_company | elsewhere
        )

    def test_first_invoice_follows_contacts_attached_to_a_company(self):
        """Attaching a contact to a company makes the company's first invoice
        the first of both; detaching it gives the contact its own again."""
        company = self.customers[0]
        contact = self.env["res.partner"].create({"name": "Walk-in Buyer"})
        by_company = self._invoices([(self.rep_1, 100.0, date(2025, 1, 10), company)])
        by_contact = self._invoices([(self.rep_1, 100.0, date(2025, 1, 5), contact)])
        moves = by_company | by_contact
        self.assertEqual(self._flagged(moves), moves)
        contact.parent_id = company
        self.assertEqual(self._flagged(moves), by_contact)
        contact.parent_id = False
        self.assertEqual(self._flagged(moves), moves)

    def test_first_invoice_after_merging_customers(self):
        """Merging two customers keeps one first invoice: the earliest."""
        kept, merged = self.customers[2], self.customers[3]
        by_kept = self._invoices([(self.rep_1, 100.0, date(2025, 1, 10), kept)])
        by_merged = self._invoices([(self.rep_2, 100.0, date(2025, 1, 4), merged)])
        moves = by_kept | by_merged
        self.assertEqual(self._flagged(moves), moves)
        self.env["base.partner.merge.automatic.wizard"]._merge(
            (kept | merged).ids, dst_partner=kept
        )
        self.assertEqual(by_merged.commercial_partner_id, kept)
        self.assertEqual(self._flagged(moves), by_merged)

    # ------------------------------------------------------------
    # Install: existing invoices filled by SQL
    # ------------------------------------------------------------

    def test_install_fill_gives_what_the_orm_computes(self):
        """The statements that fill the columns of existing invoices at
        install store what the ORM stores for the same documents."""
        invoices = self._invoices(
            [
                (self.rep_1, 1000.0, JAN_15, self.customers[0]),
                (self.rep_1, 500.0, date(2025, 1, 10), self.customers[0]),
                (self.rep_2, 800.0, JAN_15, self.customers[1]),
                (self.rep_2, 200.0, JAN_15, self.customers[3]),
            ]
        )
        self._pay(invoices[0], 250.0)
        self._pay(invoices[2], 800.0)
        credit_note = self._credit_note(invoices[3])
        refund = self._invoices(
            [(self.rep_1, 90.0, JAN_15, self.customers[4], "out_refund")]
        )
        self._pay(refund, 90.0)
        moves = invoices | credit_note | refund
        self.env.flush_all()

        def stored():
            self.env.cr.execute(
                "SELECT id, COALESCE(performance_amount_paid, 0), "
                "COALESCE(performance_is_new_customer, FALSE) "
                "FROM account_move WHERE id = ANY(%s) ORDER BY id",
                [moves.ids],
            )
            return self.env.cr.fetchall()

        by_orm = stored()
        self.assertEqual(
            [(paid, new) for _id, paid, new in by_orm],
            [
                (250.0, False),
                (0.0, True),
                (800.0, True),
                (0.0, True),
                (0.0, False),
                (90.0, False),
            ],
        )
        self.env.cr.execute(
            "UPDATE account_move SET performance_amount_paid = NULL, "
            "performance_is_new_customer = NULL WHERE id = ANY(%s)",
            [moves.ids],
        )
        Move = self.env["account.move"]
        Move._performance_fill_amount_paid(moves.ids)
        Move._performance_update_new_customers(
            {(move.commercial_partner_id.id, move.company_id.id) for move in moves}
        )
        self.assertEqual(stored(), by_orm)
        # And the whole-table form run at install.
        Move._performance_fill_amount_paid()
        Move._performance_update_new_customers()
        self.assertEqual(stored(), by_orm)
