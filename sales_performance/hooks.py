from odoo.tools import SQL

from .models.res_groups import ACCESS_PARAM

# Indexes created in ``init()`` on tables the suite does not own: Odoo drops
# the suite's own tables and columns at uninstall, not these.
RAW_INDEXES = ("account_move_performance_first_invoice_index",)


def _post_init_hook(env):
    """Give the users already in the database the levels of their Odoo sales
    roles (see ``res.groups._get_performance_role_map``) and the sales team
    leaders the Team Leader level, and keep doing so for new users until the
    setting is turned off."""
    env["ir.config_parameter"].set_param(ACCESS_PARAM, True)
    env["res.groups"]._performance_sync_role_map(True)
    env["crm.team"].search([])._performance_grant_leader_level()


def _uninstall_hook(env):
    """Drop what Odoo does not track, and empty the suite's tables so that
    deleting its data records (KPIs, stages, rules) finds no row still
    pointing at them."""
    drop_raw_indexes(env, RAW_INDEXES)
    env["ir.config_parameter"].search(
        [("key", "=like", "sales_performance.%")]
    ).unlink()
    remove_module_activities(env, "sales_performance")
    empty_module_tables(env, "sales_performance")


def drop_raw_indexes(env, names):
    for name in names:
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))


def remove_module_activities(env, module):
    """Delete the to-dos of the activity types ``module`` defines: Odoo
    deletes the types with the module, and an activity still of that type
    would stop it."""
    types = env["ir.model.data"].search(
        [("module", "=", module), ("model", "=", "mail.activity.type")]
    )
    env["mail.activity"].with_context(active_test=False).search(
        [("activity_type_id", "in", types.mapped("res_id"))]
    ).unlink()


def empty_module_tables(env, module):
    """Delete every row of the tables of the models ``module`` creates, the
    rows that point at others first, before Odoo deletes the module's
    records one by one.

    The tables are dropped a moment later anyway; emptied first, no row of
    the user's (a target, a scorecard line) still references a KPI or a
    stage with a foreign key when Odoo deletes those, which would otherwise
    fail, be logged as an ERROR and be retried at the end.
    """
    cr = env.cr
    tables = set()
    for model in env.registry.values():
        if model._original_module != module or model._abstract or not model._auto:
            continue
        tables.add(model._table)
        for field in model._fields.values():
            if field.type == "many2many" and field.store and field.relation:
                tables.add(field.relation)
    cr.execute(
        SQL(
            """
            SELECT src.relname, dst.relname, att.attname, NOT att.attnotnull
              FROM pg_constraint con
              JOIN pg_class src ON src.oid = con.conrelid
              JOIN pg_class dst ON dst.oid = con.confrelid
              JOIN pg_attribute att
                ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
             WHERE con.contype = 'f'
               AND src.relname = ANY(%(tables)s)
               AND dst.relname = ANY(%(tables)s)
               AND src.relname != dst.relname
            """,
            tables=sorted(tables),
        )
    )
    links = cr.fetchall()
    while tables:
        referenced = {dst for src, dst, *_ in links if src in tables}
        free = tables - referenced
        if not free:
            # A cycle: cut it where a column may be empty, then go on.
            cut = [link for link in links if link[0] in tables and link[3]]
            if not cut:
                free = tables
            for src, _dst, column, _nullable in cut:
                cr.execute(
                    SQL(
                        "UPDATE %s SET %s = NULL",
                        SQL.identifier(src),
                        SQL.identifier(column),
                    )
                )
            links = [link for link in links if link not in cut]
        for table in sorted(free):
            cr.execute(SQL("DELETE FROM %s", SQL.identifier(table)))
        tables -= free
    env.invalidate_all()
