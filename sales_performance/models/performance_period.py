from collections import defaultdict
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import pace

# Scorecards that still wait on a person before they are approved; an appeal
# is counted on its own.
SCORECARD_PENDING_STATES = ("draft", "self_review", "manager_review", "hr_calibration")


class PerformancePeriod(models.Model):
    _name = "performance.period"
    _description = "Performance Period"
    _inherit = ["mail.thread", "performance.period.week"]
    # The shortest period first among those ending together: this month, then
    # its quarter, then its year.
    _order = "date_end, date_start desc, id"
    _check_company_auto = True

    # Identity
    name = fields.Char(required=True, translate=False)
    period_type = fields.Selection(
        [
            ("year", "Year"),
            ("quarter", "Quarter"),
            ("month", "Month"),
            ("week", "Week"),
        ],
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
        tracking=True,
    )
    active = fields.Boolean(default=True)
    closed_by_id = fields.Many2one("res.users", readonly=True)
    closed_date = fields.Datetime(string="Closed On", readonly=True)

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

    # Close cockpit (smart buttons)
    target_count = fields.Integer(compute="_compute_cockpit_counts")
    scorecard_count = fields.Integer(compute="_compute_cockpit_counts")
    scorecard_pending_count = fields.Integer(
        string="Scorecards in Review", compute="_compute_cockpit_counts"
    )
    appeal_count = fields.Integer(
        string="Open Appeals", compute="_compute_cockpit_counts"
    )
    anomaly_count = fields.Integer(
        string="Open Anomaly Flags", compute="_compute_cockpit_counts"
    )

    def _compute_elapsed_pct(self):
        today = fields.Date.context_today(self)
        for period in self:
            period.elapsed_pct = pace.elapsed_share(
                period.date_start, period.date_end, today
            )

    def _compute_cockpit_counts(self):
        targets = dict(
            self.env["performance.target"]._read_group(
                [("period_id", "in", self.ids)], ["period_id"], ["__count"]
            )
        )
        cards = defaultdict(int)
        for period, state, count in self.env["performance.scorecard"]._read_group(
            [("period_id", "in", self.ids)], ["period_id", "state"], ["__count"]
        ):
            cards[period, state] = count
        Anomaly = self.env["performance.anomaly"]
        for period in self:
            period.target_count = targets.get(period, 0)
            period.scorecard_count = sum(
                count
                for (card_period, _state), count in cards.items()
                if card_period == period
            )
            period.scorecard_pending_count = sum(
                cards[period, state] for state in SCORECARD_PENDING_STATES
            )
            period.appeal_count = cards[period, "appeal"]
            # Flags carry a date, not a period: one count per period shown,
            # for those who may read flags.
            period.anomaly_count = (
                Anomaly.search_count(period._get_anomaly_domain())
                if period.id and Anomaly.has_access("read")
                else 0
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

    def action_open_close_wizard(self):
        """The *Close Period* button: a dialog that lists what is still
        pending and what the close will do, before anything happens."""
        self.ensure_one()
        self._check_open()
        wizard = self.env["performance.period.close"].create({"period_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": _("Close %(period)s", period=self.display_name),
            "res_model": "performance.period.close",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_close(self):
        """Bring the period's numbers up to date (``_run_close``), then freeze
        them: targets of a closed period keep their actuals. A summary of what
        the close did is posted on each period."""
        self._check_open()
        # sudo: the summary counts every record of the period, including the
        # ones the closing administrator may not read.
        before = {period: period.sudo()._get_close_figures() for period in self}
        pending = {
            period: [item for item in period._get_close_pending() if item["count"]]
            for period in self
        }
        self._run_close()
        self.write(
            {
                "state": "closed",
                "closed_by_id": self.env.uid,
                "closed_date": fields.Datetime.now(),
            }
        )
        for period in self:
            after = period.sudo()._get_close_figures()
            period.message_post(
                body=period._get_close_summary(before[period], after, pending[period]),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _check_open(self):
        for period in self:
            if period.state != "open":
                raise UserError(
                    _("The period %(period)s is not open.", period=period.display_name)
                )

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
        self.write({"state": "open", "closed_by_id": False, "closed_date": False})

    # ------------------------------------------------------------
    # Close cockpit
    # ------------------------------------------------------------

    def _action_view(self, xmlid, domain, context=None):
        """The window action ``xmlid`` narrowed to ``domain``, without its
        default filters (they would hide part of the period)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = dict(context or {}, create=False)
        return action

    def _get_cockpit_views(self):
        """The close cockpit's smart buttons: ``{key: (action xmlid, domain,
        context)}``. Addons add their own keys."""
        self.ensure_one()
        scorecard = "sales_performance.action_performance_scorecard"
        period = [("period_id", "=", self.id)]
        by_state = {"group_by": ["state"]}
        return {
            "targets": (
                "sales_performance.action_performance_target",
                period,
                {"group_by": ["owner_type"]},
            ),
            "scorecards": (scorecard, period, by_state),
            "pending_scorecards": (
                scorecard,
                period + [("state", "in", SCORECARD_PENDING_STATES)],
                by_state,
            ),
            "appeals": (scorecard, period + [("state", "=", "appeal")], None),
            "anomalies": (
                "sales_performance.action_performance_anomaly",
                self._get_anomaly_domain(),
                None,
            ),
        }

    def _open_cockpit(self, key):
        return self._action_view(*self._get_cockpit_views()[key])

    def action_view_targets(self):
        return self._open_cockpit("targets")

    def action_view_scorecards(self):
        return self._open_cockpit("scorecards")

    def action_view_pending_scorecards(self):
        return self._open_cockpit("pending_scorecards")

    def action_view_appeals(self):
        return self._open_cockpit("appeals")

    def action_view_anomalies(self):
        return self._open_cockpit("anomalies")

    def _get_anomaly_domain(self):
        """Open anomaly flags dated inside the period."""
        self.ensure_one()
        return [
            ("company_id", "=", self.company_id.id),
            ("state", "=", "open"),
            *self._get_domain("date", "performance.anomaly"),
        ]

    def _get_close_pending(self):
        """What still waits on a person in the period, as a list of
        ``{code, name, model, domain, count}``; counted over every record
        (sudo: the administrator closing must know what others still hold).
        Other addons append their items after ``super()``."""
        self.ensure_one()
        items = [
            {
                "code": "sub_periods",
                "name": _("Sub-periods still open"),
                "model": "performance.period",
                "domain": [("parent_id", "=", self.id), ("state", "=", "open")],
            },
            {
                "code": "scorecards",
                "name": _("Scorecards not approved yet"),
                "model": "performance.scorecard",
                "domain": [
                    ("period_id", "=", self.id),
                    ("state", "in", SCORECARD_PENDING_STATES),
                ],
            },
            {
                "code": "appeals",
                "name": _("Scorecards in appeal"),
                "model": "performance.scorecard",
                "domain": [("period_id", "=", self.id), ("state", "=", "appeal")],
            },
            {
                "code": "anomalies",
                "name": _("Open anomaly flags"),
                "model": "performance.anomaly",
                "domain": self._get_anomaly_domain(),
            },
        ]
        return self._count_items(items)

    def _get_close_plan(self):
        """What the close will do, as a list of ``{code, name, count}``.
        Other addons append their steps after ``super()``."""
        self.ensure_one()
        items = [
            {
                "code": "refresh_targets",
                "name": _("Refresh the actuals of the targets, then freeze them"),
                "model": "performance.target",
                "domain": [("period_id", "=", self.id)],
            },
            {
                "code": "recompute_scorecards",
                "name": _(
                    "Recompute the scorecards not yet approved and create the "
                    "missing ones of the templates in use"
                ),
                "model": "performance.scorecard",
                "domain": [("period_id", "=", self.id), ("frozen", "=", False)],
            },
        ]
        return self._count_items(items)

    def _count_items(self, items):
        for item in items:
            item["count"] = self.env[item["model"]].sudo().search_count(item["domain"])
        return items

    def _get_close_figures(self):
        """The figures the summary of a close compares before and after it:
        ``{code: number}``. Other addons add theirs after ``super()``."""
        self.ensure_one()
        Scorecard = self.env["performance.scorecard"]
        return {
            "targets": self.env["performance.target"].search_count(
                [("period_id", "=", self.id)]
            ),
            "scorecards": Scorecard.search_count([("period_id", "=", self.id)]),
            "scorecards_frozen": Scorecard.search_count(
                [("period_id", "=", self.id), ("frozen", "=", True)]
            ),
        }

    def _get_close_summary_lines(self, before, after):
        """Lines of the summary posted after a close, from the figures
        before and after it. Other addons append theirs after ``super()``."""
        self.ensure_one()
        return [
            _("Targets refreshed and frozen: %(count)s", count=after["targets"]),
            _(
                "Scorecards: %(count)s, of which %(new)s generated by the close "
                "and %(frozen)s frozen (approved or in appeal)",
                count=after["scorecards"],
                new=after["scorecards"] - before["scorecards"],
                frozen=after["scorecards_frozen"],
            ),
        ]

    def _get_close_summary(self, before, after, pending):
        lines = self._get_close_summary_lines(before, after)
        if pending:
            lines.append(
                _(
                    "Closed with items still pending: %(items)s",
                    items=", ".join(
                        f"{item['name']} ({item['count']})" for item in pending
                    ),
                )
            )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            _(
                "Period closed by %(user)s.",
                user=self.env.user.name,
            ),
            Markup("").join(Markup("<li>%s</li>") % line for line in lines),
        )
        return body

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
