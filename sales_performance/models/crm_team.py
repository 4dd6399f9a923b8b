from odoo import Command, api, models

from .res_groups import ACCESS_PARAM


class CrmTeam(models.Model):
    _inherit = "crm.team"

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
