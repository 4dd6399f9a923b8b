from contextlib import contextmanager
from datetime import datetime, time, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

NUMERIC_TYPES = ("integer", "float", "monetary")
LEVELS = ("user", "team", "company")


class PerformanceKpi(models.Model):
    _name = "performance.kpi"
    _description = "Performance KPI"
    _order = "sequence, id"

    # Definition
    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True, help="Short unique code, used in formulas and exports."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the KPI between companies."
    )
    category = fields.Selection(
        [("result", "Result"), ("process", "Process"), ("growth", "Growth")],
        required=True,
        default="result",
    )
    kind = fields.Selection(
        [
            ("source", "Computed from documents"),
            ("ratio", "Ratio of two KPIs"),
            ("manual", "Entered by hand"),
        ],
        required=True,
        default="source",
    )
    direction = fields.Selection(
        [("higher", "Higher is better"), ("lower", "Lower is better")],
        required=True,
        default="higher",
    )
    unit = fields.Selection(
        [("amount", "Amount"), ("number", "Number"), ("percent", "Percent")],
        required=True,
        default="amount",
    )

    # Source KPIs
    model_id = fields.Many2one("ir.model", string="Source Model", ondelete="cascade")
    model_name = fields.Char(related="model_id.model", string="Source Model Name")
    domain = fields.Char(default="[]", help="Which records of the source model count.")
    date_field_id = fields.Many2one(
        "ir.model.fields",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', 'in', ('date', 'datetime'))]",
    )
    user_field_id = fields.Many2one(
        "ir.model.fields",
        string="Salesperson Field",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', '=', 'many2one'), "
        "('relation', '=', 'res.users')]",
    )
    team_field_id = fields.Many2one(
        "ir.model.fields",
        string="Sales Team Field",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', '=', 'many2one'), "
        "('relation', '=', 'crm.team')]",
        help="Team values group by this field. Without it a team's value is the "
        "sum of its members' values.",
    )
    measure_field_id = fields.Many2one(
        "ir.model.fields",
        ondelete="cascade",
        domain="[('model_id', '=', model_id)]",
        help="The field summed or averaged, or whose distinct values are counted.",
    )
    aggregation = fields.Selection(
        [
            ("sum", "Sum"),
            ("count", "Count"),
            ("count_distinct", "Count distinct"),
            ("avg", "Average"),
        ],
        default="sum",
    )

    # Ratio KPIs
    numerator_id = fields.Many2one("performance.kpi", ondelete="restrict")
    denominator_id = fields.Many2one("performance.kpi", ondelete="restrict")

    _sql_constraints = [
        (
            "code_unique",
            "UNIQUE(code, company_id)",
            "The KPI code must be unique per company.",
        ),
    ]

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains(
        "kind",
        "model_id",
        "domain",
        "date_field_id",
        "user_field_id",
        "team_field_id",
        "measure_field_id",
        "aggregation",
    )
    def _check_source(self):
        for kpi in self.filtered(lambda k: k.kind == "source"):
            if not (
                kpi.model_id
                and kpi.date_field_id
                and kpi.user_field_id
                and kpi.aggregation
            ):
                raise ValidationError(
                    _(
                        "The KPI %(kpi)s needs a source model, a date field, a "
                        "salesperson field and an aggregation.",
                        kpi=kpi.display_name,
                    )
                )
            for field in (
                kpi.date_field_id
                | kpi.user_field_id
                | kpi.team_field_id
                | kpi.measure_field_id
            ):
                if field.model_id != kpi.model_id:
                    raise ValidationError(
                        _(
                            "The field %(field)s of the KPI %(kpi)s does not belong to "
                            "the model %(model)s.",
                            field=field.name,
                            kpi=kpi.display_name,
                            model=kpi.model_id.model,
                        )
                    )
            if kpi.date_field_id.ttype not in ("date", "datetime"):
                raise ValidationError(
                    _(
                        "The date field of the KPI %(kpi)s must be a date.",
                        kpi=kpi.display_name,
                    )
                )
            if (
                kpi.user_field_id.ttype != "many2one"
                or kpi.user_field_id.relation != "res.users"
            ):
                raise ValidationError(
                    _(
                        "The salesperson field of the KPI %(kpi)s must link to a user.",
                        kpi=kpi.display_name,
                    )
                )
            if kpi.team_field_id and kpi.team_field_id.relation != "crm.team":
                raise ValidationError(
                    _(
                        "The sales team field of the KPI %(kpi)s must link to a "
                        "sales team.",
                        kpi=kpi.display_name,
                    )
                )
            if kpi.aggregation != "count" and not kpi.measure_field_id:
                raise ValidationError(
                    _("The KPI %(kpi)s needs a measure field.", kpi=kpi.display_name)
                )
            if (
                kpi.aggregation in ("sum", "avg")
                and kpi.measure_field_id.ttype not in NUMERIC_TYPES
            ):
                raise ValidationError(
                    _(
                        "The measure field of the KPI %(kpi)s must be a number to be "
                        "summed or averaged.",
                        kpi=kpi.display_name,
                    )
                )
            kpi._check_domain()

    def _check_domain(self):
        self.ensure_one()
        try:
            domain = self._get_domain()
            # sudo: the KPI author may not read the source model; only the
            # shape of the domain is checked here, nothing is returned.
            self.env[self.model_id.model].sudo()._search(domain)
        except (
            SyntaxError,
            ValueError,
            NameError,
            KeyError,
            TypeError,
            AssertionError,
        ) as error:
            raise ValidationError(
                _(
                    "The domain of the KPI %(kpi)s is not valid: %(error)s",
                    kpi=self.display_name,
                    error=error,
                )
            ) from error

    @api.constrains("kind", "numerator_id", "denominator_id")
    def _check_ratio(self):
        for kpi in self.filtered(lambda k: k.kind == "ratio"):
            if not (kpi.numerator_id and kpi.denominator_id):
                raise ValidationError(
                    _(
                        "The ratio KPI %(kpi)s needs a numerator and a denominator.",
                        kpi=kpi.display_name,
                    )
                )
            if kpi in kpi._get_ratio_operands():
                raise ValidationError(
                    _(
                        "The ratio KPI %(kpi)s refers to itself, directly or through "
                        "another ratio.",
                        kpi=kpi.display_name,
                    )
                )

    def _get_ratio_operands(self):
        """Every KPI a ratio KPI depends on, transitively (cycle-safe)."""
        seen = self.browse()
        todo = self.numerator_id | self.denominator_id
        while todo:
            seen |= todo
            todo = (todo.numerator_id | todo.denominator_id) - seen
        return seen

    # ------------------------------------------------------------
    # Values
    # ------------------------------------------------------------

    def _is_cumulative(self):
        """A cumulative KPI grows over its period (a sum or a count of
        documents): by mid-period it should be at half of its target."""
        self.ensure_one()
        return (
            self.kind == "source"
            and self.aggregation in ("sum", "count", "count_distinct")
            and self.direction == "higher"
        )

    def _get_domain(self):
        self.ensure_one()
        context = {
            "uid": self.env.uid,
            "user": self.env.user,
            "context_today": lambda: fields.Date.context_today(self),
            "datetime": datetime,
            "timedelta": timedelta,
        }
        domain = safe_eval(self.domain or "[]", context)
        if not isinstance(domain, list | tuple):
            raise ValueError(_("a domain must be a list"))
        return expression.normalize_domain(list(domain))

    def _get_source_domain(self, date_from, date_to, company):
        """Domain of the source records counted for ``company`` between two dates."""
        self.ensure_one()
        Source = self.env[self.model_id.model]
        date_field = self.date_field_id.name
        if Source._fields[date_field].type == "datetime":
            date_domain = [
                (date_field, ">=", datetime.combine(date_from, time.min)),
                (
                    date_field,
                    "<",
                    datetime.combine(date_to + timedelta(days=1), time.min),
                ),
            ]
        else:
            date_domain = [(date_field, ">=", date_from), (date_field, "<=", date_to)]
        company_domain = []
        if company and "company_id" in Source._fields:
            company_domain = [("company_id", "in", company.ids)]
        elif company:
            # A model without company (messages): the company's users' records.
            user_field = self.user_field_id.name
            company_domain = [(f"{user_field}.company_ids", "in", company.ids)]
        return expression.AND([self._get_domain(), date_domain, company_domain])

    def _get_aggregates(self):
        self.ensure_one()
        if self.aggregation == "count":
            return ["__count"]
        measure = self.measure_field_id.name
        if self.aggregation == "avg":
            return [f"{measure}:sum", "__count"]
        return [f"{measure}:{self.aggregation}"]

    def _aggregate_value(self, aggregates):
        """One value out of the aggregates of one group."""
        if self.aggregation == "avg":
            total, count = aggregates
            return total / count if count else 0.0
        return aggregates[0] or 0.0

    def _get_source_key(self):
        """Source KPIs with the same key count the same records: they are read
        together, one grouped query with the aggregates of each (invoiced
        total and collected amount of the invoice analysis)."""
        self.ensure_one()
        return (
            self.model_id.id,
            self.company_id.id,
            (self.domain or "[]").strip(),
            self.date_field_id.id,
            self.user_field_id.id,
            self.team_field_id.id,
        )

    def _get_values(self, date_from, date_to, level, owner_ids, company):
        """Values of these KPIs for many owners between two dates.

        ``level`` is ``user``, ``team`` or ``company`` and ``owner_ids`` are ids
        of users, teams or companies. Returns ``{kpi_id: {owner_id: value}}``
        with a value for every owner (0 when nothing counts). Source KPIs
        counting the same records cost one grouped query together, whatever
        the number of owners; a ratio KPI costs the queries of its operands,
        each read once.
        """
        return self._get_level_values(date_from, date_to, {level: owner_ids}, company)[
            level
        ]

    def _get_level_values(self, date_from, date_to, owners_by_level, company):
        """Values of these KPIs at several levels at once: ``owners_by_level``
        is ``{level: owner_ids}``, the result ``{level: {kpi_id: {owner_id:
        value}}}``. Levels grouping by a column of the source (salesperson,
        team, company) share one query per source (see :meth:`_read_levels`).
        """
        for level in owners_by_level:
            if level not in LEVELS:
                raise UserError(_("Unknown KPI level: %(level)s", level=level))
        owners_by_level = {level: list(ids) for level, ids in owners_by_level.items()}
        caches = {level: {} for level in owners_by_level}
        with self._without_jit():
            # sudo: a KPI points at ir.model and ir.model.fields, which only
            # administrators read; whoever may see a target may see its value.
            kpis = self.sudo()
            sources = (kpis | kpis._get_ratio_operands()).filtered(
                lambda kpi: kpi.kind == "source"
            )
            for group in sources.grouped(lambda kpi: kpi._get_source_key()).values():
                values = group._read_shared_values(
                    date_from, date_to, owners_by_level, company
                )
                for level, by_kpi in values.items():
                    caches[level].update(by_kpi)
            # Built-in and manual KPIs: see performance_kpi_read.py.
            others = (kpis | kpis._get_ratio_operands()).filtered(
                lambda kpi: kpi.kind not in ("source", "ratio")
            )
            if others:
                values = others._read_other_values(
                    date_from, date_to, owners_by_level, company
                )
                for level, by_kpi in values.items():
                    caches[level].update(by_kpi)
            for level, owner_ids in owners_by_level.items():
                for kpi in kpis:
                    kpi._get_values_into(caches[level], owner_ids)
        return {
            level: {kpi.id: caches[level][kpi.id] for kpi in self}
            for level in owners_by_level
        }

    @contextmanager
    def _without_jit(self):
        """PostgreSQL's JIT compiler off inside the block, as it was after.

        KPI queries are grouped aggregates planned far above the JIT cost
        threshold; compiling them takes longer than running them (seconds over
        a million invoice lines), for no gain on plans this simple.
        """
        cr = self.env.cr
        cr.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        previous = cr.fetchone()[0]
        try:
            yield
        finally:
            if previous != "off" and not cr.closed:
                cr.execute("SELECT set_config('jit', %s, true)", [previous])

    def _get_values_into(self, cache, owner_ids):
        """Values of this KPI into ``cache``, where source KPIs already are."""
        self.ensure_one()
        if self.id in cache:
            return cache[self.id]
        if self.kind == "ratio":
            numerators = self.numerator_id._get_values_into(cache, owner_ids)
            denominators = self.denominator_id._get_values_into(cache, owner_ids)
            factor = 100.0 if self.unit == "percent" else 1.0
            values = {
                owner: (
                    numerators[owner] / denominators[owner] * factor
                    if denominators[owner]
                    else 0.0
                )
                for owner in owner_ids
            }
        else:
            values = dict.fromkeys(owner_ids, 0.0)
        cache[self.id] = values
        return values

    def _get_documents_action(self, date_from, date_to, level, owner_id, company):
        """Window action listing the source documents behind one value."""
        self.ensure_one()
        # sudo: to read the KPI's model and fields; the documents themselves
        # open under the user's own rights.
        kpi = self.sudo()
        while kpi.kind == "ratio":
            kpi = kpi.numerator_id
        if kpi.kind != "source":
            raise UserError(
                _(
                    "The KPI %(kpi)s is entered by hand: it has no source documents.",
                    kpi=self.display_name,
                )
            )
        domain = kpi._get_source_domain(date_from, date_to, company)
        if level == "user":
            domain = expression.AND([domain, [(kpi.user_field_id.name, "=", owner_id)]])
        elif level == "team" and kpi.team_field_id:
            domain = expression.AND([domain, [(kpi.team_field_id.name, "=", owner_id)]])
        elif level == "team":
            members = self.env["crm.team"].browse(owner_id).member_ids
            domain = expression.AND(
                [domain, [(kpi.user_field_id.name, "in", members.ids)]]
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("%(kpi)s: source documents", kpi=kpi.display_name),
            "res_model": kpi.model_id.model,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": domain,
            "context": {"active_test": False},
        }
