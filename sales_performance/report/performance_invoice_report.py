from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index


class PerformanceInvoiceReport(models.Model):
    """Posted customer invoices and refunds, in company currency, with the
    paid part and whether the invoice made a new customer.

    A plain projection of ``account_move``: PostgreSQL pushes filters on its
    columns down to the table and its indexes. KPIs read it for collection
    rate and new customers; every row opens its invoice.
    """

    _name = "performance.invoice.report"
    _description = "Performance Invoice Analysis"
    _auto = False
    _rec_name = "name"
    _order = "invoice_date desc, id desc"

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    name = fields.Char(string="Invoice Number", readonly=True)
    move_type = fields.Selection(
        [("out_invoice", "Customer Invoice"), ("out_refund", "Customer Credit Note")],
        string="Type",
        readonly=True,
    )
    invoice_date = fields.Date(readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_untaxed = fields.Monetary(string="Untaxed Amount", readonly=True)
    amount_total = fields.Monetary(string="Total", readonly=True)
    amount_paid = fields.Monetary(
        string="Paid",
        readonly=True,
        help="Settled by payments, in company currency; a credit note settling "
        "the invoice is not a payment.",
    )
    amount_residual = fields.Monetary(string="Amount Due", readonly=True)
    is_new_customer = fields.Boolean(
        string="New Customer",
        readonly=True,
        help="The customer's first posted invoice in this company.",
    )

    def init(self):
        # ``is_new_customer`` looks for an earlier invoice of the customer for
        # every invoice read: without this index each look-up scans all the
        # invoices dated before, quadratic in the number of invoices.
        create_index(
            self.env.cr,
            "account_move_performance_first_invoice_index",
            "account_move",
            ["commercial_partner_id", "company_id", "invoice_date", "id"],
            where="move_type = 'out_invoice' AND state = 'posted'",
        )

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    def _select(self):
        return SQL(
            """
            SELECT
                move.id AS id,
                move.id AS move_id,
                move.name AS name,
                move.move_type AS move_type,
                move.invoice_date AS invoice_date,
                move.invoice_user_id AS user_id,
                move.team_id AS team_id,
                move.company_id AS company_id,
                move.commercial_partner_id AS partner_id,
                company.currency_id AS currency_id,
                move.amount_untaxed_signed AS amount_untaxed,
                move.amount_total_signed AS amount_total,
                -- Odoo leaves a move without any reconciliation "not paid":
                -- only the others are looked up (most of a month's invoices
                -- at its close).
                CASE WHEN move.payment_state = 'not_paid' THEN 0 ELSE (
                    SELECT CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END
                           * COALESCE(SUM(part.amount), 0)
                    %s
                ) END AS amount_paid,
                move.amount_residual_signed AS amount_residual,
                move.move_type = 'out_invoice' AND NOT EXISTS (
                    SELECT 1
                      FROM account_move earlier
                     WHERE earlier.commercial_partner_id = move.commercial_partner_id
                       AND earlier.company_id = move.company_id
                       AND earlier.move_type = 'out_invoice'
                       AND earlier.state = 'posted'
                       AND (earlier.invoice_date, earlier.id)
                           < (move.invoice_date, move.id)
                ) AS is_new_customer
            """,
            self._payment_parts_from("move"),
        )

    @api.model
    def _payment_parts_from(self, move):
        """FROM and WHERE of the partial reconciliations that settle the move
        aliased ``move`` by a payment (a bank, cash or payment entry; not a
        credit note): ``part.amount`` in company currency, ``part.max_date``.

        An invoice's receivable lines are debits, a credit note's are credits:
        each side is looked up on its own index (one branch is skipped for
        each move), and the paying entry is known from its line's stored
        payment and journal, without opening the move.
        """
        return SQL(
            """
              FROM (
                    SELECT part.amount, part.max_date,
                           part.credit_move_id AS counterpart_id
                      FROM account_move_line term
                      JOIN account_partial_reconcile part
                        ON part.debit_move_id = term.id
                     WHERE term.move_id = %(move)s.id
                       AND term.display_type = 'payment_term'
                       AND %(move)s.move_type = 'out_invoice'
                    UNION ALL
                    SELECT part.amount, part.max_date,
                           part.debit_move_id AS counterpart_id
                      FROM account_move_line term
                      JOIN account_partial_reconcile part
                        ON part.credit_move_id = term.id
                     WHERE term.move_id = %(move)s.id
                       AND term.display_type = 'payment_term'
                       AND %(move)s.move_type = 'out_refund'
                   ) part
              JOIN account_move_line counterpart
                ON counterpart.id = part.counterpart_id
              JOIN account_journal journal ON journal.id = counterpart.journal_id
             WHERE counterpart.payment_id IS NOT NULL
                OR journal.type IN ('bank', 'cash')
            """,
            move=SQL.identifier(move),
        )

    def _from(self):
        return SQL(
            """
            FROM account_move move
            JOIN res_company company ON company.id = move.company_id
            """
        )

    def _where(self):
        return SQL(
            """
            WHERE move.state = 'posted'
              AND move.move_type IN ('out_invoice', 'out_refund')
            """
        )

    def action_open_invoice(self):
        self.ensure_one()
        return self.move_id._get_records_action()
