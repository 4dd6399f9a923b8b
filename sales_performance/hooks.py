from .models.res_groups import ACCESS_PARAM


def _post_init_hook(env):
    """Give the users already in the database the levels of their Odoo sales
    roles (see ``res.groups._get_performance_role_map``) and the sales team
    leaders the Team Leader level, and keep doing so for new users until the
    setting is turned off."""
    env["ir.config_parameter"].set_param(ACCESS_PARAM, True)
    env["res.groups"]._performance_sync_role_map(True)
    env["crm.team"].search([])._performance_grant_leader_level()
