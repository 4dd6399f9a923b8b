from odoo import fields, models, tools


class PerformanceHome(models.Model):
    """*My Performance*: each user's home, one row per user (its id is the
    user's), read under the user's own rights. A view over ``res_users``
    rather than a form of ``res.users`` itself: the web client describes
    the model of every form it opens, and describing ``res.users`` works
    out every group of the database (its group fields) on each page load.
    The figures are the user's (``res.users``' ``performance_*`` fields,
    computed as the user); other addons add theirs the same way."""

    _name = "performance.home"
    _description = "My Performance"
    _auto = False
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", readonly=True)
    performance_target_ids = fields.Many2many(
        related="user_id.performance_target_ids", related_sudo=False
    )
    performance_proposal_ids = fields.Many2many(
        related="user_id.performance_proposal_ids", related_sudo=False
    )
    performance_scorecard_id = fields.Many2one(
        related="user_id.performance_scorecard_id", related_sudo=False
    )
    performance_scorecard_score = fields.Float(
        related="user_id.performance_scorecard_score", related_sudo=False
    )
    performance_scorecard_rating = fields.Char(
        related="user_id.performance_scorecard_rating", related_sudo=False
    )
    performance_scorecard_state = fields.Selection(
        related="user_id.performance_scorecard_state", related_sudo=False
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            "CREATE VIEW performance_home AS SELECT id, id AS user_id FROM res_users"
        )

    def action_open_my_scorecard(self):
        self.ensure_one()
        return self.user_id.action_open_my_scorecard()
