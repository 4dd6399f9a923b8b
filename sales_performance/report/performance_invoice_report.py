from odoo import fields, models
from odoo.tools import SQL


class PerformanceInvoiceReport(models.Model):
    """Posted customer invoices and refunds, in company currency, with the
    paid part and whether the invoice made a new customer.

    A plain projection of ``account_move`` (the paid part and the new
    customer flag are stored on the invoice): PostgreSQL pushes filters on
    its columns down to the table and its indexes. KPIs read it for collection
    rate and new customers; every row opens its invoice.
    """

    _name = "performance.invoice.report"
    _description = "Performance Invoice Analysis"
    _auto = False
    _rec_name = "name"
    _order = "invoice_date desc, id desc"
    # Read before the view: pending payments and postings are flushed first.
    _depends = {
        "account.move": [
            "name",
            "move_type",
            "state",
            "invoice_date",
            "invoice_user_id",
            "team_id",
            "company_id",
            "commercial_partner_id",
            "amount_untaxed_signed",
            "amount_total_signed",
            "amount_residual_signed",
            "performance_amount_paid",
            "performance_is_new_customer",
        ],
        "res.company": ["currency_id"],
    }

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
                CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END
                    * COALESCE(move.performance_amount_paid, 0) AS amount_paid,
                move.amount_residual_signed AS amount_residual,
                move.performance_is_new_customer AS is_new_customer
            """
        )

    def _from(self):
        return SQL(
            """
            FROM account_move move
            -- Every move has a company: a LEFT JOIN on its key that
            -- PostgreSQL drops from the queries that read no currency.
            LEFT JOIN res_company company ON company.id = move.company_id
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
