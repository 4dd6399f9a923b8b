#!/usr/bin/env python3
"""Upgrade check: updating the suite's addons loses or alters no data.

Works on a copy of the database (DB_upgrade, with its filestore), dropped when
the check passes and kept for inspection when it fails:
1. adds, next to the demo data, a record in each workflow state the demo data
   lacks (setup/upgrade_fixture.py, run through ``odoo shell``);
2. takes a snapshot of every table of the suite (the tables of its models and
   their relation tables, named performance_* and incentive_*) and of the
   suite's chatter messages, activities, followers and external ids: each row
   and an md5 of it, leaving out write_date and write_uid (an update rewrites
   the records of its data files without changing them);
3. runs ``python3 -m odoo -c CONF -d DB_upgrade -u ADDONS --stop-after-init``;
4. takes the snapshot again and fails with a readable list of what was lost,
   added or altered, table by table and row by row.

Usage: setup/upgrade_check.py --conf CONF --db DB --addons a,b,c --log LOG
                              [--copy NAME]
"""

import argparse
import configparser
import os
import re
import shutil
import subprocess
import sys
import time

import psycopg2
from psycopg2 import sql

SKIPPED_COLUMNS = {"write_date", "write_uid"}
SUITE_TABLE = re.compile(r"^(performance|incentive)_")
# Rows of Odoo's tables that belong to the suite's records.
LINKED = {
    "mail_message": "model",
    "mail_activity": "res_model",
    "mail_followers": "res_model",
    "ir_model_data": "model",
}
SUITE_MODEL = r"^(performance|incentive)\."
FIXTURE = "upgrade_fixture.py"
ROW_QUERY = sql.SQL("SELECT row_to_json(t)::text FROM {} t WHERE id = %s")


def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s "
        "ORDER BY ordinal_position",
        [table],
    )
    return [name for (name,) in cr.fetchall() if name not in SKIPPED_COLUMNS]


def _rows(cr, table, columns, where=None):
    """{key: md5 of the row}: the key is the id when the table has one, else
    the row itself (relation tables)."""
    selected = sql.SQL(", ").join(map(sql.Identifier, columns))
    if "id" in columns:
        key = sql.SQL("id::text")
    else:
        key = sql.SQL("ROW({})::text").format(selected)
    query = sql.SQL("SELECT {key}, md5(ROW({cols})::text) FROM {table} t").format(
        key=key,
        cols=selected,
        table=sql.Identifier(table),
    )
    params = []
    if where:
        query += sql.SQL(" WHERE {} ~ %s").format(sql.Identifier(where))
        params.append(SUITE_MODEL)
    cr.execute(query, params)
    return dict(cr.fetchall())


def snapshot(dsn):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cr:
        cr.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
        tables = sorted(name for (name,) in cr.fetchall() if SUITE_TABLE.match(name))
        result = {}
        for table in tables:
            columns = _columns(cr, table)
            result[table] = (columns, _rows(cr, table, columns))
        for table, model_column in LINKED.items():
            columns = _columns(cr, table)
            result[f"{table} (suite records)"] = (
                columns,
                _rows(cr, table, columns, where=model_column),
            )
    return result


def differences(before, after, dsn):
    """One line per table that changed, then up to 5 rows of each kind."""
    lines = []
    with psycopg2.connect(dsn) as conn, conn.cursor() as cr:
        for table in sorted(set(before) | set(after)):
            if table not in after:
                lines.append(f"{table}: table dropped ({len(before[table][1])} rows)")
                continue
            if table not in before:
                lines.append(f"{table}: new table ({len(after[table][1])} rows)")
                continue
            old, new = before[table][1], after[table][1]
            lost = sorted(set(old) - set(new))
            added = sorted(set(new) - set(old))
            altered = sorted(key for key in set(old) & set(new) if old[key] != new[key])
            if not (lost or added or altered):
                continue
            lines.append(
                f"{table}: {len(old)} -> {len(new)} rows; "
                f"{len(lost)} lost, {len(added)} added, {len(altered)} altered"
            )
            for label, keys in (("lost", lost), ("added", added), ("altered", altered)):
                for key in keys[:5]:
                    detail = key
                    if label != "lost" and key.isdigit():
                        plain = sql.Identifier(table.split(" ")[0])
                        cr.execute(ROW_QUERY.format(plain), [int(key)])
                        detail = f"id {key}: {cr.fetchone()[0][:400]}"
                    lines.append(f"  {label}: {detail}")
    return lines


def _copy_database(conf, db, copy):
    """Copy ``db`` and its filestore to ``copy`` (replaced if it exists)."""
    subprocess.run(["dropdb", "--if-exists", copy], check=True)
    subprocess.run(["createdb", "-T", db, copy], check=True)
    parser = configparser.ConfigParser()
    parser.read(conf)
    data_dir = parser.get("options", "data_dir", fallback="") or os.path.expanduser(
        "~/.local/share/Odoo"
    )
    source = os.path.join(data_dir, "filestore", db)
    target = os.path.join(data_dir, "filestore", copy)
    shutil.rmtree(target, ignore_errors=True)
    if os.path.isdir(source):
        shutil.copytree(source, target)
    return target


def _run(command, log, stdin=None):
    """Run an Odoo command from / (nothing in the work tree shadows odoo),
    its output appended to ``log``; return its exit status and output."""
    done = subprocess.run(
        command,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd="/",
        check=False,
    )
    with open(log, "a", encoding="utf-8") as out:
        out.write(done.stdout)
    return done.returncode, done.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conf", required=True, help="Odoo configuration file")
    parser.add_argument("--db", required=True, help="database, addons installed")
    parser.add_argument("--addons", required=True, help="comma-separated addons")
    parser.add_argument("--log", required=True, help="log file of the check")
    parser.add_argument("--copy", help="database updated (default: DB_upgrade)")
    args = parser.parse_args()
    copy = args.copy or f"{args.db}_upgrade"
    dsn = f"dbname={copy}"
    started = time.monotonic()
    open(args.log, "w", encoding="utf-8").close()

    filestore = _copy_database(args.conf, args.db, copy)
    odoo = [sys.executable, "-m", "odoo"]
    options = ["-c", args.conf, "-d", copy, "--log-level=warn"]
    fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), FIXTURE)
    with open(fixture, encoding="utf-8") as script:
        rc, output = _run([*odoo, "shell", *options, "--no-http"], args.log, script)
    added = [line for line in output.splitlines() if line.startswith("FIXTURE:")]
    if rc or not added:
        print(
            f"UPGRADE CHECK FAILED: the fixture failed on '{copy}' (log: {args.log})",
            file=sys.stderr,
        )
        return 1
    print(f"==> upgrade check on '{copy}', {added[0].lower()}")

    before = snapshot(dsn)
    rows = sum(len(rows) for _columns, rows in before.values())
    rc, output = _run(
        [*odoo, *options, "-u", args.addons, "--stop-after-init"], args.log
    )
    errors = [
        line
        for line in output.splitlines()
        if re.match(r"^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ", line)
    ]
    problems = []
    if rc:
        problems.append(f"odoo -u exited with status {rc} (log: {args.log})")
    if errors:
        problems.append(f"ERROR/CRITICAL lines in {args.log}:")
        problems.extend(f"  {line}" for line in errors[:20])
    after = snapshot(dsn)
    problems.extend(differences(before, after, dsn))
    elapsed = time.monotonic() - started
    if problems:
        print(
            f"UPGRADE CHECK FAILED: updating {args.addons} in '{copy}' (a copy of "
            f"'{args.db}', kept for inspection) lost or altered data (write_date "
            "and write_uid ignored):",
            file=sys.stderr,
        )
        print("\n".join(problems), file=sys.stderr)
        return 1
    subprocess.run(["dropdb", copy], check=True)
    shutil.rmtree(filestore, ignore_errors=True)
    print(
        f"==> upgrade check passed: -u {args.addons} kept {len(before)} tables "
        f"({rows} rows) unchanged in {elapsed:.0f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
