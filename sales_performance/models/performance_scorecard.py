from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

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
# Who a review stage waits on, by its ``responsible``.
STAGE_RESPONSIBLES = {
    "employee": "_get_salesperson",
    "manager": "_get_manager_reviewer",
    "hr": "_get_hr_user",
}


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
        return True

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

    # ------------------------------------------------------------
    # Review
    # ------------------------------------------------------------

    def action_submit(self):
        """The salesperson hands their self review to their team leader."""
        for card in self:
            card._check_state("self_review")
            if card.user_id != self.env.user:
                raise AccessError(
                    _(
                        "Only %(user)s can submit this self review.",
                        user=card.user_id.name,
                    )
                )
        self._move_to("manager_review")
        return True

    def action_approve(self):
        """Manager review hands over to HR calibration, which approves."""
        for card in self:
            card._check_state("manager_review", "hr_calibration")
            card._check_reviewer()
        for_hr = self.filtered(lambda card: card.state == "manager_review")
        for_hr._move_to("hr_calibration")
        approved = self - for_hr
        if approved:
            today = fields.Date.context_today(self)
            for card in approved:
                card.sudo().write(
                    {
                        "approved_rating": card.computed_rating,
                        "approved_date": today,
                        "appeal_deadline": today
                        + timedelta(days=card.template_id.appeal_days),
                    }
                )
            approved._move_to("approved")
        return True

    def action_refuse(self, reason=None):
        """Send back one step, with a reason."""
        if not reason:
            return self._open_reason_wizard("refuse")
        back = {"manager_review": "self_review", "hr_calibration": "manager_review"}
        for card in self:
            card._check_state(*back)
            card._check_reviewer()
        for card in self:
            card.sudo().refuse_reason = reason
            card._move_to(
                back[card.state], note=_("Sent back: %(reason)s", reason=reason)
            )
        return True

    def action_reopen(self, reason=None):
        """HR reopens an approved scorecard for calibration."""
        if not reason:
            return self._open_reason_wizard("reopen")
        self._check_hr()
        for card in self:
            card._check_state("approved")
        self._move_to("hr_calibration", note=_("Reopened: %(reason)s", reason=reason))
        return True

    def action_appeal(self, reason=None):
        """The salesperson appeals an approved scorecard inside the window."""
        if not reason:
            return self._open_reason_wizard("appeal")
        today = fields.Date.context_today(self)
        for card in self:
            card._check_state("approved")
            if card.user_id != self.env.user:
                raise AccessError(_("Only the salesperson can appeal their scorecard."))
            if today > card.appeal_deadline:
                raise UserError(
                    _(
                        "The appeal window of %(card)s closed on %(date)s.",
                        card=card.display_name,
                        date=card.appeal_deadline,
                    )
                )
        self.sudo().write({"appeal_reason": reason, "appeal_outcome": False})
        self._move_to("appeal", note=_("Appeal: %(reason)s", reason=reason))
        return True

    def action_resolve_appeal(self, outcome, note, rating=None):
        """HR upholds the appeal (with a new rating) or rejects it."""
        self._check_hr()
        if outcome not in ("upheld", "rejected") or not note:
            raise UserError(_("Give the outcome of the appeal and explain it."))
        if outcome == "upheld" and not rating:
            raise UserError(_("An upheld appeal sets the new rating."))
        for card in self:
            card._check_state("appeal")
        vals = {"appeal_outcome": outcome}
        if outcome == "upheld":
            vals.update(rating_override=rating, calibration_comment=note)
        self.sudo().write(vals)
        self._move_to("approved")
        for card in self:
            card.message_post(
                body=_(
                    "Your appeal was %(outcome)s: %(note)s",
                    outcome=card._get_selection_label("appeal_outcome", outcome),
                    note=note,
                ),
                partner_ids=card.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def _flush_before_lock(self):
        # Scores computed at creation are pending on the lines too.
        flush_rows(self.line_ids)
        return super()._flush_before_lock()

    def _check_reviewer(self):
        """The person acting now is the one the step waits on, never the
        salesperson scored."""
        self.ensure_one()
        user = self.env.user
        if self.user_id == user:
            raise AccessError(_("Nobody approves or refuses their own scorecard."))
        if self.state == "manager_review" and (
            user == self._get_responsible_for_approval()
            or user.has_group("sales_performance.group_performance_hr")
        ):
            return
        if self.state == "hr_calibration":
            self._check_hr()
            return
        raise AccessError(
            _(
                "The scorecard %(card)s waits on %(user)s.",
                card=self.display_name,
                user=self._get_waiting_on().name,
            )
        )

    def _check_hr(self):
        if not self.env.user.has_group("sales_performance.group_performance_hr"):
            raise AccessError(_("Only HR officers can do this."))

    def _open_reason_wizard(self, action):
        return {
            "type": "ir.actions.act_window",
            "name": _("Give a reason"),
            "res_model": "performance.scorecard.reason",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_scorecard_ids": self.ids,
                "default_action": action,
            },
        }

    # ------------------------------------------------------------
    # Activities
    # ------------------------------------------------------------

    def _get_state_activities(self):
        """The review stages (configurable data) say who each step waits
        on."""
        stages = self.env["performance.review.stage"].search([])
        return {
            stage.state: (stage.activity_type_id, STAGE_RESPONSIBLES[stage.responsible])
            for stage in stages
        }

    def _get_state_activity_vals(self, state):
        stage = self.env["performance.review.stage"].search(
            [("state", "=", state)], limit=1
        )
        today = fields.Date.context_today(self)
        return {
            "summary": stage.name,
            "date_deadline": today + timedelta(days=stage.deadline_days),
        }

    def _get_salesperson(self):
        self.ensure_one()
        return self.user_id

    def _get_manager_reviewer(self):
        """The approver, else the HR officer."""
        self.ensure_one()
        return self._get_responsible_for_approval() or self._get_hr_user()

    def _get_hr_user(self):
        self.ensure_one()
        hr_group = self.env.ref("sales_performance.group_performance_hr")
        users = hr_group.users.filtered(lambda u: self.company_id in u.company_ids)
        return self.company_id.performance_hr_user_id or users.sorted("id")[:1]
