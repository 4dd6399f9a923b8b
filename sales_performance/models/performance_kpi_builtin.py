from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.period_range import previous_range

# The column of ``account_move`` each level groups by: the invoice's
# salesperson, its sales team and its company, as Invoiced Revenue credits.
MOVE_OWNER_COLUMNS = {
    "user": "invoice_user_id",
    "team": "team_id",
    "company": "company_id",
}


class PerformanceKpi(models.Model):
    """KPIs that a domain and an aggregate cannot express (customer
    retention compares two periods, gross margin needs the product cost),
    each computed by one SQL query for every owner asked, and manual KPIs,
    whose values are entered per period (``performance.kpi.value``)."""

    _inherit = "performance.kpi"

    kind = fields.Selection(
        selection_add=[("builtin", "Built-in computation")],
        ondelete={"builtin": "cascade"},
    )
    builtin = fields.Selection(
        [
            ("customer_retention", "Customer Retention"),
            ("gross_margin", "Gross Margin"),
        ],
        string="Computation",
        help="The query that computes this KPI; its description says what it counts.",
    )

    @api.constrains("kind", "builtin")
    def _check_builtin(self):
        for kpi in self.filtered(lambda k: k.kind == "builtin" and not k.builtin):
            raise ValidationError(
                _("The KPI %(kpi)s needs a computation.", kpi=kpi.display_name)
            )

    def _is_cumulative(self):
        if self.kind == "builtin":
            return self.unit != "percent" and self.direction == "higher"
        return super()._is_cumulative()

    # ------------------------------------------------------------
    # Values
    # ------------------------------------------------------------

    def _read_other_values(self, date_from, date_to, owners_by_level, company):
        """Values of the built-in and manual KPIs among these, ``{level:
        {kpi_id: {owner_id: value}}}``: one query per KPI, whatever the
        number of owners and levels (see ``_get_level_values``)."""
        result = {level: {} for level in owners_by_level}
        owners_by_level = {
            level: list(owners) for level, owners in owners_by_level.items() if owners
        }
        for kpi in self.filtered(lambda k: k.kind == "builtin"):
            values = getattr(kpi, f"_builtin_{kpi.builtin}_values")(
                date_from, date_to, owners_by_level, company
            )
            for level, by_owner in values.items():
                result[level][kpi.id] = by_owner
        manual = self.filtered(lambda k: k.kind == "manual")
        if manual and owners_by_level:
            read = self.env["performance.kpi.value"]._read_values(
                manual, date_from, date_to, owners_by_level, company
            )
            for level, by_kpi in read.items():
                for kpi in manual:
                    result[level][kpi.id] = {
                        owner: by_kpi.get(kpi.id, {}).get(owner, 0.0)
                        for owner in owners_by_level[level]
                    }
        for level, by_kpi in result.items():
            owners = owners_by_level.get(level, [])
            for kpi in self:
                by_kpi.setdefault(kpi.id, {})
                for owner in owners:
                    by_kpi[kpi.id].setdefault(owner, 0.0)
        return result

    def _move_owner_filter(self, owners_by_level, alias="move"):
        """SQL: the moves of any of the owners asked, at any level."""
        return SQL(" OR ").join(
            SQL(
                "%s = ANY(%s)",
                SQL.identifier(alias, MOVE_OWNER_COLUMNS[level]),
                list(owners),
            )
            for level, owners in owners_by_level.items()
        )

    def _move_company_filter(self, company, alias="move"):
        if not company:
            return SQL("TRUE")
        return SQL("%s = ANY(%s)", SQL.identifier(alias, "company_id"), company.ids)

    def _builtin_gross_margin_values(
        self, date_from, date_to, owners_by_level, company
    ):
        """Untaxed amount of the product lines of posted customer invoices
        minus credit notes, less their quantity (in the product's unit) at
        the product's cost, in company currency: one query with a grouping
        set per level."""
        if not owners_by_level:
            return {}
        self.env.flush_all()
        levels = list(owners_by_level)
        columns = [SQL.identifier("move", MOVE_OWNER_COLUMNS[lv]) for lv in levels]
        rows = self.env.execute_query(
            SQL(
                """
                SELECT %(columns)s, %(groupings)s, SUM(%(margin)s)
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                  %(product_joins)s
                 WHERE move.state = 'posted'
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND line.display_type = 'product'
                   AND move.invoice_date BETWEEN %(date_from)s AND %(date_to)s
                   AND %(company)s
                   AND (%(owners)s)
                 GROUP BY GROUPING SETS (%(sets)s)
                """,
                columns=SQL(", ").join(columns),
                groupings=SQL(", ").join(SQL("GROUPING(%s)", c) for c in columns),
                margin=self._margin_expression(),
                product_joins=self._margin_joins(),
                date_from=date_from,
                date_to=date_to,
                company=self._move_company_filter(company),
                owners=self._move_owner_filter(owners_by_level),
                sets=SQL(", ").join(SQL("(%s)", c) for c in columns),
            )
        )
        return self._rows_by_level(rows, levels, owners_by_level)

    @api.model
    def _margin_expression(self):
        """Margin of one product line: its untaxed amount in company currency
        less its cost, the quantity in the product's unit of measure times
        the product's cost in the invoice's company (negative on a credit
        note, whose amount is negative too), rounded once to the currency."""
        return SQL(
            """
            ROUND((
            -line.balance
            - CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END
              * COALESCE(
                  line.quantity / NULLIF(
                      COALESCE(uom_line.factor, 1) / COALESCE(uom_product.factor, 1),
                      0
                  ),
                  0
              )
              * COALESCE((product.standard_price ->> move.company_id::text)::numeric, 0)
            )::numeric, currency.decimal_places)
            """
        )

    @api.model
    def _margin_joins(self):
        return SQL(
            """
            JOIN res_company company ON company.id = move.company_id
            JOIN res_currency currency ON currency.id = company.currency_id
            LEFT JOIN product_product product ON product.id = line.product_id
            LEFT JOIN product_template template ON template.id = product.product_tmpl_id
            LEFT JOIN uom_uom uom_line ON uom_line.id = line.product_uom_id
            LEFT JOIN uom_uom uom_product ON uom_product.id = template.uom_id
            """
        )

    def _rows_by_level(self, rows, levels, owners_by_level):
        """``{level: {owner: value}}`` out of grouping-set rows: the owner
        columns, their ``GROUPING()`` flags, then the value."""
        result = {level: dict.fromkeys(owners_by_level[level], 0.0) for level in levels}
        width = len(levels)
        for row in rows:
            index = row[width : 2 * width].index(0)
            owner = row[index]
            if owner in result[levels[index]]:
                result[levels[index]][owner] = float(row[2 * width] or 0.0)
        return result

    def _builtin_customer_retention_values(
        self, date_from, date_to, owners_by_level, company
    ):
        """Customers (commercial partners) with a posted customer invoice of
        the owner in the previous period of equal length who have one of the
        same owner in this period, over the customers of the previous period,
        in percent: one query for all levels."""
        if not owners_by_level:
            return {}
        self.env.flush_all()
        previous_from, _previous_to = previous_range(date_from, date_to)
        parts = []
        for level, owners in owners_by_level.items():
            column = SQL.identifier(MOVE_OWNER_COLUMNS[level])
            parts.append(
                SQL(
                    """
                    SELECT %(level)s, before.owner,
                           COUNT(*), COUNT(now.owner)
                      FROM (SELECT DISTINCT %(column)s AS owner, partner_id
                              FROM invoiced
                             WHERE NOT is_current AND %(column)s = ANY(%(owners)s)
                           ) before
                      LEFT JOIN (SELECT DISTINCT %(column)s AS owner, partner_id
                                   FROM invoiced WHERE is_current) now
                        ON now.owner = before.owner
                       AND now.partner_id = before.partner_id
                     GROUP BY before.owner
                    """,
                    level=level,
                    column=column,
                    owners=list(owners),
                )
            )
        rows = self.env.execute_query(
            SQL(
                """
                WITH invoiced AS (
                    SELECT DISTINCT move.invoice_user_id, move.team_id,
                           move.company_id, move.commercial_partner_id AS partner_id,
                           move.invoice_date >= %(date_from)s AS is_current
                      FROM account_move move
                     WHERE move.state = 'posted'
                       AND move.move_type = 'out_invoice'
                       AND move.invoice_date BETWEEN %(previous_from)s AND %(date_to)s
                       AND %(company)s
                       AND (%(owners)s)
                )
                %(parts)s
                """,
                date_from=date_from,
                previous_from=previous_from,
                date_to=date_to,
                company=self._move_company_filter(company),
                owners=self._move_owner_filter(owners_by_level),
                parts=SQL(" UNION ALL ").join(parts),
            )
        )
        result = {
            level: dict.fromkeys(owners, 0.0)
            for level, owners in owners_by_level.items()
        }
        for level, owner, before, retained in rows:
            if owner in result[level] and before:
                result[level][owner] = retained / before * 100.0
        return result

    # ------------------------------------------------------------
    # Documents
    # ------------------------------------------------------------

    def _get_documents_action(self, date_from, date_to, level, owner_id, company):
        # sudo: to follow ratios to their numerator, as the base method does.
        kpi = self.sudo()
        while kpi.kind == "ratio":
            kpi = kpi.numerator_id
        if kpi.kind != "builtin":
            return super()._get_documents_action(
                date_from, date_to, level, owner_id, company
            )
        res_model, domain, context = getattr(kpi, f"_builtin_{kpi.builtin}_documents")(
            date_from, date_to, level, owner_id, company
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("%(kpi)s: source documents", kpi=kpi.display_name),
            "res_model": res_model,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": domain,
            "context": context,
        }

    def _get_invoice_domain(self, date_from, date_to, level, owner_id, company):
        """Posted customer invoices and credit notes of one owner, on
        ``account.move``, between two dates."""
        domain = [
            ("state", "=", "posted"),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("invoice_date", ">=", date_from),
            ("invoice_date", "<=", date_to),
            (MOVE_OWNER_COLUMNS[level], "=", owner_id),
        ]
        if company:
            domain.append(("company_id", "in", company.ids))
        return domain

    def _builtin_gross_margin_documents(
        self, date_from, date_to, level, owner_id, company
    ):
        moves = self._get_invoice_domain(date_from, date_to, level, owner_id, company)
        domain = [("display_type", "=", "product")] + [
            (f"move_id.{name}", operator, value) for name, operator, value in moves
        ]
        return "account.move.line", domain, {"group_by": ["move_id"]}

    def _builtin_customer_retention_documents(
        self, date_from, date_to, level, owner_id, company
    ):
        """The invoices of both periods of the previous period's customers,
        grouped by customer: those with none in this period were lost."""
        previous_from, previous_to = previous_range(date_from, date_to)
        Move = self.env["account.move"].sudo()
        before = expression.AND(
            [
                self._get_invoice_domain(
                    previous_from, previous_to, level, owner_id, company
                ),
                [("move_type", "=", "out_invoice")],
            ]
        )
        partners = [
            partner.id
            for [partner] in Move._read_group(before, ["commercial_partner_id"])
        ]
        domain = expression.AND(
            [
                self._get_invoice_domain(
                    previous_from, date_to, level, owner_id, company
                ),
                [
                    ("move_type", "=", "out_invoice"),
                    ("commercial_partner_id", "in", partners),
                ],
            ]
        )
        return "account.move", domain, {"group_by": ["commercial_partner_id"]}
