from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class PerformanceKpiValue(models.Model):
    """The value of a manual KPI (training sessions attended, customer
    satisfaction, teamwork score) for one salesperson and period, entered
    by HR or the team leader in a grid or imported from a file. Targets and
    scorecards of that salesperson, KPI and period read it."""

    _name = "performance.kpi.value"
    _description = "Manual KPI Value"
    _order = "period_id desc, team_id, user_id, kpi_id"
    _check_company_auto = True

    period_id = fields.Many2one(
        "performance.period",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        index=True,
        check_company=True,
        help="The salesperson's team: its leader enters the value.",
    )
    kpi_id = fields.Many2one(
        "performance.kpi",
        string="KPI",
        required=True,
        ondelete="cascade",
        domain="[('kind', '=', 'manual')]",
    )
    value = fields.Float(required=True, digits=(16, 2))
    unit = fields.Selection(related="kpi_id.unit")
    note = fields.Char()
    company_id = fields.Many2one(
        related="period_id.company_id", store=True, index=True, precompute=True
    )
    period_state = fields.Selection(related="period_id.state", string="Period Status")

    _sql_constraints = [
        (
            "value_unique",
            "UNIQUE(kpi_id, period_id, user_id)",
            "A salesperson has one value per KPI and period.",
        ),
    ]

    @api.depends("user_id")
    def _compute_team_id(self):
        for value in self:
            if value.user_id not in value.team_id.member_ids:
                value.team_id = value.user_id.sale_team_id

    @api.depends("kpi_id", "user_id", "period_id")
    def _compute_display_name(self):
        for value in self:
            value.display_name = " / ".join(
                name
                for name in (
                    value.kpi_id.name,
                    value.user_id.name,
                    value.period_id.name,
                )
                if name
            )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("kpi_id", "value")
    def _check_value(self):
        for value in self:
            kpi = value.kpi_id
            if kpi.kind != "manual":
                raise ValidationError(
                    _(
                        "%(kpi)s is computed from documents: it takes no value "
                        "entered by hand.",
                        kpi=kpi.name,
                    )
                )
            if kpi.unit == "percent" and not 0.0 <= value.value <= 100.0:
                raise ValidationError(
                    _(
                        "%(kpi)s of %(user)s is a percentage: %(value)s is not "
                        "between 0 and 100.",
                        kpi=kpi.name,
                        user=value.user_id.name,
                        value=value.value,
                    )
                )
            if kpi.unit == "number" and value.value < 0.0:
                raise ValidationError(
                    _(
                        "%(kpi)s of %(user)s is a count: %(value)s cannot be negative.",
                        kpi=kpi.name,
                        user=value.user_id.name,
                        value=value.value,
                    )
                )

    @api.constrains("user_id", "team_id", "period_id")
    def _check_user(self):
        for value in self:
            team = value.team_id
            if (
                not team
                or value.user_id not in team.member_ids
                or (team.company_id and team.company_id != value.company_id)
            ):
                raise ValidationError(
                    _(
                        "%(user)s is not a salesperson of a sales team of "
                        "%(company)s: no value can be entered for them.",
                        user=value.user_id.name,
                        company=value.company_id.name,
                    )
                )

    def _check_open_periods(self, periods):
        closed = periods.filtered(lambda period: period.state == "closed")
        if closed:
            raise UserError(
                _(
                    "The period %(period)s is closed: its KPI values cannot change.",
                    period=closed[0].display_name,
                )
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_open_periods(
            self.env["performance.period"].browse(
                [vals["period_id"] for vals in vals_list if vals.get("period_id")]
            )
        )
        return super().create(vals_list)

    def write(self, vals):
        self._check_open_periods(self.period_id)
        if vals.get("period_id"):
            self._check_open_periods(
                self.env["performance.period"].browse(vals["period_id"])
            )
        return super().write(vals)

    def unlink(self):
        self._check_open_periods(self.period_id)
        return super().unlink()

    # ------------------------------------------------------------
    # Reads for KPIs, targets and scorecards
    # ------------------------------------------------------------

    @api.model
    def _read_values(self, kpis, date_from, date_to, owners_by_level, company):
        """Entered values of these manual KPIs for the period with exactly
        these dates, ``{level: {kpi_id: {owner_id: value}}}``, only for the
        owners with a value, in one grouped query. A team's value is its
        members' (by the team of each value), a company's all of its
        values: summed for counts and amounts, averaged for percentages."""
        if not kpis:
            return {level: {} for level in owners_by_level}
        domain = [
            ("kpi_id", "in", kpis.ids),
            ("period_id.date_start", "=", date_from),
            ("period_id.date_end", "=", date_to),
        ]
        if company:
            domain.append(("company_id", "in", company.ids))
        owners = {level: set(ids) for level, ids in owners_by_level.items()}
        # sudo: a team or company value is an aggregate over values the
        # person asking may not read one by one, as for source KPIs.
        rows = self.sudo()._read_group(
            domain, ["kpi_id", "user_id", "team_id", "company_id"], ["value:sum"]
        )
        fields_by_level = {"user": 1, "team": 2, "company": 3}
        totals = {level: defaultdict(lambda: [0.0, 0]) for level in owners}
        for row in rows:
            kpi = row[0]
            for level in owners:
                owner = row[fields_by_level[level]].id
                if owner in owners[level]:
                    total = totals[level][kpi.id, owner]
                    total[0] += row[4]
                    total[1] += 1
        units = {kpi.id: kpi.unit for kpi in kpis}
        result = {level: defaultdict(dict) for level in owners}
        for level, by_key in totals.items():
            for (kpi_id, owner), (total, count) in by_key.items():
                average = units[kpi_id] == "percent"
                result[level][kpi_id][owner] = total / count if average else total
        return {level: dict(by_kpi) for level, by_kpi in result.items()}
