from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import formatLang

from ..tools import pace, scoring


def format_number(env, value):
    """``value`` as the reader's language writes it, with at most two
    decimals and none when it is whole: 1,250 · 42.5 · 3."""
    value = round(value, 2)
    if float(value).is_integer():
        return formatLang(env, value, digits=0)
    text = formatLang(env, value, digits=2)
    decimal_point = env["res.lang"]._get_data(code=env.lang or "en_US").decimal_point
    return text.rstrip("0").rstrip(decimal_point) if decimal_point in text else text


class PerformanceScorecardLine(models.Model):
    _name = "performance.scorecard.line"
    _description = "Scorecard KPI"
    _order = "scorecard_id, sequence, id"

    scorecard_id = fields.Many2one(
        "performance.scorecard", required=True, index=True, ondelete="cascade"
    )
    template_line_id = fields.Many2one(
        "performance.scorecard.template.line", ondelete="set null"
    )
    sequence = fields.Integer(default=10)
    kpi_id = fields.Many2one("performance.kpi", string="KPI", required=True)
    kpi_unit = fields.Selection(related="kpi_id.unit")
    # Copied from the template when the scorecard is made, with the curve, so
    # that an approved scorecard keeps its scores whatever changes later.
    is_manual = fields.Boolean(readonly=True)
    higher_is_better = fields.Boolean(readonly=True, default=True)
    weight = fields.Float(required=True)
    threshold = fields.Float(required=True)
    target_point = fields.Float(required=True)
    cap = fields.Float(required=True)
    max_score = fields.Float(required=True)

    target = fields.Float()
    actual = fields.Float()
    attainment = fields.Float(
        string="Attainment (%)", compute="_compute_score", store=True, digits=(16, 2)
    )
    score = fields.Float(compute="_compute_score", store=True, digits=(16, 2))
    weighted_score = fields.Float(compute="_compute_score", store=True, digits=(16, 2))
    curve_text = fields.Char(
        string="Scoring Curve",
        compute="_compute_curve_text",
        help="Below the threshold the KPI scores 0; it scores 100 at the target "
        "point and its highest score at the cap, in percent of the target.",
    )

    @api.depends(
        "target",
        "actual",
        "weight",
        "threshold",
        "target_point",
        "cap",
        "max_score",
        "higher_is_better",
    )
    def _compute_score(self):
        for line in self:
            ratio = line.actual / line.target * 100.0 if line.target else 0.0
            line.attainment = pace.attainment(
                line.actual, line.target, line.higher_is_better
            )
            line.score = scoring.score(ratio, *line._get_curve())
            line.weighted_score = line.score * line.weight / 100.0

    @api.depends("threshold", "target_point", "cap", "max_score", "higher_is_better")
    @api.depends_context("lang")
    def _compute_curve_text(self):
        for line in self:
            points = {
                "threshold": format_number(line.env, line.threshold),
                "target": format_number(line.env, line.target_point),
                "cap": format_number(line.env, line.cap),
                "max_score": format_number(line.env, line.max_score),
            }
            if line.higher_is_better:
                line.curve_text = _(
                    "Scores from %(threshold)s %% · full at %(target)s %% · "
                    "capped at %(cap)s %% (score %(max_score)s)",
                    **points,
                )
            else:
                line.curve_text = _(
                    "Scores below %(threshold)s %% · full at %(target)s %% · "
                    "capped at %(cap)s %% (score %(max_score)s)",
                    **points,
                )

    @api.constrains("threshold", "target_point", "cap", "max_score", "higher_is_better")
    def _check_curve(self):
        for line in self:
            try:
                scoring.check_curve(*line._get_curve())
            except scoring.CurveError as error:
                raise ValidationError(
                    _(
                        "The scoring curve of %(kpi)s is out of order.",
                        kpi=line.kpi_id.name,
                    )
                ) from error

    def _get_curve(self):
        """This line's scoring curve, as the functions of ``scoring`` take
        it: threshold, target, cap, highest score, higher is better."""
        self.ensure_one()
        return (
            self.threshold,
            self.target_point,
            self.cap,
            self.max_score,
            self.higher_is_better,
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(_("Scorecard lines come from their template."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_person_write(vals)
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            raise AccessError(_("Scorecard lines come from their template."))
        return super().unlink()

    def _check_person_write(self, vals):
        self.check_access("write")
        if set(vals) - {"actual"}:
            raise AccessError(_("Only the actual of a manual KPI is entered by hand."))
        frozen = self.scorecard_id.filtered("frozen")
        if frozen:
            raise UserError(
                _(
                    "The scorecard %(card)s is approved and frozen: HR can reopen it.",
                    card=frozen[0].display_name,
                )
            )
        computed = self.filtered(lambda line: not line.is_manual)
        if computed:
            raise UserError(
                _(
                    "%(kpi)s is computed from documents: its actual cannot be "
                    "typed in.",
                    kpi=computed[0].kpi_id.name,
                )
            )
        if self.scorecard_id.filtered(lambda card: card.user_id == self.env.user):
            raise AccessError(_("Nobody scores their own scorecard."))
