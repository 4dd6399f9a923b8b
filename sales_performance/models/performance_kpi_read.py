from collections import defaultdict

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
    """The grouped reads behind the values of source KPIs: one query per
    source and set of levels, built from the ORM's own ``_read_group``
    pieces (see ``performance.kpi._get_level_values``). Then KPIs that a
    domain and an aggregate cannot express (customer retention compares two
    periods, gross margin needs the product cost), each computed by one SQL
    query for every owner asked, and manual KPIs, whose values are entered
    per period (``performance.kpi.value``)."""

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

    def _read_shared_values(self, date_from, date_to, owners_by_level, company):
        """Values of these source KPIs of one source key, ``{level: {kpi_id:
        {owner_id: value}}}``, through the values already read when the
        context holds ``performance_kpi_values`` (a dict shared by the steps
        of a close: target actuals, scorecards and statements of a period read
        each KPI once). Only the owners not read yet are queried.

        The shared values assume the documents do not change while the dict
        lives: it is made for one run of a close, inside one transaction.
        """
        shared = self.env.context.get("performance_kpi_values")
        if shared is None:
            return self._read_values(date_from, date_to, owners_by_level, company)
        company_id = company.id if company else False
        known = {
            (level, kpi.id): shared.setdefault(
                (kpi.id, date_from, date_to, level, company_id), {}
            )
            for level in owners_by_level
            for kpi in self
        }
        missing = {}
        for level, owner_ids in owners_by_level.items():
            owners = [
                owner
                for owner in owner_ids
                if any(owner not in known[level, kpi.id] for kpi in self)
            ]
            if owners:
                missing[level] = owners
        if missing:
            read = self._read_values(date_from, date_to, missing, company)
            for level, by_kpi in read.items():
                for kpi_id, values in by_kpi.items():
                    known[level, kpi_id].update(values)
        return {
            level: {
                kpi.id: {owner: known[level, kpi.id][owner] for owner in owner_ids}
                for kpi in self
            }
            for level, owner_ids in owners_by_level.items()
        }

    def _read_values(self, date_from, date_to, owners_by_level, company):
        """Values of these source KPIs of one source key at each level: the
        levels that group by a column of the source in one query, the others
        (team values summed over members, company values of a source without
        company) each on its own."""
        Source = self.env[self[:1].model_id.model]
        columns = self._get_level_columns(Source, owners_by_level)
        result = {}
        if len(columns) > 1:
            result = self._read_levels(
                date_from, date_to, owners_by_level, columns, company
            )
        for level, owner_ids in owners_by_level.items():
            if level not in result:
                result[level] = self._read_source_values(
                    date_from, date_to, level, owner_ids, company
                )
        return result

    def _get_level_columns(self, Source, owners_by_level):
        """``{level: field}``: the field of the source each asked level groups
        by, for the levels that have one."""
        kpi = self[:1]
        columns = {}
        for level, owner_ids in owners_by_level.items():
            if not owner_ids:
                continue
            if level == "user":
                columns[level] = kpi.user_field_id.name
            elif level == "team" and kpi.team_field_id:
                columns[level] = kpi.team_field_id.name
            elif level == "company" and "company_id" in Source._fields:
                columns[level] = "company_id"
        return columns

    def _get_aggregate_slices(self):
        """The aggregates of these KPIs without repeats, and for each KPI the
        positions of its own among them."""
        aggregates = []
        for kpi in self:
            aggregates.extend(a for a in kpi._get_aggregates() if a not in aggregates)
        slices = {
            kpi.id: [aggregates.index(a) for a in kpi._get_aggregates()] for kpi in self
        }
        return aggregates, slices

    def _read_levels(self, date_from, date_to, owners_by_level, columns, company):
        """Values of these source KPIs of one source key at the levels of
        ``columns`` (``{level: field}``), in one query: the source's records
        of any of the owners, grouped by ``GROUPING SETS``, one set per level.
        PostgreSQL computes each set on its own, so every level's value is
        exactly what its own grouped read gives (distinct counts included),
        for one scan of the period instead of one per level.

        Built from the ORM's own pieces of ``_read_group`` (domain, group-by
        terms, aggregates), so the SQL is the one the ORM would write.
        """
        kpi = self[:1]
        # sudo: as in _read_source_values, a total over documents the person
        # asking may not read one by one; the company is in the domain.
        Source = self.env[kpi.model_id.model].sudo()
        if not Source._auto:
            self.env.flush_all()
        levels = list(columns)
        aggregates, slices = self._get_aggregate_slices()
        domain = kpi._get_source_domain(date_from, date_to, company)
        if not (
            "company" in columns
            and company
            and set(company.ids) <= set(owners_by_level["company"])
        ):
            # Without all of its companies asked, the records of the owners;
            # with them, every record of the domain counts already.
            domain = expression.AND(
                [
                    domain,
                    expression.OR(
                        [
                            [(columns[level], "in", owners_by_level[level])]
                            for level in levels
                        ]
                    ),
                ]
            )
        query = Source._search(domain)
        terms = [Source._read_group_groupby(columns[level], query) for level in levels]
        query.groupby = SQL(
            "GROUPING SETS (%s)", SQL(", ").join(SQL("(%s)", term) for term in terms)
        )
        rows = self.env.execute_query(
            query.select(
                *terms,
                *(SQL("GROUPING(%s)", term) for term in terms),
                *(Source._read_group_select(spec, query) for spec in aggregates),
            )
        )
        result = {
            level: {k.id: dict.fromkeys(owners_by_level[level], 0.0) for k in self}
            for level in levels
        }
        width = len(levels)
        for row in rows:
            # GROUPING() is 0 for the one column grouped by this row's set.
            index = row[width : 2 * width].index(0)
            values = result[levels[index]]
            owner = row[index]
            if owner not in values[kpi.id]:
                continue
            measures = row[2 * width :]
            for k in self:
                values[k.id][owner] = k._aggregate_value(
                    [measures[i] for i in slices[k.id]]
                )
        return result

    def _read_source_values(self, date_from, date_to, level, owner_ids, company):
        """Values of these source KPIs of one source key: one grouped query
        with the aggregates of all of them. Returns ``{kpi_id: {owner_id:
        value}}``."""
        kpi = self[:1]
        # sudo: a KPI value is a total over documents the person asking may
        # not read one by one (a rep's team target counts the whole team).
        # The company is filtered explicitly in the domain instead.
        Source = self.env[kpi.model_id.model].sudo()
        if not Source._auto:
            # A reporting view reads tables the ORM does not know it depends on.
            self.env.flush_all()
        result = {k.id: dict.fromkeys(owner_ids, 0.0) for k in self}
        if not owner_ids:
            return result
        domain = kpi._get_source_domain(date_from, date_to, company)
        aggregates, slices = self._get_aggregate_slices()
        if level == "company":
            if "company_id" in Source._fields:
                groupby_field = "company_id"
            else:
                [row] = Source._read_group(domain, [], aggregates)
                for k in self:
                    value = k._aggregate_value([row[i] for i in slices[k.id]])
                    result[k.id] = dict.fromkeys(owner_ids, value)
                return result
        elif level == "team" and kpi.team_field_id:
            groupby_field = kpi.team_field_id.name
        elif level == "team":
            return self._read_team_values_by_members(
                Source, domain, aggregates, slices, owner_ids
            )
        else:
            groupby_field = kpi.user_field_id.name
        domain = expression.AND([domain, [(groupby_field, "in", owner_ids)]])
        for owner, *row in Source._read_group(domain, [groupby_field], aggregates):
            for k in self:
                result[k.id][owner.id] = k._aggregate_value(
                    [row[i] for i in slices[k.id]]
                )
        return result

    def _read_team_values_by_members(
        self, Source, domain, aggregates, slices, team_ids
    ):
        """Team values of KPIs without a team field: their members' documents
        (a member of two teams counts in both)."""
        memberships = (
            self.env["crm.team.member"]
            .sudo()
            .search_read([("crm_team_id", "in", team_ids)], ["crm_team_id", "user_id"])
        )
        teams_by_user = defaultdict(list)
        for membership in memberships:
            teams_by_user[membership["user_id"][0]].append(membership["crm_team_id"][0])
        user_field = self[:1].user_field_id.name
        domain = expression.AND([domain, [(user_field, "in", list(teams_by_user))]])
        # Each aggregate summed over the members, per team.
        totals = defaultdict(lambda: [0.0] * len(aggregates))
        for user, *row in Source._read_group(domain, [user_field], aggregates):
            for team_id in teams_by_user[user.id]:
                team_totals = totals[team_id]
                for index, value in enumerate(row):
                    team_totals[index] += value or 0.0
        return {
            k.id: {
                team: k._aggregate_value([totals[team][i] for i in slices[k.id]])
                if team in totals
                else 0.0
                for team in team_ids
            }
            for k in self
        }

    # ------------------------------------------------------------
    # Built-in and manual KPIs
    # ------------------------------------------------------------

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
