from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    performance_inflation_tolerance = fields.Float(
        string="Target Inflation Tolerance (%)",
        default=5.0,
        help="Warn when the targets allocated to the children of a target add up "
        "to more than the target itself by more than this percentage.",
    )
    performance_pace_margin = fields.Float(
        string="Pace Margin (points)",
        default=10.0,
        help="A target is behind pace when its attainment is below the share of "
        "the period elapsed by more than this many percentage points, and ahead "
        "when it is above by more.",
    )
    performance_hr_user_id = fields.Many2one(
        "res.users",
        string="HR Reviewer",
        help="Receives the HR calibration and appeal steps of scorecards. "
        "Without one, the first HR officer of the company does.",
    )
    performance_coaching_weeks = fields.Integer(
        string="Coaching After (weeks)",
        default=3,
        help="A salesperson who misses the plan of the same KPI this many weeks "
        "in a row gets their team leader a coaching activity.",
    )
    performance_close_background_size = fields.Integer(
        string="Close in the Background Above",
        default=500,
        help="Periods with more salespeople than this close in the background, "
        "chunk by chunk, through a scheduled job; smaller ones close at once. "
        "0 always closes at once.",
    )
    performance_close_chunk_size = fields.Integer(
        string="Salespeople per Close Chunk",
        default=200,
        help="A background close computes this many salespeople per step, "
        "each step committed on its own.",
    )
    performance_kpis_reviewed = fields.Boolean(
        string="KPIs Reviewed",
        help="The administrator opened the KPIs from the setup checklist.",
    )

    @api.constrains("performance_close_background_size", "performance_close_chunk_size")
    def _check_performance_close_sizes(self):
        for company in self:
            if (
                company.performance_close_background_size < 0
                or company.performance_close_chunk_size < 1
            ):
                raise ValidationError(
                    _(
                        "The background close size cannot be negative and a "
                        "close chunk holds at least one salesperson."
                    )
                )

    def _get_performance_hr_officers(self, excluded=None):
        """The HR officers of this company but ``excluded`` (the salesperson
        a record is about), its HR reviewer first: who takes a step that the
        person it waits on cannot."""
        self.ensure_one()
        group = self.env.ref("sales_performance.group_performance_hr")
        # sudo: who is in a group, whoever asks.
        users = (
            group.sudo()
            .users.filtered(lambda user: self in user.company_ids)
            .sorted("id")
        )
        if excluded:
            users -= excluded
        first = self.performance_hr_user_id & users
        return first | (users - first)
