from odoo import Command, api, models

# Whether Odoo's sales roles grant the suite's access levels (see README.md,
# "Install on an existing database").
ACCESS_PARAM = "sales_performance.access_from_sales_roles"


class ResGroups(models.Model):
    _inherit = "res.groups"

    @api.model
    def _get_performance_role_map(self):
        """(Odoo role, Sales Performance level it implies) pairs, as xml ids.

        Each sales role implies the level of the same reach: a salesperson
        sees their own records, a user of all documents leads (the leader
        rules only open the teams they lead), and a sales administrator
        configures the suite as they configure Sales. Bridges add theirs.
        """
        return [
            (
                "sales_team.group_sale_salesman",
                "sales_performance.group_performance_user",
            ),
            (
                "sales_team.group_sale_salesman_all_leads",
                "sales_performance.group_performance_manager",
            ),
            (
                "sales_team.group_sale_manager",
                "sales_performance.group_performance_admin",
            ),
        ]

    @api.model
    def _performance_sync_role_map(self, enabled):
        """Make each mapped Odoo role imply its level, or stop it doing so.

        Implying a group grants it to the role's current users at once and
        to its future users through Odoo's own implied groups. Stopping
        takes no level away: what was granted stays, to be changed per user.
        """
        for role_xmlid, level_xmlid in self._get_performance_role_map():
            role = self.env.ref(role_xmlid, raise_if_not_found=False)
            level = self.env.ref(level_xmlid, raise_if_not_found=False)
            if not role or not level:
                continue
            if enabled:
                role._apply_group(level)
            elif level in role.implied_ids:
                role.write({"implied_ids": [Command.unlink(level.id)]})
