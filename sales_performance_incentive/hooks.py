from odoo.addons.sales_performance.hooks import (
    drop_raw_indexes,
    empty_module_tables,
    remove_module_activities,
)

# Made in ``incentive.credit.init()`` on ``account_move``, which Odoo keeps.
RAW_INDEXES = ("account_move_incentive_credit_user_index",)


def _uninstall_hook(env):
    """Drop the index Odoo does not track and empty the addon's tables before
    its data records are deleted (see ``empty_module_tables``)."""
    drop_raw_indexes(env, RAW_INDEXES)
    remove_module_activities(env, "sales_performance_incentive")
    empty_module_tables(env, "sales_performance_incentive")
