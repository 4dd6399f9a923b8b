from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from ..tools import scoring
from .performance_scorecard_line import format_number


class PerformanceScorecardTemplate(models.Model):
    _name = "performance.scorecard.template"
    _description = "Scorecard Template"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    line_ids = fields.One2many(
        "performance.scorecard.template.line", "template_id", string="KPIs", copy=True
    )
    band_ids = fields.One2many(
        "performance.rating.band", "template_id", string="Rating Bands", copy=True
    )
    weight_total = fields.Float(string="Total Weight", compute="_compute_weight_total")
    rating_legend = fields.Char(
        compute="_compute_rating_legend",
        help="Each rating and the lowest total score that earns it.",
    )

    # Who is scored
    user_ids = fields.Many2many(
        "res.users",
        string="Salespeople",
        domain="[('share', '=', False)]",
        help="Scored with this template, with the members of the teams below.",
    )
    team_ids = fields.Many2many(
        "crm.team", string="Sales Teams", check_company=True, tracking=True
    )
    appeal_days = fields.Integer(
        default=10,
        tracking=True,
        help="Days after approval during which a salesperson may appeal.",
    )

    @api.depends("line_ids.weight")
    def _compute_weight_total(self):
        for template in self:
            template.weight_total = sum(template.line_ids.mapped("weight"))

    @api.depends("band_ids.name", "band_ids.min_score")
    @api.depends_context("lang")
    def _compute_rating_legend(self):
        for template in self:
            bands = template.band_ids.sorted(lambda band: -band.min_score)
            template.rating_legend = " · ".join(
                _(
                    "%(rating)s ≥ %(score)s",
                    rating=band.name,
                    score=format_number(self.env, band.min_score),
                )
                for band in bands
            )

    @api.constrains("line_ids")
    def _check_weights(self):
        for template in self.filtered("line_ids"):
            total = sum(template.line_ids.mapped("weight"))
            if float_compare(total, 100.0, precision_digits=2):
                raise ValidationError(
                    _(
                        "The weights of the scorecard template %(template)s add up to "
                        "%(total)s instead of 100.",
                        template=template.name,
                        total=round(total, 2),
                    )
                )

    @api.constrains("band_ids")
    def _check_bands(self):
        for template in self:
            overlap = scoring.bands_overlap(template.band_ids._get_bounds())
            if overlap:
                raise ValidationError(
                    _(
                        "The rating bands %(first)s and %(second)s of %(template)s "
                        "overlap.",
                        first=overlap[0][0],
                        second=overlap[1][0],
                        template=template.name,
                    )
                )

    @api.constrains("band_ids")
    def _check_guidelines(self):
        for template in self:
            shares = template.band_ids.mapped("guideline_pct")
            if any(share < 0 for share in shares) or (
                any(shares) and float_compare(sum(shares), 100.0, precision_digits=2)
            ):
                raise ValidationError(
                    _(
                        "The guideline shares of the ratings of %(template)s must be "
                        "zero or more and add up to 100.",
                        template=template.name,
                    )
                )

    @api.constrains("appeal_days")
    def _check_appeal_days(self):
        if any(template.appeal_days < 0 for template in self):
            raise ValidationError(_("The appeal window cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        templates = super(
            PerformanceScorecardTemplate,
            self.with_context(performance_template_save=True),
        ).create(vals_list)
        return templates.with_env(self.env)

    def write(self, vals):
        # Lines and bands saved with their template are checked together,
        # once all of them are written, by the template's constraints.
        return super(
            PerformanceScorecardTemplate,
            self.with_context(performance_template_save=True),
        ).write(vals)

    def _get_users(self):
        """The salespeople scored with this template."""
        self.ensure_one()
        return (self.user_ids | self.team_ids.member_ids).filtered(
            lambda user: self.company_id in user.company_ids
        )

    def _get_rating(self, total):
        self.ensure_one()
        return scoring.rating(total, self.band_ids._get_bounds())

    def generate_scorecards(self, period, users=None):
        """Create the missing scorecards of these templates for ``period`` and
        compute every scorecard of the period, in batch. Returns them.
        ``users`` limits both to these salespeople (a chunk of a background
        close)."""
        Scorecard = self.env["performance.scorecard"]
        domain = [("template_id", "in", self.ids), ("period_id", "=", period.id)]
        if users is not None:
            domain.append(("user_id", "in", users.ids))
        existing = Scorecard.search(domain)
        done = {(card.template_id, card.user_id) for card in existing}
        vals_list = [
            template._prepare_scorecard_vals(user, period)
            for template in self
            for user in template._get_users()
            if (template, user) not in done and (users is None or user in users)
        ]
        Scorecard.check_access("create")
        # sudo: scorecard lines are only ever made from their template, here.
        # They start at the self review. Each salesperson follows their
        # scorecard without a separate "assigned to you" mail: the self review
        # activity tells them. Followers of all the new scorecards (the
        # salesperson, the activity's assignee) are written in one batch.
        pending = set()
        # The salespeople's partners in one read, for their subscriptions and
        # the scorecards' names (read one by one by each activity).
        self.env["res.users"].browse({vals["user_id"] for vals in vals_list}).mapped(
            "partner_id.name"
        )
        new_cards = (
            Scorecard.sudo()
            .with_context(
                mail_auto_subscribe_no_notify=True,
                performance_pending_followers=pending,
            )
            .create(vals_list)
        )
        new_cards._activity_update()
        Scorecard._subscribe_pending(pending)
        new_cards = new_cards.with_env(self.env)
        scorecards = existing | new_cards
        scorecards.action_compute()
        return scorecards

    def _prepare_scorecard_vals(self, user, period):
        self.ensure_one()
        return {
            "template_id": self.id,
            "period_id": period.id,
            "user_id": user.id,
            "company_id": self.company_id.id,
            "state": "self_review",
            "line_ids": [
                fields.Command.create(line._prepare_scorecard_line_vals())
                for line in self.line_ids
            ],
        }


class PerformanceScorecardTemplateLine(models.Model):
    _name = "performance.scorecard.template.line"
    _description = "Scorecard Template KPI"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "performance.scorecard.template", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    kpi_id = fields.Many2one("performance.kpi", string="KPI", required=True)
    higher_is_better = fields.Boolean(compute="_compute_higher_is_better")
    weight = fields.Float(required=True, default=0.0, help="Percentage of the total.")
    default_target = fields.Float(
        help="Target of a salesperson who has no target of this KPI for the period."
    )
    threshold = fields.Float(
        default=50.0,
        help="Percentage of the target at which the score starts above 0.",
    )
    target_point = fields.Float(
        default=100.0,
        help="Percentage of the target scoring 100.",
    )
    cap = fields.Float(
        default=150.0,
        help="Percentage of the target at which the highest score is reached.",
    )
    max_score = fields.Float(string="Highest Score", default=150.0)

    @api.depends("kpi_id.direction")
    def _compute_higher_is_better(self):
        for line in self:
            line.higher_is_better = line.kpi_id.direction != "lower"

    @api.constrains("weight")
    def _check_weight(self):
        for line in self:
            if line.weight < 0:
                raise ValidationError(
                    _("The weight of %(kpi)s cannot be negative.", kpi=line.kpi_id.name)
                )
        if not self.env.context.get("performance_template_save"):
            self.template_id._check_weights()

    @api.constrains("threshold", "target_point", "cap", "max_score", "kpi_id")
    def _check_curve(self):
        for line in self:
            try:
                scoring.check_curve(
                    line.threshold,
                    line.target_point,
                    line.cap,
                    line.max_score,
                    line.higher_is_better,
                )
            except scoring.CurveError as error:
                raise ValidationError(line._get_curve_error()) from error

    def _get_curve_error(self):
        self.ensure_one()
        if self.max_score < 100:
            return _(
                "The highest score of %(kpi)s cannot be below 100.",
                kpi=self.kpi_id.name,
            )
        if self.higher_is_better:
            return _(
                "The curve of %(kpi)s needs threshold < target point < cap.",
                kpi=self.kpi_id.name,
            )
        return _(
            "%(kpi)s is better when lower: its curve needs threshold > target point "
            "> cap.",
            kpi=self.kpi_id.name,
        )

    def _prepare_scorecard_line_vals(self):
        self.ensure_one()
        return {
            "template_line_id": self.id,
            "sequence": self.sequence,
            "kpi_id": self.kpi_id.id,
            "is_manual": self.kpi_id.kind == "manual",
            "higher_is_better": self.higher_is_better,
            "weight": self.weight,
            "threshold": self.threshold,
            "target_point": self.target_point,
            "cap": self.cap,
            "max_score": self.max_score,
        }


class PerformanceRatingBand(models.Model):
    _name = "performance.rating.band"
    _description = "Scorecard Rating Band"
    _order = "template_id, min_score desc, id"

    template_id = fields.Many2one(
        "performance.scorecard.template", required=True, index=True, ondelete="cascade"
    )
    name = fields.Char(string="Rating", required=True)
    min_score = fields.Float(string="From Score", required=True)
    max_score = fields.Float(string="Below Score", required=True)
    guideline_pct = fields.Float(
        string="Guideline (%)",
        help="Share of the scorecards expected in this rating, for HR calibration.",
    )

    @api.constrains("min_score", "max_score", "guideline_pct")
    def _check_range(self):
        for band in self:
            if band.max_score <= band.min_score:
                raise ValidationError(
                    _("The rating band %(band)s is empty.", band=band.name)
                )
        if not self.env.context.get("performance_template_save"):
            self.template_id._check_bands()
            self.template_id._check_guidelines()

    def _get_bounds(self):
        return [(band.name, band.min_score, band.max_score) for band in self]
