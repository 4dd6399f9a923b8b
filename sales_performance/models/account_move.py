from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column, create_index

# Fields whose change can make another invoice the customer's first.
NEW_CUSTOMER_FIELDS = frozenset(
    {
        "state",
        "move_type",
        "invoice_date",
        "partner_id",
        "commercial_partner_id",
        "company_id",
    }
)


class AccountMove(models.Model):
    """Two answers KPIs need for every invoice of a period, stored on the
    invoice instead of looked up per invoice at each refresh: the part paid
    by payments, and whether it is the customer's first invoice."""

    _inherit = "account.move"

    performance_amount_paid = fields.Monetary(
        string="Paid by Payments",
        currency_field="company_currency_id",
        compute="_compute_performance_amount_paid",
        store=True,
        copy=False,
        help="Part of this posted customer invoice or credit note settled by "
        "payments (payment, bank or cash entries), in company currency. A "
        "credit note settling the invoice is not a payment.",
    )
    performance_is_new_customer = fields.Boolean(
        string="First Invoice of the Customer",
        readonly=True,
        copy=False,
        help="The customer's first posted invoice in this company (earliest "
        "invoice date, then first created): it made a new customer.",
    )

    # ------------------------------------------------------------
    # Schema
    # ------------------------------------------------------------

    def _auto_init(self):
        """Create both columns and fill them with one SQL statement each, so
        that installing on a database with millions of invoices computes
        nothing record by record."""
        cr = self.env.cr
        new_paid = not column_exists(cr, self._table, "performance_amount_paid")
        new_flag = not column_exists(cr, self._table, "performance_is_new_customer")
        if new_paid:
            # 0 on every existing move at once, as the compute stores on new
            # ones (PostgreSQL keeps a column default without rewriting the
            # table); the fill below then stores what payments settled.
            cr.execute(
                SQL(
                    "ALTER TABLE %s ADD COLUMN performance_amount_paid numeric "
                    "DEFAULT 0",
                    SQL.identifier(self._table),
                )
            )
            cr.execute(
                SQL(
                    "ALTER TABLE %s ALTER COLUMN performance_amount_paid DROP DEFAULT",
                    SQL.identifier(self._table),
                )
            )
        if new_flag:
            create_column(cr, self._table, "performance_is_new_customer", "bool")
        result = super()._auto_init()
        if new_paid:
            self._performance_fill_amount_paid()
        if new_flag:
            self._performance_update_new_customers()
        return result

    def init(self):
        result = super().init()
        # The first invoice of each customer is found through this index.
        create_index(
            self.env.cr,
            "account_move_performance_first_invoice_index",
            self._table,
            ["commercial_partner_id", "company_id", "invoice_date", "id"],
            where="move_type = 'out_invoice' AND state = 'posted'",
        )
        # New customers of a period: one row per customer and company.
        create_index(
            self.env.cr,
            "account_move_performance_new_customer_index",
            self._table,
            ["company_id", "invoice_date"],
            where="performance_is_new_customer",
        )
        return result

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends(
        "state",
        "move_type",
        "line_ids.display_type",
        "line_ids.matched_debit_ids.amount",
        "line_ids.matched_credit_ids.amount",
    )
    def _compute_performance_amount_paid(self):
        """The same sum as :meth:`_performance_payment_parts`, through the
        ORM: an invoice's receivable lines are debits matched by credits, a
        credit note's the other way round."""
        for move in self:
            paid = 0.0
            if move.state == "posted" and move.move_type in (
                "out_invoice",
                "out_refund",
            ):
                invoice = move.move_type == "out_invoice"
                for line in move.line_ids:
                    if line.display_type != "payment_term":
                        continue
                    partials = (
                        line.matched_credit_ids if invoice else line.matched_debit_ids
                    )
                    for partial in partials:
                        counterpart = (
                            partial.credit_move_id if invoice else partial.debit_move_id
                        )
                        if counterpart.payment_id or counterpart.journal_id.type in (
                            "bank",
                            "cash",
                        ):
                            paid += partial.amount
            move.performance_amount_paid = paid

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        keys = moves._get_new_customer_keys()
        if keys:
            self._performance_update_new_customers(keys)
        return moves

    def write(self, vals):
        if not NEW_CUSTOMER_FIELDS.intersection(vals):
            return super().write(vals)
        before = self._get_new_customer_keys()
        result = super().write(vals)
        keys = before | self._get_new_customer_keys()
        if keys:
            self._performance_update_new_customers(keys)
        return result

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _get_new_customer_keys(self):
        """(customer, company) of the posted customer invoices among these."""
        return {
            (move.commercial_partner_id.id, move.company_id.id)
            for move in self
            if move.state == "posted"
            and move.move_type == "out_invoice"
            and move.commercial_partner_id
        }

    @api.model
    def _performance_update_new_customers(self, keys=None, partner_ids=None):
        """Flag the first posted invoice of each (customer, company) of
        ``keys``, of each customer of ``partner_ids`` in every company, or of
        every customer when both are None, and unflag the invoices that no
        longer are. One statement; only rows whose flag changes are
        written."""
        self.flush_model(NEW_CUSTOMER_FIELDS)
        if partner_ids is not None:
            scope = SQL("move.commercial_partner_id = ANY(%s)", list(partner_ids))
            flagged = SQL(
                "SELECT move.id FROM account_move move "
                "WHERE move.performance_is_new_customer AND %s",
                scope,
            )
        elif keys is None:
            scope = SQL("TRUE")
            flagged = SQL(
                "SELECT id FROM account_move WHERE performance_is_new_customer"
            )
        else:
            partners, companies = zip(*keys, strict=True)
            scope = SQL(
                "(move.commercial_partner_id, move.company_id) IN "
                "(SELECT * FROM unnest(%s::int[], %s::int[]))",
                list(partners),
                list(companies),
            )
            flagged = SQL(
                "SELECT move.id FROM account_move move "
                "WHERE move.performance_is_new_customer AND %s",
                scope,
            )
        self.env.cr.execute(
            SQL(
                """
                WITH firsts AS (
                    SELECT DISTINCT ON (move.commercial_partner_id, move.company_id)
                           move.id
                      FROM account_move move
                     WHERE move.move_type = 'out_invoice'
                       AND move.state = 'posted'
                       AND %(scope)s
                     ORDER BY move.commercial_partner_id, move.company_id,
                              move.invoice_date, move.id
                ), candidates AS (
                    SELECT id, TRUE AS first FROM firsts
                     UNION
                    SELECT id, id IN (SELECT id FROM firsts) FROM (%(flagged)s) f
                )
                UPDATE account_move move
                   SET performance_is_new_customer = candidates.first
                  FROM candidates
                 WHERE move.id = candidates.id
                   AND move.performance_is_new_customer
                       IS DISTINCT FROM candidates.first
                """,
                scope=scope,
                flagged=flagged,
            )
        )
        self.invalidate_model(["performance_is_new_customer"])

    @api.model
    def _performance_fill_amount_paid(self, move_ids=None):
        """Store the paid part of posted customer invoices and credit notes
        that Odoo does not mark "not paid" (of ``move_ids``, or all), in one
        statement: what :meth:`_compute_performance_amount_paid` computes."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE account_move target
                   SET performance_amount_paid = paid.amount
                  FROM (
                        SELECT move.id, (SELECT COALESCE(SUM(part.amount), 0) %(parts)s)
                               AS amount
                          FROM account_move move
                         WHERE move.state = 'posted'
                           AND move.move_type IN ('out_invoice', 'out_refund')
                           AND move.payment_state != 'not_paid'
                           AND %(scope)s
                       ) paid
                 WHERE target.id = paid.id
                """,
                parts=self._performance_payment_parts("move"),
                scope=(
                    SQL("TRUE")
                    if move_ids is None
                    else SQL("move.id = ANY(%s)", list(move_ids))
                ),
            )
        )
        self.invalidate_model(["performance_amount_paid"])

    @api.model
    def _performance_payment_parts(self, move):
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
