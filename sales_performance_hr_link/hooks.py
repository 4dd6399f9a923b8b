from odoo.addons.sales_performance.hooks import empty_module_tables


def _uninstall_hook(env):
    """Empty the addon's tables before its data records are deleted (see
    ``empty_module_tables``)."""
    empty_module_tables(env, "sales_performance_hr_link")
