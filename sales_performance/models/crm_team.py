from odoo import Command, api, fields, models

from ..tools.week import plan_deadline
from .res_groups import ACCESS_PARAM

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class CrmTeam(models.Model):
    _inherit = "crm.team"

    # The weekly rhythm (models/performance_week_plan.py)
    performance_plan_kpi_ids = fields.Many2many(
        "performance.kpi",
        "crm_team_performance_plan_kpi_rel",
        string="Week Plan KPIs",
        domain="[('kind', '!=', 'manual')]",
        help="The KPIs each member plans every week. Without any, the team "
        "makes no week plans.",
    )
    performance_plan_deadline_day = fields.Selection(
        WEEKDAYS,
        string="Week Plan Due On",
        default="0",
        required=True,
        help="The day of the week by which members submit their plan.",
    )
    performance_plan_deadline_hour = fields.Float(
        string="Week Plan Due At",
        default=12.0,
        help="The hour of that day, in the member's time zone.",
    )
    performance_report_day = fields.Selection(
        WEEKDAYS,
        string="Week Report On",
        default="4",
        required=True,
        help="The day of the week from which the week's report is built and "
        "mailed to the members and the leader.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        teams._performance_grant_leader_level()
        return teams

    def write(self, vals):
        result = super().write(vals)
        if vals.get("user_id"):
            self._performance_grant_leader_level()
        return result

    def _performance_grant_leader_level(self):
        """Give the team leaders the Team Leader level while the access
        follows Odoo's roles: the leader is named on the team, not by a
        group, and approves its members' work from the first day."""
        # sudo: reading a system parameter; any sales user may lead a team.
        if not self.env["ir.config_parameter"].sudo().get_param(ACCESS_PARAM):
            return
        level = self.env.ref("sales_performance.group_performance_manager")
        # sudo: naming a team's leader is what grants the level; the person
        # naming them need not manage users.
        leaders = self.sudo().user_id.filtered(
            lambda user: not user.share and level not in user.groups_id
        )
        if leaders:
            leaders.write({"groups_id": [Command.link(level.id)]})

    def _get_plan_deadline(self, week, user):
        """When ``user`` submits their plan of ``week``, in their time zone."""
        self.ensure_one()
        return plan_deadline(
            week.date_start,
            int(self.performance_plan_deadline_day),
            self.performance_plan_deadline_hour,
            user.tz,
        )
