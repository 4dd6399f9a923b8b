"""Batch storage of values computed by the suite (actuals, targets of
scorecard lines): thousands of records at a period close."""

from collections import defaultdict

from odoo.tools import SQL


def store_values(model, field_name, values):
    """Store ``values`` ({record id: value}) in the plain stored field
    ``field_name`` of ``model``, in one batch.

    What ``write`` does for such a field, without a ``write`` call per record:
    the values go to the cache as dirty and what depends on them is marked to
    recompute; the next flush writes them with one UPDATE per batch of rows.
    For values the suite derives itself (never typed in, not tracked, not
    checked): ``write`` stays the path of everything a person enters.
    """
    field = model._fields[field_name]
    records = model.browse(list(values))
    changed = {}
    for record in records:
        value = field.convert_to_cache(values[record.id], record)
        if value != record[field_name]:
            changed[record.id] = value
    if not changed:
        return
    records = model.browse(list(changed))
    model.env.cache.update(records, field, list(changed.values()), dirty=True)
    records.modified([field_name])


# Plain columns written as they are: no translation, no per-company value.
PLAIN_TYPES = frozenset(
    {
        "boolean",
        "integer",
        "float",
        "monetary",
        "char",
        "selection",
        "date",
        "datetime",
        "many2one",
    }
)


def flush_rows(records):
    """Write what is pending on ``records`` (their stored fields still to
    compute included) with one UPDATE per set of changed columns.

    The ORM's flush sends one UPDATE per 100 rows: at a close, the query
    count would grow with the number of targets or lines. The statement is
    the one the ORM writes (``UPDATE ... FROM (VALUES ...)``, write date and
    author set), for all rows at once. Pending values of other records and
    models, and of fields that are not plain columns, are left to the ORM's
    own flush.
    """
    if not records:
        return
    records._recompute_recordset()
    env = records.env
    model = env(context={})[records._name]
    cache = env.cache
    ours = set(records._ids)
    pending = {}
    for field in list(cache.get_dirty_fields()):
        if (
            field.model_name != model._name
            or field.type not in PLAIN_TYPES
            or not field.store
            or not field.column_type
            or field.translate
            or field.company_dependent
            or (model._parent_store and field.name == model._parent_name)
        ):
            continue
        ids = [id_ for id_ in cache.get_dirty_records(model, field)._ids if id_ in ours]
        if ids:
            pending[field] = ids
    if not pending:
        return
    columns_of = defaultdict(dict)
    for field, ids in pending.items():
        for id_ in ids:
            record = model.browse(id_)
            columns_of[id_][field.name] = field.convert_to_column_update(
                cache.get(record, field), record
            )
    if model._log_access:
        now = env.cr.now()
        for columns in columns_of.values():
            columns.update(write_uid=env.uid, write_date=now)
    updates = defaultdict(list)
    for id_, columns in columns_of.items():
        names, row = zip(*sorted(columns.items()), strict=True)
        updates[names].append((id_, *row))
    for names, rows in updates.items():
        env.execute_query(
            SQL(
                """
                UPDATE %(table)s
                   SET %(assignments)s
                  FROM (VALUES %(values)s) AS "__tmp"("id", %(columns)s)
                 WHERE %(table)s."id" = "__tmp"."id"
                """,
                table=SQL.identifier(model._table),
                assignments=SQL(", ").join(
                    SQL(
                        '%s = "__tmp".%s::%s',
                        SQL.identifier(name),
                        SQL.identifier(name),
                        SQL(model._fields[name].column_type[1]),
                    )
                    for name in names
                ),
                values=SQL(", ").join(rows),
                columns=SQL(", ").join(SQL.identifier(name) for name in names),
            )
        )
    # The rows are written: their values stay in the cache, no longer
    # pending; what other records still have pending stays so.
    for field, ids in pending.items():
        written = set(ids)
        rest = [id_ for id_ in cache.clear_dirty_field(field) if id_ not in written]
        if rest:
            others = model.browse(rest)
            cache.update_raw(
                others, field, [cache.get(other, field) for other in others], dirty=True
            )
