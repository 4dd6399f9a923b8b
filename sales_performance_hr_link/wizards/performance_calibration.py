from collections import Counter

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

# A rating whose share is further than this from its guideline (in points)
# is shown as off the guideline, as in the calibration analyses.
GAP_POINTS = 10.0


# Review steps before HR calibration: a rating set now may be overtaken by
# the rest of the review.
EARLY_STATES = ("draft", "self_review", "manager_review")


class PerformanceCalibration(models.TransientModel):
    """HR calibrates the ratings of a department's scorecards for a period:
    each scorecard side by side, the distribution of ratings before and after
    the changes next to the guideline, and a comment for every change."""

    _name = "performance.calibration"
    _description = "Department Rating Calibration"

    period_id = fields.Many2one(
        "performance.period",
        required=True,
        default=lambda self: self._default_waiting()[0],
    )
    department_id = fields.Many2one(
        "hr.department",
        required=True,
        default=lambda self: self._default_waiting()[1],
    )
    include_sub_departments = fields.Boolean(default=True)
    template_id = fields.Many2one(
        "performance.scorecard.template",
        string="Scorecard Template",
        compute="_compute_template_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    line_ids = fields.One2many(
        "performance.calibration.line",
        "calibration_id",
        string="Scorecards",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )
    distribution = fields.Html(compute="_compute_distribution", sanitize=False)
    change_count = fields.Integer(compute="_compute_distribution")
    early_count = fields.Integer(
        string="Not at HR Calibration Yet",
        compute="_compute_distribution",
        help="Scorecards still at self review or manager review: their score may "
        "change before they reach HR calibration.",
    )

    @api.model
    def _default_waiting(self):
        """The latest period with scorecards of the company waiting on HR
        calibration, and the smallest department holding all of them (with
        its sub-departments), so that HR opens the dialog on their work."""
        groups = self.env["performance.scorecard"]._read_group(
            [
                ("state", "=", "hr_calibration"),
                ("company_id", "=", self.env.company.id),
                ("department_id", "!=", False),
            ],
            ["period_id", "department_id"],
        )
        if not groups:
            return False, False
        period = max((row[0] for row in groups), key=lambda p: p.date_start)
        paths = [
            department.parent_path.split("/")[:-1]
            for row_period, department in groups
            if row_period == period
        ]
        common = []
        for ids in zip(*paths, strict=False):
            if len(set(ids)) > 1:
                break
            common.append(int(ids[0]))
        return period.id, common[-1] if common else False

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    def _get_scorecard_domain(self, with_template=True):
        self.ensure_one()
        operator = "child_of" if self.include_sub_departments else "="
        domain = [
            ("period_id", "=", self.period_id.id),
            ("company_id", "=", self.company_id.id),
            ("department_id", operator, self.department_id.id),
        ]
        if with_template:
            domain.append(("template_id", "=", self.template_id.id))
        return domain

    @api.depends("period_id", "department_id", "include_sub_departments")
    def _compute_template_id(self):
        """The template most of the department's scorecards use."""
        for wizard in self:
            if not (wizard.period_id and wizard.department_id):
                continue
            groups = self.env["performance.scorecard"]._read_group(
                wizard._get_scorecard_domain(with_template=False),
                ["template_id"],
                ["__count"],
                order="__count desc",
                limit=1,
            )
            wizard.template_id = groups[0][0] if groups else False

    @api.depends("period_id", "department_id", "include_sub_departments", "template_id")
    def _compute_line_ids(self):
        for wizard in self:
            commands = [Command.clear()]
            if wizard.period_id and wizard.department_id and wizard.template_id:
                cards = self.env["performance.scorecard"].search(
                    wizard._get_scorecard_domain(), order="total_score desc, id"
                )
                bands = {band.name: band for band in wizard.template_id.band_ids}
                commands += [
                    Command.create(
                        {
                            "scorecard_id": card.id,
                            "band_id": bands.get(card.rating, False)
                            and bands[card.rating].id,
                        }
                    )
                    for card in cards
                ]
            wizard.line_ids = commands

    @api.depends("line_ids.band_id", "template_id")
    def _compute_distribution(self):
        for wizard in self:
            lines = wizard.line_ids
            wizard.change_count = len(lines.filtered("changed"))
            wizard.early_count = len(
                lines.filtered(lambda line: line.state in EARLY_STATES)
            )
            bands = wizard.template_id.band_ids
            if not bands or not lines:
                wizard.distribution = False
                continue
            before = Counter(lines.mapped("current_rating"))
            after = Counter(line.band_id.name for line in lines if line.band_id)
            total = len(lines)
            rows = []
            for band in bands:
                share_before = 100.0 * before[band.name] / total
                share_after = 100.0 * after[band.name] / total
                gap = share_after - band.guideline_pct
                off = bool(band.guideline_pct) and abs(gap) > GAP_POINTS
                rows.append(
                    Markup(
                        "<tr><td>%s</td><td class='text-end'>%s</td>"
                        "<td class='text-end'>%s (%s %%)</td>"
                        "<td class='text-end'>%s (%s %%)</td>"
                        "<td class='text-end %s'>%s</td></tr>"
                    )
                    % (
                        band.name,
                        f"{band.guideline_pct:.0f} %",
                        before[band.name],
                        f"{share_before:.0f}",
                        after[band.name],
                        f"{share_after:.0f}",
                        "text-danger fw-bold" if off else "",
                        f"{gap:+.0f}" if band.guideline_pct else "",
                    )
                )
            wizard.distribution = Markup(
                "<table class='table table-sm o_performance_calibration'>"
                "<thead><tr><th>%s</th><th class='text-end'>%s</th>"
                "<th class='text-end'>%s</th><th class='text-end'>%s</th>"
                "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
            ) % (
                _("Rating"),
                _("Guideline"),
                _("Now"),
                _("After Calibration"),
                _("Gap (points)"),
                Markup("").join(rows),
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_apply(self):
        """Write every changed rating with its comment on its scorecard. A
        change without a comment, or on a frozen scorecard, stops everything."""
        self.ensure_one()
        changed = self.line_ids.filtered("changed")
        if not changed:
            raise UserError(_("No rating was changed."))
        silent = changed.filtered(lambda line: not (line.comment or "").strip())
        if silent:
            raise UserError(
                _(
                    "Explain each changed rating in a comment: %(names)s.",
                    names=", ".join(silent.scorecard_id.mapped("display_name")),
                )
            )
        frozen = changed.filtered(lambda line: line.scorecard_id.frozen)
        if frozen:
            raise UserError(
                _(
                    "The scorecard %(card)s is approved and frozen: HR can reopen it.",
                    card=frozen[0].scorecard_id.display_name,
                )
            )
        for line in changed:
            card = line.scorecard_id
            before = card.rating
            rating = line.band_id.name
            comment = line.comment.strip()
            # Back to the computed rating: the override goes.
            card.write(
                {
                    "rating_override": rating
                    if rating != card.computed_rating
                    else False,
                    "calibration_comment": comment,
                }
            )
            card.message_post(
                body=_(
                    "Rating calibrated from %(before)s to %(after)s: %(comment)s",
                    before=before or "-",
                    after=rating,
                    comment=comment,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "%(count)s ratings calibrated in %(department)s.",
                    count=len(changed),
                    department=self.department_id.display_name,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }


class PerformanceCalibrationLine(models.TransientModel):
    _name = "performance.calibration.line"
    _description = "Department Rating Calibration Line"
    _order = "total_score desc, id"

    calibration_id = fields.Many2one(
        "performance.calibration", required=True, ondelete="cascade"
    )
    scorecard_id = fields.Many2one(
        "performance.scorecard", required=True, ondelete="cascade"
    )
    employee_id = fields.Many2one(related="scorecard_id.employee_id")
    user_id = fields.Many2one(related="scorecard_id.user_id")
    department_id = fields.Many2one(related="scorecard_id.department_id")
    job_id = fields.Many2one(related="scorecard_id.job_id")
    state = fields.Selection(related="scorecard_id.state")
    frozen = fields.Boolean(related="scorecard_id.frozen")
    total_score = fields.Float(related="scorecard_id.total_score", store=True)
    computed_rating = fields.Char(related="scorecard_id.computed_rating")
    current_rating = fields.Char(related="scorecard_id.rating", string="Rating Now")
    previous_comment = fields.Text(
        related="scorecard_id.calibration_comment", string="Last Comment"
    )
    template_id = fields.Many2one(related="calibration_id.template_id")
    band_id = fields.Many2one(
        "performance.rating.band",
        string="Calibrated Rating",
        domain="[('template_id', '=', template_id)]",
    )
    comment = fields.Text(help="Why the rating changes: kept on the scorecard.")
    changed = fields.Boolean(compute="_compute_changed")

    @api.depends("band_id", "current_rating")
    def _compute_changed(self):
        for line in self:
            line.changed = bool(line.band_id) and line.band_id.name != (
                line.current_rating or ""
            )
