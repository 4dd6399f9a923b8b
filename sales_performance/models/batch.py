"""Batch storage of values computed by the suite (actuals, targets of
scorecard lines): thousands of records at a period close."""


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
