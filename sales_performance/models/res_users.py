from odoo import _, api, fields, models

from .performance_review_stage import REVIEW_STATES


class ResUsers(models.Model):
    _inherit = "res.users"

    performance_digest_date = fields.Date(
        string="Last Performance Digest",
        readonly=True,
        copy=False,
        help="Day the weekly performance digest was last sent to this user.",
    )
    # "My Performance": the salesperson's home, read under their own rights.
    performance_target_ids = fields.Many2many(
        "performance.target",
        string="Current Targets",
        compute="_compute_performance_home",
    )
    performance_proposal_ids = fields.Many2many(
        "performance.target.proposal",
        string="Targets to Agree",
        compute="_compute_performance_proposal_ids",
    )
    performance_scorecard_id = fields.Many2one(
        "performance.scorecard",
        string="Latest Scorecard",
        compute="_compute_performance_home",
    )
    performance_scorecard_score = fields.Float(
        string="Score", compute="_compute_performance_home"
    )
    performance_scorecard_rating = fields.Char(
        string="Rating", compute="_compute_performance_home"
    )
    performance_scorecard_state = fields.Selection(
        REVIEW_STATES, string="Review Step", compute="_compute_performance_home"
    )

    def _compute_performance_home(self):
        Target = self.env["performance.target"]
        Scorecard = self.env["performance.scorecard"]
        for user in self:
            user.performance_target_ids = Target.search(
                Target._get_current_domain() + [("user_id", "=", user.id)]
            )
            card = Scorecard.search(
                [("user_id", "=", user.id)], order="id desc", limit=1
            )
            user.performance_scorecard_id = card
            user.performance_scorecard_score = card.total_score
            user.performance_scorecard_rating = card.rating
            user.performance_scorecard_state = card.state

    def _compute_performance_proposal_ids(self):
        for user in self:
            user.performance_proposal_ids = self.env[
                "performance.target.proposal"
            ].search(
                [
                    ("user_id", "=", user.id),
                    ("round_id.state", "=", "open"),
                    ("state", "in", ("proposed", "countered")),
                ]
            )

    @api.model
    def action_open_my_performance(self):
        """The salesperson's own home (``performance.home``). It carries the
        id and path of the *My Performance* menu action, so that the web
        client shows the app's menu around it, also when it is the user's
        home action."""
        # sudo: only administrators read server actions; its path is public.
        home = self.env.ref("sales_performance.action_my_performance").sudo()
        return {
            "type": "ir.actions.act_window",
            "id": home.id,
            "path": home.path,
            "name": _("My Performance"),
            "res_model": "performance.home",
            "res_id": self.env.uid,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "sales_performance.res_users_view_form_my_performance"
                    ).id,
                    "form",
                )
            ],
            "target": "current",
        }

    def action_open_my_scorecard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Scorecard"),
            "res_model": "performance.scorecard",
            "res_id": self.performance_scorecard_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
