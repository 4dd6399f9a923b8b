#!/usr/bin/env python3
"""Uninstall check: the suite installs on a database already in use, leaves
nothing behind when uninstalled, and installs again.

On a database of its own (DB_adopt, dropped when the check passes and kept for
inspection when it fails):
1. copies DB_adopt_base, Odoo's apps the suite builds on without demo data
   (built on the first run, or with --rebuild-base, and kept: it does not
   depend on this repository), and adds what a company already on Odoo has
   (setup/adoption_fixture.py, through ``odoo shell``): salespeople with only
   Odoo's sales roles, a team and its leader, posted, paid, partly paid and
   refunded invoices;
2. takes a snapshot of the schema: every table, view, column, index and
   constraint, and the suite's external ids and system parameters;
3. installs the suite (no demo data), checks that the existing salespeople got
   their levels and that the paid amount is stored on every invoice;
4. uninstalls it and checks the schema is the snapshot again: no index,
   column, table or constraint of the suite left;
5. installs it again.
Every step fails on an ERROR or CRITICAL line in its log.

With --demo, also checks on a copy of DB (built with demo data) that
uninstalling and installing again keeps the demo data (slow: the demo data is
generated again).

Usage: setup/uninstall_check.py --conf CONF --db DB --addons a,b,c --log LOG
                                [--demo]
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
from upgrade_check import _copy_database

BASE_APPS = "crm,sale_management,account,hr,hr_holidays"
FIXTURE = "adoption_fixture.py"
ERROR_LINE = re.compile(r"^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ")
UNINSTALL = (
    "env['ir.module.module'].search([('name', '=', 'sales_performance')])"
    ".button_immediate_uninstall()\n"
    "env.cr.commit()\n"
)
DEMO_KEPT = re.compile(
    r'bad query: b.DELETE FROM "(res_partner|res_users|hr_employee|product_product'
    r'|product_template)"'
)
SCHEMA_QUERIES = {
    "table": "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = current_schema()",
    "column": "SELECT table_name || '.' || column_name "
    "FROM information_schema.columns WHERE table_schema = current_schema()",
    "index": "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()",
    "constraint": "SELECT conname FROM pg_constraint con "
    "JOIN pg_namespace ns ON ns.oid = con.connamespace "
    "WHERE ns.nspname = current_schema()",
    "external id": "SELECT module || '.' || name FROM ir_model_data "
    "WHERE module LIKE 'sales_performance%'",
    "system parameter": "SELECT key FROM ir_config_parameter "
    "WHERE key LIKE 'sales_performance%'",
}


def _filestore(conf, db):
    parser = configparser.ConfigParser()
    parser.read(conf)
    data_dir = parser.get("options", "data_dir", fallback="") or os.path.expanduser(
        "~/.local/share/Odoo"
    )
    return os.path.join(data_dir, "filestore", db)


def schema(db):
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cr:
        result = set()
        for kind, query in SCHEMA_QUERIES.items():
            cr.execute(query)
            result.update(f"{kind} {name}" for (name,) in cr.fetchall())
    return result


def query(db, sql, params=None):
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


class Check:
    def __init__(self, args):
        self.args = args
        self.odoo = [sys.executable, "-m", "odoo", "-c", args.conf]
        self.problems = []

    def odoo_run(self, db, step, extra, stdin=None, shell=False):
        """Run Odoo on ``db``; a non-zero exit or an ERROR line is a problem."""
        command = [*self.odoo, "-d", db, "--log-level=info", *extra]
        if shell:
            command = [*self.odoo[:3], "shell", *command[3:], "--no-http"]
        else:
            command.append("--stop-after-init")
        started = time.monotonic()
        # From /, so that nothing in the work tree shadows odoo.
        done = subprocess.run(
            command,
            input=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd="/",
            check=False,
        )
        rc, output = done.returncode, done.stdout
        with open(self.args.log, "a", encoding="utf-8") as log:
            log.write(done.stdout)
        errors = [line for line in output.splitlines() if ERROR_LINE.match(line)]
        if rc:
            self.problems.append(f"{step}: odoo exited with status {rc}")
        self.problems.extend(f"{step}: {line}" for line in errors[:10])
        soft = [line for line in output.splitlines() if "demo data failed" in line]
        self.problems.extend(f"{step}: {line}" for line in soft)
        print(f"==> uninstall check: {step} ({time.monotonic() - started:.0f}s)")
        return output

    def install(self, db, step, demo=False):
        extra = ["-i", self.args.addons]
        if not demo:
            extra.append("--without-demo=all")
        self.odoo_run(db, step, extra)
        states = dict(
            query(
                db,
                "SELECT name, state FROM ir_module_module "
                "WHERE name LIKE 'sales_performance%'",
            )
        )
        for addon in self.args.addons.split(","):
            if states.get(addon) != "installed":
                self.problems.append(f"{step}: {addon} is {states.get(addon)}")

    def uninstall(self, db, step):
        self.odoo_run(db, step, [], stdin=UNINSTALL, shell=True)

    def _has_base_apps(self, base):
        """Whether ``base`` is kept from an earlier run, with Odoo's apps and
        without the suite (it depends on Odoo only, not on this code)."""
        try:
            rows = query(
                base,
                "SELECT name, state FROM ir_module_module "
                "WHERE name LIKE 'sales_performance%%' OR name = ANY(%s)",
                [BASE_APPS.split(",")],
            )
        except psycopg2.OperationalError:
            return False
        states = dict(rows)
        return all(
            states.get(app) == "installed" for app in BASE_APPS.split(",")
        ) and not any(
            state == "installed"
            for name, state in states.items()
            if name.startswith("sales_performance")
        )

    def adopt(self):
        """Steps 1 to 5, on DB_adopt."""
        db = f"{self.args.db}_adopt"
        base = f"{db}_base"
        if self.args.rebuild_base or not self._has_base_apps(base):
            subprocess.run(["dropdb", "--if-exists", base], check=True)
            self.odoo_run(base, "Odoo's apps", ["-i", BASE_APPS, "--without-demo=all"])
            if self.problems:
                return base
        _copy_database(self.args.conf, base, db)
        fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), FIXTURE)
        with open(fixture, encoding="utf-8") as script:
            output = self.odoo_run(db, "existing data", [], script.read(), True)
        if "FIXTURE:" not in output:
            self.problems.append("existing data: the fixture did not run")
        if self.problems:
            return db
        before = schema(db)

        self.install(db, "install")
        levels = query(
            db,
            "SELECT usr.login FROM res_users usr "
            "JOIN res_groups_users_rel rel ON rel.uid = usr.id "
            "JOIN ir_model_data data ON data.model = 'res.groups' "
            " AND data.res_id = rel.gid "
            "WHERE data.module = 'sales_performance' "
            " AND data.name = 'group_performance_manager' "
            " AND usr.login LIKE 'existing.%'",
        )
        if [login for (login,) in levels] != ["existing.leader"]:
            self.problems.append(
                f"install: Team Leader level given to {levels}, not existing.leader"
            )
        unset = query(
            db,
            "SELECT count(*) FROM account_move WHERE performance_amount_paid IS NULL",
        )[0][0]
        if unset:
            self.problems.append(f"install: {unset} moves without a paid amount")

        self.uninstall(db, "uninstall")
        after = schema(db)
        left = sorted(after - before)
        if left:
            self.problems.append(f"uninstall left {len(left)} object(s) behind:")
            self.problems.extend(f"  {name}" for name in left[:30])
        gone = sorted(before - after)
        if gone:
            self.problems.append(f"uninstall removed {len(gone)} object(s) of Odoo:")
            self.problems.extend(f"  {name}" for name in gone[:30])

        self.install(db, "install again")
        return db

    def demo(self):
        """Uninstall and install again with demo data, on a copy of DB."""
        db = f"{self.args.db}_reinstall"
        _copy_database(self.args.conf, self.args.db, db)
        count = (
            "SELECT count(*) FROM ir_model_data "
            "WHERE module LIKE 'sales_performance%' AND noupdate"
        )
        demo_before = query(self.args.db, count)[0][0]
        story_before = query(self.args.db, STORY)[0]
        self.uninstall(db, "uninstall (demo)")
        # The demo's customers, users, employees and products stay behind
        # its posted invoices and leaves, as Odoo's own demo records do.
        self.problems = [
            line
            for line in self.problems
            if not line.startswith("uninstall (demo)") or not DEMO_KEPT.search(line)
        ]
        self.install(db, "install again (demo)", demo=True)
        demo_after = query(db, count)[0][0]
        if demo_after < demo_before:
            self.problems.append(
                f"install again (demo): {demo_after} demo records, {demo_before} before"
            )
        # The story is told again, not doubled: the HR events, targets,
        # statements and time off of the demo, as many as before.
        story_after = query(db, STORY)[0]
        if story_after != story_before:
            after, before = (
                dict(zip(STORY_NAMES, story, strict=True))
                for story in (story_after, story_before)
            )
            self.problems.append(f"install again (demo): {after}, before {before}")
        return db


STORY_NAMES = ("hire dates", "targets", "statements", "allocations", "leaves")
STORY = (
    "SELECT (SELECT count(*) FROM hr_employee"
    "        WHERE performance_hire_date IS NOT NULL),"
    " (SELECT count(*) FROM performance_target),"
    " (SELECT count(*) FROM incentive_statement),"
    " (SELECT count(*) FROM hr_leave_allocation),"
    " (SELECT count(*) FROM hr_leave)"
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conf", required=True, help="Odoo configuration file")
    parser.add_argument("--db", required=True, help="database name prefix")
    parser.add_argument("--addons", required=True, help="comma-separated addons")
    parser.add_argument("--log", required=True, help="log file of the check")
    parser.add_argument("--demo", action="store_true", help="also reinstall demo")
    parser.add_argument(
        "--rebuild-base",
        action="store_true",
        help="rebuild DB_adopt_base (Odoo's apps), kept between runs otherwise",
    )
    args = parser.parse_args()
    started = time.monotonic()
    open(args.log, "w", encoding="utf-8").close()
    check = Check(args)
    databases = [check.adopt()]
    if args.demo and not check.problems:
        databases.append(check.demo())
    elapsed = time.monotonic() - started
    if check.problems:
        print(
            f"UNINSTALL CHECK FAILED ({', '.join(databases)} kept for inspection; "
            f"log: {args.log}):",
            file=sys.stderr,
        )
        print("\n".join(check.problems), file=sys.stderr)
        return 1
    for db in databases:
        subprocess.run(["dropdb", db], check=True)
        shutil.rmtree(_filestore(args.conf, db), ignore_errors=True)
    print(
        f"==> uninstall check passed: install, uninstall and install again of "
        f"{args.addons} on a database in use left nothing behind, in {elapsed:.0f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
