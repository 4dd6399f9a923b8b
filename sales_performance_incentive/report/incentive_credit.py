from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index

BASES = [("invoice", "On Invoice"), ("payment", "On Payment")]


class IncentiveCredit(models.Model):
    """Who is credited with which invoice line, by how much and on which date.

    One row per posted customer invoice or credit note line and credited
    salesperson (after splits), twice: once dated by the invoice for plans
    that earn on invoice, and once per payment date for plans that earn on
    payment, then for the paid share only. Amounts are in company currency
    at the invoice's rate; credit notes count negatively (clawback).

    Nothing is copied: the rules read the same SQL (see ``_credit_query``)
    with their filters, and every statement line opens its rows here.
    """

    _name = "incentive.credit"
    _description = "Incentive Credit"
    _auto = False
    _order = "date desc, move_id desc, id"
    _rec_name = "move_id"

    basis = fields.Selection(BASES, readonly=True)
    date = fields.Date(readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    move_line_id = fields.Many2one(
        "account.move.line", string="Invoice Line", readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True
    )
    is_refund = fields.Boolean(string="Credit Note", readonly=True)
    origin_move_id = fields.Many2one(
        "account.move",
        string="Refunded Invoice",
        readonly=True,
        help="The invoice a credit note reverses.",
    )
    origin_date = fields.Date(
        string="Refunded Invoice Date",
        readonly=True,
        help="Date the invoice a credit note reverses was credited: its invoice "
        "date, or, for the payment basis, the day it was last paid.",
    )
    share = fields.Float(string="Share (%)", readonly=True, aggregator="avg")
    quantity = fields.Float(readonly=True)
    amount = fields.Monetary(string="Credited Revenue", readonly=True)
    margin = fields.Monetary(string="Credited Margin", readonly=True)

    def init(self):
        # The credits of a few salespeople (a rep's home, the estimator) are
        # read from their invoices only: see ``_credit_query(user_ids=...)``.
        create_index(
            self.env.cr,
            "account_move_incentive_credit_user_index",
            "account_move",
            ["invoice_user_id", "invoice_date"],
            where="move_type IN ('out_invoice', 'out_refund') AND state = 'posted'",
        )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT ROW_NUMBER() OVER (
                       ORDER BY credit.move_line_id, credit.user_id, credit.basis,
                                credit.date
                   ) AS id,
                   credit.*
              FROM (%s UNION ALL %s) credit
            """,
            self._credit_query("invoice"),
            self._credit_query("payment"),
        )

    @api.model
    def _credit_query(self, basis, user_ids=None):
        """The credit rows of one basis, without id: what rules aggregate.

        Columns: basis, date, move_id, move_line_id, company_id, currency_id,
        user_id, team_id, partner_id, product_id, categ_id, is_refund,
        origin_move_id, origin_date, share, quantity, amount, margin.

        ``user_ids`` keeps (at least) the rows credited to these users, read
        through an index instead of every invoice line; callers still filter
        on ``user_id``.
        """
        if basis == "invoice":
            fraction = SQL("1.0")
            date = SQL("move.invoice_date")
            payments = SQL("")
            origin_date = SQL("origin.invoice_date")
        else:
            # Paid share of the invoice at each payment date: the amounts
            # settled by payments (not by credit notes), pro rata of its total.
            fraction = SQL("paid.amount / NULLIF(ABS(move.amount_total_signed), 0)")
            date = SQL("paid.date")
            payments = SQL(
                """
                JOIN LATERAL (
                    SELECT part.max_date AS date, SUM(part.amount) AS amount
                    %s
                     GROUP BY part.max_date
                ) paid ON TRUE
                """,
                self.env["account.move"]._performance_payment_parts("move"),
            )
            # The refunded invoice was credited when it was paid: a clawback
            # goes back to its last payment.
            origin_date = SQL(
                """
                CASE WHEN origin.id IS NOT NULL THEN COALESCE(
                    (SELECT MAX(part.max_date) %s),
                    origin.invoice_date
                ) END
                """,
                self.env["account.move"]._performance_payment_parts("origin"),
            )
        share = SQL("COALESCE(split.percentage, 100.0) / 100.0")
        sign = SQL("CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END")
        return SQL(
            """
            SELECT %(basis)s::varchar AS basis,
                   %(date)s AS date,
                   move.id AS move_id,
                   line.id AS move_line_id,
                   move.company_id AS company_id,
                   company.currency_id AS currency_id,
                   COALESCE(split.user_id, move.invoice_user_id) AS user_id,
                   move.team_id AS team_id,
                   move.commercial_partner_id AS partner_id,
                   line.product_id AS product_id,
                   template.categ_id AS categ_id,
                   move.move_type = 'out_refund' AS is_refund,
                   origin.id AS origin_move_id,
                   %(origin_date)s AS origin_date,
                   COALESCE(split.percentage, 100.0) AS share,
                   %(sign)s * line.quantity * %(share)s * %(fraction)s AS quantity,
                   -line.balance * %(share)s * %(fraction)s AS amount,
                   (
                       -line.balance - %(sign)s * line.quantity * COALESCE(
                           (product.standard_price ->> move.company_id::text)::numeric,
                           0
                       )
                   ) * %(share)s * %(fraction)s AS margin
              FROM account_move_line line
              JOIN account_move move ON move.id = line.move_id
              JOIN res_company company ON company.id = move.company_id
              %(payments)s
              LEFT JOIN account_move origin ON origin.id = move.reversed_entry_id
              LEFT JOIN incentive_split split ON split.move_id = move.id
              LEFT JOIN product_product product ON product.id = line.product_id
              LEFT JOIN product_template template
                ON template.id = product.product_tmpl_id
             WHERE move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_refund')
               AND line.display_type = 'product'
               AND COALESCE(split.user_id, move.invoice_user_id) IS NOT NULL
               AND %(users)s
            """,
            basis=basis,
            date=date,
            sign=sign,
            share=share,
            fraction=fraction,
            payments=payments,
            origin_date=origin_date,
            users=SQL(
                """
                move.id IN (
                    SELECT id FROM account_move
                     WHERE invoice_user_id = ANY(%(ids)s)
                       AND move_type IN ('out_invoice', 'out_refund')
                       AND state = 'posted'
                    UNION ALL
                    SELECT move_id FROM incentive_split WHERE user_id = ANY(%(ids)s)
                )
                """,
                ids=list(user_ids),
            )
            if user_ids is not None
            else SQL("TRUE"),
        )

    def action_open_document(self):
        self.ensure_one()
        return self.move_id._get_records_action()
