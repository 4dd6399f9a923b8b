from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import pace


class PerformancePeriod(models.Model):
    _name = "performance.period"
    _description = "Performance Period"
    # The shortest period first among those ending together: this month, then
    # its quarter, then its year.
    _order = "date_end, date_start desc, id"
    _check_company_auto = True

    # Identity
    name = fields.Char(required=True, translate=False)
    period_type = fields.Selection(
        [("year", "Year"), ("quarter", "Quarter"), ("month", "Month")],
        string="Type",
        required=True,
        default="month",
        index=True,
    )
    date_start = fields.Date(string="Start Date", required=True, index=True)
    date_end = fields.Date(string="End Date", required=True, index=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")],
        default="open",
        required=True,
        index=True,
        copy=False,
    )
    active = fields.Boolean(default=True)

    # Hierarchy
    parent_id = fields.Many2one(
        "performance.period",
        string="Parent Period",
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    child_ids = fields.One2many("performance.period", "parent_id", string="Sub-periods")

    # Progress
    elapsed_pct = fields.Float(
        string="Elapsed (%)",
        compute="_compute_elapsed_pct",
        digits=(16, 1),
        help="Share of the days of the period elapsed today.",
    )

    def _compute_elapsed_pct(self):
        today = fields.Date.context_today(self)
        for period in self:
            period.elapsed_pct = pace.elapsed_share(
                period.date_start, period.date_end, today
            )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for period in self:
            if period.date_end < period.date_start:
                raise ValidationError(
                    _(
                        "The period %(period)s cannot end before it starts.",
                        period=period.name,
                    )
                )

    @api.constrains("date_start", "date_end", "period_type", "company_id", "active")
    def _check_overlap(self):
        for period in self.filtered("active"):
            overlapping = self.search(
                [
                    ("id", "!=", period.id),
                    ("company_id", "=", period.company_id.id),
                    ("period_type", "=", period.period_type),
                    ("date_start", "<=", period.date_end),
                    ("date_end", ">=", period.date_start),
                ],
                limit=1,
            )
            if overlapping:
                raise ValidationError(
                    _(
                        "The period %(period)s overlaps %(other)s: two periods of "
                        "the same type cannot share a day in one company.",
                        period=period.display_name,
                        other=overlapping.display_name,
                    )
                )

    @api.constrains("parent_id", "date_start", "date_end")
    def _check_parent_range(self):
        for period in self.filtered("parent_id"):
            parent = period.parent_id
            if (
                period.date_start < parent.date_start
                or period.date_end > parent.date_end
            ):
                raise ValidationError(
                    _(
                        "The period %(period)s must lie inside its parent period "
                        "%(parent)s.",
                        period=period.display_name,
                        parent=parent.display_name,
                    )
                )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_close(self):
        """Bring the period's numbers up to date (``_run_close``), then freeze
        them: targets of a closed period keep their actuals."""
        for period in self:
            if period.state != "open":
                raise UserError(
                    _("The period %(period)s is not open.", period=period.display_name)
                )
        self._run_close()
        self.write({"state": "closed"})
        return True

    def _run_close(self, templates=None):
        """Refresh everything computed for these periods, reading each KPI
        once for all of it: the actuals of their targets, then the scorecards
        of ``templates`` (by default the active templates that already have
        scorecards in the period: a template starts being used for a period
        from its own button). Other addons add their steps after ``super()``
        (the incentive addon: statements), under the same context.
        """
        if "performance_kpi_values" not in self.env.context:
            self = self.with_context(performance_kpi_values={})
        self.env["performance.target"].search(
            [("period_id", "in", self.ids)]
        ).action_compute()
        Scorecard = self.env["performance.scorecard"]
        for period in self:
            period_templates = templates
            if period_templates is None:
                period_templates = (
                    Scorecard.sudo()
                    ._read_group(
                        [("period_id", "=", period.id)], [], ["template_id:recordset"]
                    )[0][0]
                    .filtered("active")
                )
            if period_templates:
                period_templates.with_env(self.env).generate_scorecards(period)
        return True

    def action_reopen(self):
        for period in self:
            if period.state != "closed":
                raise UserError(
                    _(
                        "The period %(period)s is not closed.",
                        period=period.display_name,
                    )
                )
        self.write({"state": "open"})

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _get_domain(self, field_name, model_name):
        """Domain selecting the records of ``model_name`` whose ``field_name``
        falls inside the period. Datetime fields are bounded by midnight UTC
        of the first day and of the day after the last."""
        self.ensure_one()
        field = self.env[model_name]._fields[field_name]
        if field.type == "datetime":
            return [
                (field_name, ">=", datetime.combine(self.date_start, time.min)),
                (
                    field_name,
                    "<",
                    datetime.combine(self.date_end + timedelta(days=1), time.min),
                ),
            ]
        if field.type != "date":
            raise UserError(
                _(
                    "The field %(field)s is not a date: a period cannot filter on it.",
                    field=field_name,
                )
            )
        return [(field_name, ">=", self.date_start), (field_name, "<=", self.date_end)]

    def _get_previous_year_dates(self):
        """The same dates one year earlier (for allocation by last year's share)."""
        self.ensure_one()
        return (
            self.date_start - relativedelta(years=1),
            self.date_end - relativedelta(years=1),
        )

    @api.model
    def _fiscal_year_start(self, year, company):
        """First day of the fiscal year ending in ``year`` for ``company``."""
        last_month = int(company.fiscalyear_last_month or 12)
        end_of_month = datetime(year, last_month, 1).date() + relativedelta(day=31)
        return end_of_month + timedelta(days=1) - relativedelta(years=1)

    @api.model
    def generate_fiscal_year(self, year, company=None):
        """Create the fiscal year ``year`` of ``company`` with its quarters and
        months and return the year period. The fiscal year ends with the
        company's last fiscal month."""
        company = company or self.env.company
        start = self._fiscal_year_start(year, company)
        end = start + relativedelta(years=1) - timedelta(days=1)
        label = str(year) if start.year == year else f"{start.year}-{year}"
        year_period = self.create(
            {
                "name": _("FY %(year)s", year=label),
                "period_type": "year",
                "date_start": start,
                "date_end": end,
                "company_id": company.id,
            }
        )
        quarter_vals = []
        for quarter in range(4):
            q_start = start + relativedelta(months=3 * quarter)
            quarter_vals.append(
                {
                    "name": _("Q%(quarter)s %(year)s", quarter=quarter + 1, year=label),
                    "period_type": "quarter",
                    "date_start": q_start,
                    "date_end": q_start + relativedelta(months=3) - timedelta(days=1),
                    "company_id": company.id,
                    "parent_id": year_period.id,
                }
            )
        quarters = self.create(quarter_vals)
        month_vals = []
        for quarter in quarters:
            for month in range(3):
                m_start = quarter.date_start + relativedelta(months=month)
                month_vals.append(
                    {
                        "name": m_start.strftime("%Y-%m"),
                        "period_type": "month",
                        "date_start": m_start,
                        "date_end": m_start
                        + relativedelta(months=1)
                        - timedelta(days=1),
                        "company_id": company.id,
                        "parent_id": quarter.id,
                    }
                )
        self.create(month_vals)
        return year_period
