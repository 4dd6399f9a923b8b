from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare

from .batch import flush_rows, store_values
from .performance_review_stage import REVIEW_STATES

# What a person may write directly; everything else moves through the
# action_* methods (which write as superuser once they have checked who acts)
# or through action_compute.
PERSON_FIELDS = {
    "self_review",
    "manager_comment",
    "rating_override",
    "calibration_comment",
    "line_ids",
}
FROZEN_STATES = ("approved", "appeal")
# Submitted and not yet approved: a reviewer reads the figures.
REVIEWED_STATES = ("manager_review", "hr_calibration")


class PerformanceScorecard(models.Model):
    _name = "performance.scorecard"
    _description = "Scorecard"
    _inherit = ["performance.workflow.mixin"]
    _order = "period_id desc, user_id, id"
    _check_company_auto = True

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    template_id = fields.Many2one(
        "performance.scorecard.template",
        required=True,
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    period_id = fields.Many2one(
        "performance.period", required=True, index=True, check_company=True
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", required=True, index=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        index=True,
    )
    manager_id = fields.Many2one(
        "res.users", string="Team Leader", related="team_id.user_id", store=True
    )
    line_ids = fields.One2many(
        "performance.scorecard.line", "scorecard_id", string="KPIs", copy=True
    )

    # Result
    total_score = fields.Float(
        compute="_compute_total", store=True, digits=(16, 2), aggregator="avg"
    )
    computed_rating = fields.Char(compute="_compute_total", store=True)
    rank = fields.Integer(
        compute="_compute_rank",
        help="The place of this total score among the scorecards of the same "
        "period and sales team: 1 for the highest, equal scores share a place.",
    )
    rating_override = fields.Char(
        string="Calibrated Rating", tracking=True, help="Set by HR calibration."
    )
    calibration_comment = fields.Text(tracking=True)
    approved_rating = fields.Char(readonly=True, copy=False)
    rating = fields.Char(compute="_compute_rating", store=True, index=True)
    rating_legend = fields.Char(
        related="template_id.rating_legend", string="Rating Bands"
    )
    computed_date = fields.Datetime(string="Computed On", readonly=True)

    # Review
    state = fields.Selection(
        REVIEW_STATES, default="draft", required=True, tracking=True, index=True
    )
    frozen = fields.Boolean(compute="_compute_frozen", store=True)
    self_review = fields.Text(tracking=True)
    manager_comment = fields.Text(tracking=True)
    refuse_reason = fields.Char(readonly=True, tracking=True)
    approved_date = fields.Date(readonly=True, copy=False)
    appeal_deadline = fields.Date(readonly=True, copy=False)
    appeal_reason = fields.Text(readonly=True, copy=False, tracking=True)
    appeal_outcome = fields.Selection(
        [("upheld", "Upheld"), ("rejected", "Rejected")],
        readonly=True,
        copy=False,
        tracking=True,
    )

    _sql_constraints = [
        (
            "user_period_unique",
            "UNIQUE(template_id, period_id, user_id)",
            "A salesperson has one scorecard per template and period.",
        ),
    ]

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("user_id")
    def _compute_team_id(self):
        for card in self:
            card.team_id = card.team_id or card.user_id.sale_team_id

    @api.depends("period_id", "user_id")
    def _compute_display_name(self):
        for card in self:
            card.display_name = " · ".join(
                filter(None, [card.user_id.name, card.period_id.name])
            )

    @api.depends(
        "line_ids.weighted_score",
        "template_id.band_ids.min_score",
        "template_id.band_ids.max_score",
        "template_id.band_ids.name",
    )
    def _compute_total(self):
        for card in self:
            card.total_score = sum(card.line_ids.mapped("weighted_score"))
            card.computed_rating = card.template_id._get_rating(card.total_score)

    def _compute_rank(self):
        """One window query for all these scorecards: each is ranked among
        every scorecard of its period and team, also those the reader may not
        open, so that a leader and a rep read the same place."""
        cards = self.filtered("id")
        self.flush_model(["period_id", "team_id", "total_score"])
        rows = (
            self.env.execute_query(
                SQL(
                    """
                SELECT ranked.id, ranked.rank
                  FROM (
                    SELECT card.id,
                           RANK() OVER (
                               PARTITION BY card.period_id, card.team_id
                               ORDER BY card.total_score DESC NULLS LAST
                           ) AS rank
                      FROM performance_scorecard card
                     WHERE EXISTS (
                        SELECT 1
                          FROM performance_scorecard mine
                         WHERE mine.id IN %s
                           AND mine.period_id = card.period_id
                           AND mine.team_id IS NOT DISTINCT FROM card.team_id
                     )
                  ) ranked
                 WHERE ranked.id IN %s
                    """,
                    tuple(cards.ids),
                    tuple(cards.ids),
                )
            )
            if cards
            else []
        )
        ranks = dict(rows)
        for card in self:
            card.rank = ranks.get(card.id, 0)

    @api.depends("computed_rating", "rating_override", "approved_rating", "frozen")
    def _compute_rating(self):
        for card in self:
            live = card.approved_rating if card.frozen else card.computed_rating
            card.rating = card.rating_override or live

    @api.depends("state")
    def _compute_frozen(self):
        for card in self:
            card.frozen = card.state in FROZEN_STATES

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        if not self.env.su:
            self._check_person_write(vals)
        return super().write(vals)

    def _check_person_write(self, vals):
        self.check_access("write")
        forbidden = set(vals) - PERSON_FIELDS - {"activity_ids", "message_ids"}
        if forbidden:
            raise AccessError(
                _("Scorecards change through their review buttons, not by hand.")
            )
        frozen = self.filtered("frozen")
        if frozen:
            raise UserError(
                _(
                    "The scorecard %(card)s is approved and frozen: HR can reopen it.",
                    card=frozen[0].display_name,
                )
            )
        if "self_review" in vals and self.filtered(
            lambda c: c.user_id != self.env.user
        ):
            raise AccessError(_("Only the salesperson writes their self review."))
        if "manager_comment" in vals and (
            self.filtered(lambda c: c.user_id == self.env.user)
            or not self.env.user.has_group(
                "sales_performance.group_performance_manager"
            )
        ):
            raise AccessError(_("Only the reviewers comment on a scorecard."))
        if "rating_override" in vals:
            if not self.env.user.has_group("sales_performance.group_performance_hr"):
                raise AccessError(_("Only HR calibrates ratings."))
            if not vals.get("calibration_comment"):
                raise UserError(_("Explain the calibrated rating in a comment."))

    # ------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------

    def action_compute(self):
        """Refresh targets and actuals of these scorecards, in batch: one
        search of targets and one grouped query per KPI for each period and
        company, whatever the number of scorecards. Frozen ones are skipped.

        One source of actuals: a line whose salesperson has a target for its
        KPI takes the target's actual, refreshed here first (statements do
        the same), so that a scorecard, a target and a statement never show
        two values for one figure. Only lines without a target read their
        KPI directly, for the same dates."""
        self.check_access("read")
        # sudo: a score is derived from documents and targets, never typed in.
        cards = (
            self.sudo()
            .filtered(lambda card: not card.frozen)
            ._lock()
            .filtered(lambda card: not card.frozen)
        )
        reviewed = cards.filtered(lambda card: card.state in REVIEWED_STATES)
        before = reviewed._get_figures()
        groups = defaultdict(list)
        for card in cards:
            groups[(card.period_id, card.company_id)].append(card.id)
        for (period, company), ids in groups.items():
            batch = cards.browse(ids)
            lines = batch.line_ids
            users = batch.user_id
            targets = (
                self.env["performance.target"]
                .sudo()
                .search(
                    [
                        ("period_id", "=", period.id),
                        ("owner_type", "=", "user"),
                        ("user_id", "in", users.ids),
                        ("kpi_id", "in", lines.kpi_id.ids),
                    ]
                )
            )
            targets.action_compute()
            target_by_key = {(t.user_id, t.kpi_id): t for t in targets}
            untargeted = lines.browse(
                [
                    line.id
                    for line in lines
                    if line.kpi_id.kind != "manual"
                    and (line.scorecard_id.user_id, line.kpi_id) not in target_by_key
                ]
            )
            values = untargeted.kpi_id._get_values(
                period.date_start,
                period.date_end,
                "user",
                untargeted.scorecard_id.user_id.ids,
                company,
            )
            # Manual KPIs: the values entered for the period, where there is one.
            entered = self.env["performance.kpi.value"]._read_values(
                lines.kpi_id.filtered(lambda kpi: kpi.kind == "manual"),
                period.date_start,
                period.date_end,
                {"user": users.ids},
                company,
            )["user"]
            line_targets, line_actuals = {}, {}
            for line in lines:
                user = line.scorecard_id.user_id
                target = target_by_key.get((user, line.kpi_id))
                line_targets[line.id] = (
                    target._get_effective_target()
                    if target
                    else line.template_line_id.default_target
                )
                if line.kpi_id.kind == "manual":
                    if user.id in entered.get(line.kpi_id.id, {}):
                        line_actuals[line.id] = entered[line.kpi_id.id][user.id]
                    continue
                line_actuals[line.id] = (
                    target.actual if target else values[line.kpi_id.id][user.id]
                )
            store_values(lines, "target", line_targets)
            store_values(lines, "actual", line_actuals)
        store_values(
            cards, "computed_date", dict.fromkeys(cards.ids, fields.Datetime.now())
        )
        # Lines, then their scorecards' totals: one UPDATE each, not one per
        # hundred rows.
        flush_rows(cards.line_ids)
        flush_rows(cards)
        reviewed._log_changed_figures(before)
        return True

    def _flush_before_lock(self):
        # Scores computed at creation are pending on the lines too.
        flush_rows(self.line_ids)
        return super()._flush_before_lock()

    def _get_figures(self):
        """``{scorecard id: (total score, {line id: (KPI, score)})}``."""
        return {
            card.id: (
                card.total_score,
                {line.id: (line.kpi_id.name, line.score) for line in card.line_ids},
            )
            for card in self
        }

    def _log_changed_figures(self, before):
        """Reviews are not rewritten behind a reviewer's back: a refresh that
        changes the score of a scorecard under review says so in its
        chatter, old and new total and each line changed, in one batch."""
        bodies = {}
        for card_id, (total, new_lines) in self._get_figures().items():
            old_total, old_lines = before[card_id]
            if float_compare(old_total, total, precision_digits=2) == 0:
                continue
            body = Markup("<p>%s</p>") % _(
                "The refresh changed the figures under review: total score "
                "%(old).2f → %(new).2f.",
                old=old_total,
                new=total,
            )
            changes = [
                Markup("<li>%s</li>")
                % _(
                    "%(kpi)s: %(old).2f → %(new).2f",
                    kpi=kpi,
                    old=old_lines[line_id][1],
                    new=score,
                )
                for line_id, (kpi, score) in new_lines.items()
                if line_id in old_lines
                and float_compare(old_lines[line_id][1], score, precision_digits=2)
            ]
            if changes:
                body += Markup("<ul>%s</ul>") % Markup().join(changes)
            bodies[card_id] = body
        if bodies:
            self.browse(list(bodies))._message_log_batch(bodies, message_type="comment")

    # ------------------------------------------------------------
    # Followers, in batch
    # ------------------------------------------------------------

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """Inside a batch (context ``performance_pending_followers``, a set),
        the default subscriptions of partners are collected instead of
        written one record at a time (activity creation subscribes each
        assignee separately); ``_subscribe_pending`` writes them at once."""
        pending = self.env.context.get("performance_pending_followers")
        if pending is None or subtype_ids or not partner_ids:
            return super().message_subscribe(
                partner_ids=partner_ids, subtype_ids=subtype_ids
            )
        pending.update((card_id, pid) for card_id in self.ids for pid in partner_ids)
        return True

    def _message_auto_subscribe(self, updated_values, followers_existing_policy="skip"):
        # The salesperson (the only tracked user field) follows their
        # scorecard: collected with the rest in a batch.
        pending = self.env.context.get("performance_pending_followers")
        if pending is None:
            return super()._message_auto_subscribe(
                updated_values, followers_existing_policy=followers_existing_policy
            )
        user = self.env["res.users"].sudo().browse(updated_values.get("user_id"))
        if user.partner_id:
            pending.update((card_id, user.partner_id.id) for card_id in self.ids)
        return True

    @api.model
    def _subscribe_pending(self, pending):
        """Write the followers collected in ``pending`` ({(scorecard id,
        partner id)}) with Odoo's default subtypes (those of a customer for
        portal partners), skipping those already there: one search, one
        create."""
        if not pending:
            return
        Followers = self.env["mail.followers"].sudo()
        card_ids = {card_id for card_id, _pid in pending}
        partner_ids = {pid for _card_id, pid in pending}
        existing = Followers.search_fetch(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", list(card_ids)),
                ("partner_id", "in", list(partner_ids)),
            ],
            ["res_id", "partner_id"],
        )
        missing = pending - {(f.res_id, f.partner_id.id) for f in existing}
        if not missing:
            return
        default, _internal, external = self.env[
            "mail.message.subtype"
        ].default_subtypes(self._name)
        customers = set(
            self.env["res.partner"]
            .sudo()
            .search([("id", "in", list(partner_ids)), ("partner_share", "=", True)])
            .ids
        )
        Followers.create(
            [
                {
                    "res_model": self._name,
                    "res_id": card_id,
                    "partner_id": pid,
                    "subtype_ids": [
                        fields.Command.set(
                            (external if pid in customers else default).ids
                        )
                    ],
                }
                for card_id, pid in sorted(missing)
            ]
        )
