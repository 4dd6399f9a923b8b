"""Benchmark driver, run by setup/benchmark.sh (one process per measured step).

    python3 run.py --config CONF --db DB generate --reps N --teams M --lines L
    python3 run.py --config CONF --db DB measure STEP --out FILE.json
    python3 run.py --config CONF --db DB oca-setup
    python3 run.py --config CONF --db DB oca-settle --out FILE.json
    python3 run.py report --results DIR --out FILE.md

Each measured step runs in a fresh process so that its peak memory
(``ru_maxrss``: the whole Odoo process, registry included) is its own. Time is
wall clock (``time.perf_counter``), queries are counted with Odoo's
``odoo.sql_db.sql_counter`` (every statement the ORM and the code send).
"""

import argparse
import gc
import json
import os
import resource
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

META_KEY = "sales_performance.benchmark_meta"
STEPS = (
    "bound",
    "actuals",
    "scorecards",
    "statements",
    "close",
    "home",
)


# ----------------------------------------------------------------------------
# Odoo environment
# ----------------------------------------------------------------------------


def open_env(conf, db):
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
    registry = Registry(db)
    cr = registry.cursor()
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    # As the web client and scheduled jobs do: the user's language and zone.
    return env(context=env["res.users"].context_get())


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def query_count():
    from odoo import sql_db

    return sql_db.sql_counter


def timed(env, function):
    """Time, query count and peak memory of ``function()``, writes flushed.

    The INSERT statements are counted apart: Odoo's ``create`` inserts 100
    rows per statement, the one part of a step's queries that grows with
    the number of records it creates."""
    from odoo.sql_db import Cursor

    env.flush_all()
    env.invalidate_all()
    gc.collect()
    inserts = [0]
    execute = Cursor.execute

    def counting(cr, query, params=None, log_exceptions=True):
        text = str(getattr(query, "code", query)).lstrip()
        if text[:6].upper() == "INSERT":
            inserts[0] += 1
        return execute(cr, query, params, log_exceptions)

    Cursor.execute = counting
    try:
        queries = query_count()
        start = time.perf_counter()
        result = function()
        env.flush_all()
        seconds = time.perf_counter() - start
        queries = query_count() - queries
    finally:
        Cursor.execute = execute
    return result, {
        "seconds": round(seconds, 3),
        "queries": queries,
        "inserts": inserts[0],
        "peak_mib": round(peak_rss_mib(), 1),
    }


# ----------------------------------------------------------------------------
# generate
# ----------------------------------------------------------------------------


def cmd_generate(env, args):
    import generator

    today = date.today()
    date_from = (
        date.fromisoformat(args.date_from) if args.date_from else today.replace(day=1)
    )
    date_to = date.fromisoformat(args.date_to) if args.date_to else today
    started = time.perf_counter()
    master = generator.create_master_data(
        env,
        reps=args.reps,
        teams=args.teams,
        customers=args.customers or max(50, args.reps * 5),
    )
    master_seconds = time.perf_counter() - started
    spec = generator.build_spec(
        master, lines=args.lines, date_from=date_from, date_to=date_to, seed=args.seed
    )
    spec_seconds = time.perf_counter() - started - master_seconds
    counts = generator.write_sql(env, spec)
    sql_seconds = time.perf_counter() - started - master_seconds - spec_seconds
    period = generator.get_month_period(env, master["company"], date_from)
    # The HR link prorates salesperson targets: give every rep an employee.
    staff = (
        generator.create_employees(env, master, period)
        if "hr.employee" in env
        else {"employees": 0, "leaves": 0}
    )
    setup = generator.setup_performance(env, master, spec, period)
    meta = {
        "reps": args.reps,
        "teams": args.teams,
        "lines": args.lines,
        "date_from": str(date_from),
        "date_to": str(date_to),
        "period_id": period.id,
        "template_id": setup["template"].id,
        "plan_id": setup["plan"].id,
        "user_ids": master["users"].ids,
        "counts": counts,
        "documents": len(spec["invoices"]),
        "payments": len(spec["payments"]),
        **staff,
        "generation_seconds": {
            "master_data": round(master_seconds, 1),
            "spec": round(spec_seconds, 1),
            "bulk_sql": round(sql_seconds, 1),
            "performance_setup": round(
                time.perf_counter()
                - started
                - master_seconds
                - spec_seconds
                - sql_seconds,
                1,
            ),
        },
    }
    env["ir.config_parameter"].set_param(META_KEY, json.dumps(meta))
    env.cr.commit()
    print(json.dumps({k: v for k, v in meta.items() if k != "user_ids"}))


# ----------------------------------------------------------------------------
# measure
# ----------------------------------------------------------------------------

BOUND_SQL = """
    SELECT move.invoice_user_id, SUM(-line.balance)
      FROM account_move_line line
      JOIN account_move move ON move.id = line.move_id
     WHERE move.state = 'posted'
       AND move.move_type IN ('out_invoice', 'out_refund')
       AND line.display_type = 'product'
       AND move.invoice_date BETWEEN %s AND %s
       AND move.company_id = %s
     GROUP BY move.invoice_user_id
"""


def _bound(env, meta, period):
    """The bare SQL aggregation over the same rows: credited revenue per
    salesperson over the period's invoice lines, best of three runs."""
    runs = []
    for _run in range(3):
        start = time.perf_counter()
        env.cr.execute(BOUND_SQL, (period.date_start, period.date_end, env.company.id))
        rows = env.cr.fetchall()
        runs.append(time.perf_counter() - start)
    return {
        "seconds": round(min(runs), 3),
        "runs": [round(run, 3) for run in runs],
        "queries": 1,
        "groups": len(rows),
        "peak_mib": round(peak_rss_mib(), 1),
    }


def _reset(env, meta, period):
    """Remove the scorecards and statements of an earlier run, so that every
    measurement starts from the same state (not measured, rolled back unless
    the step commits)."""
    env["performance.scorecard"].search([("period_id", "=", period.id)]).unlink()
    env["incentive.statement"].search(
        [("plan_id", "=", meta["plan_id"]), ("period_id", "=", period.id)]
    ).with_context(incentive_engine=True).unlink()
    env.flush_all()


def _close_steps(env, meta, period):
    targets = env["performance.target"].search([("period_id", "=", period.id)])
    template = env["performance.scorecard.template"].browse(meta["template_id"])
    plan = env["incentive.plan"].browse(meta["plan_id"])
    return {
        "actuals": lambda: targets.action_compute(),
        "scorecards": lambda: template.generate_scorecards(period),
        "statements": lambda: plan.generate_statements(period),
    }


def _home(env, meta):
    """Server time of what the web client asks when a rep opens My
    Performance: the menu's server action, the form view, and the record
    read with the fields that view shows (in-process, as the rep)."""
    from lxml import etree

    user = env["res.users"].browse(meta["user_ids"][len(meta["user_ids"]) // 2])
    rep_env = env(user=user.id, context={"lang": "en_US", "tz": "UTC"})
    action = env.ref("sales_performance.action_my_performance")
    timings = []
    for _run in range(3):
        rep_env.invalidate_all()
        calls = {}
        queries = query_count()
        start = time.perf_counter()
        result = action.with_env(rep_env).run()
        calls["action_run"] = time.perf_counter() - start
        step = time.perf_counter()
        views = rep_env["res.users"].get_views(result["views"])
        calls["get_views"] = time.perf_counter() - step
        arch = etree.fromstring(views["views"]["form"]["arch"])
        spec = _specification(rep_env, "res.users", arch)
        step = time.perf_counter()
        rep_env["res.users"].browse(result["res_id"]).web_read(spec)
        calls["web_read"] = time.perf_counter() - step
        calls["total"] = time.perf_counter() - start
        calls["queries"] = query_count() - queries
        timings.append(calls)
        rep_env.cr.rollback()
    return {
        "first": {k: round(v, 3) for k, v in timings[0].items()},
        "warm": {
            k: round(statistics.median(t[k] for t in timings[1:]), 3)
            for k in timings[0]
        },
        "user": user.login,
        "peak_mib": round(peak_rss_mib(), 1),
    }


def _specification(env, model, node):
    """The web_read specification the web client builds from a view arch:
    every field of the view, x2many fields with the fields of their subview,
    many2one fields with their display name."""
    Model = env[model]
    spec = {}
    for field_node in node.iter("field"):
        # Only the fields of this level: skip those inside x2many subviews.
        parent = field_node.getparent()
        nested = False
        while parent is not None and parent is not node:
            if parent.tag == "field":
                nested = True
                break
            parent = parent.getparent()
        if nested:
            continue
        name = field_node.get("name")
        field = Model._fields[name]
        if field.type in ("one2many", "many2many"):
            sub = next(iter(field_node), None)
            spec[name] = {
                "fields": _specification(env, field.comodel_name, sub)
                if sub is not None
                else {"display_name": {}}
            }
        elif field.type == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


def cmd_measure(env, args):
    meta = json.loads(env["ir.config_parameter"].get_param(META_KEY))
    period = env["performance.period"].browse(meta["period_id"])
    step = args.step
    if step in ("actuals", "scorecards", "statements", "close"):
        _reset(env, meta, period)
    if step == "bound":
        result = _bound(env, meta, period)
    elif step == "home":
        result = _home(env, meta)
    elif step == "close":
        # The product's close (performance.period._run_close): target
        # actuals, then scorecards, then statements, each KPI read once.
        template = env["performance.scorecard.template"].browse(meta["template_id"])
        _value, result = timed(env, lambda: period._run_close(templates=template))
        statements = env["incentive.statement"].search(
            [("plan_id", "=", meta["plan_id"]), ("period_id", "=", period.id)]
        )
        result["statements"] = len(statements)
        result["paid_total"] = round(sum(statements.mapped("amount_total")), 2)
        result["scorecards"] = env["performance.scorecard"].search_count(
            [("period_id", "=", period.id)]
        )
        env.cr.commit()
    else:
        _value, result = timed(env, _close_steps(env, meta, period)[step])
        env.cr.rollback()
    result.update(step=step, reps=meta["reps"], lines=meta["lines"])
    Path(args.out).write_text(json.dumps(result, indent=1))
    print(json.dumps(result))


# ----------------------------------------------------------------------------
# OCA commission peer
# ----------------------------------------------------------------------------


def cmd_oca_setup(env, args):
    """Make every rep an agent with a fixed 3 % commission on the invoice
    lines it is the salesperson of, as account_commission_oca does when the
    agent is set on the line; the agent lines are written in SQL (their amount
    computed as commission_oca does) and a sample is checked against the ORM."""
    meta = json.loads(env["ir.config_parameter"].get_param(META_KEY))
    users = env["res.users"].browse(meta["user_ids"])
    commission = env["commission"].create(
        {
            "name": "Benchmark 3 %",
            "commission_type": "fixed",
            "fix_qty": 3.0,
            "amount_base_type": "gross_amount",
        }
    )
    users.partner_id.write(
        {
            "agent": True,
            "agent_type": "agent",
            "commission_id": commission.id,
            "settlement": "monthly",
        }
    )
    env.flush_all()
    env.cr.execute(
        """
        INSERT INTO account_invoice_line_agent
               (object_id, invoice_id, invoice_date, agent_id, commission_id,
                amount, settled, company_id, create_uid, write_uid, create_date,
                write_date)
        SELECT line.id, move.id, move.invoice_date, users.partner_id, %(commission)s,
               ROUND(
                   CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END
                   * line.price_subtotal * 0.03,
                   2
               ),
               FALSE, line.company_id, 1, 1, now() at time zone 'UTC',
               now() at time zone 'UTC'
          FROM account_move_line line
          JOIN account_move move ON move.id = line.move_id
          JOIN res_users users ON users.id = move.invoice_user_id
         WHERE move.move_type IN ('out_invoice', 'out_refund')
           AND move.state = 'posted'
           AND line.display_type = 'product'
           AND users.id IN %(users)s
        """,
        {"commission": commission.id, "users": tuple(users.ids)},
    )
    inserted = env.cr.rowcount
    env.invalidate_all()
    sample = env["account.invoice.line.agent"].search([], limit=200)
    expected = {line.id: line.amount for line in sample}
    sample._compute_amount()
    wrong = [line.id for line in sample if abs(line.amount - expected[line.id]) > 0.005]
    if wrong:
        raise SystemExit(f"agent line amounts differ from commission_oca: {wrong[:5]}")
    env.cr.commit()
    print(json.dumps({"agent_lines": inserted, "checked": len(sample)}))


def cmd_oca_settle(env, args):
    meta = json.loads(env["ir.config_parameter"].get_param(META_KEY))
    period = env["performance.period"].browse(meta["period_id"])
    users = env["res.users"].browse(meta["user_ids"])
    wizard = env["commission.make.settle"].create(
        {
            "date_to": period.date_end + timedelta(days=1),
            "settlement_type": "sale_invoice",
            "agent_ids": [(6, 0, users.partner_id.ids)],
        }
    )
    _value, result = timed(env, wizard.action_settle)
    settlements = env["commission.settlement"].search([])
    result["settlements"] = len(settlements)
    result["settled_total"] = round(sum(settlements.mapped("total")), 2)
    env.cr.rollback()
    result.update(step="oca_settle", reps=meta["reps"], lines=meta["lines"])
    Path(args.out).write_text(json.dumps(result, indent=1))
    print(json.dumps(result))


# ----------------------------------------------------------------------------
# report
# ----------------------------------------------------------------------------


def _load(results):
    rows = []
    for path in sorted(Path(results).glob("*.json")):
        data = json.loads(path.read_text())
        data["file"] = path.stem
        rows.append(data)
    return rows


def _fmt_n(value):
    return f"{value:,}".replace(",", " ")


def cmd_report(args):
    rows = _load(args.results)
    extra = {row["step"]: row for row in rows if row["step"] in ("load", "bgclose")}
    rows = [row for row in rows if row["step"] not in extra]
    by_key = {}
    for row in rows:
        by_key.setdefault((row["reps"], row["lines"]), {})[row["step"]] = row
    out = []
    machine = (
        json.loads(Path(args.results, "machine.txt").read_text())
        if Path(args.results, "machine.txt").exists()
        else {}
    )
    if machine:
        out.append(
            f"Machine: {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, "
            f"{machine.get('ram', '?')} RAM, load before the run: "
            f"{machine.get('load', '?')}; PostgreSQL {machine.get('pg', '?')}."
        )
        out.append("")
    out.append(
        "| N reps | L lines | step | time (s) | queries | of which INSERT "
        "| peak RSS (MiB) | × SQL bound |"
    )
    out.append("|---:|---:|---|---:|---:|---:|---:|---:|")
    for (reps, lines), steps in sorted(
        by_key.items(), key=lambda kv: (kv[0][1], kv[0][0])
    ):
        bound = steps.get("bound", {}).get("seconds")
        for name, label in (
            ("bound", "bare SQL aggregation (lower bound)"),
            ("actuals", "(a) refresh all target actuals"),
            ("scorecards", "(b) generate all scorecards"),
            ("statements", "(c) generate all statements"),
            ("close", "(d) whole close (a, b, c reading each KPI once)"),
            ("oca_settle", "OCA commission settlement"),
        ):
            step = steps.get(name)
            if not step:
                continue
            ratio = (
                f"{step['seconds'] / bound:.1f}" if bound and name != "bound" else ""
            )
            out.append(
                f"| {_fmt_n(reps)} | {_fmt_n(lines)} | {label} | {step['seconds']:.2f} "
                f"| {step['queries']} | {step.get('inserts', '')} "
                f"| {step['peak_mib']:.0f} | {ratio} |"
            )
        if "oca_settle" in steps and "statements" in steps:
            ours = steps["statements"]["seconds"]
            theirs = steps["oca_settle"]["seconds"]
            out.append(
                f"| {_fmt_n(reps)} | {_fmt_n(lines)} | OCA settlement ÷ our statements "
                f"| {theirs / ours:.1f}× | | | | |"
            )
    homes = [row for row in rows if row["step"] == "home"]
    if homes:
        out.append("")
        out.append(
            "My Performance, server time in-process as a rep (ms; first call, "
            "then median of two warm calls):"
        )
        out.append("")
        out.append(
            "| N reps | L lines | action | get_views | web_read | total | queries |"
        )
        out.append("|---:|---:|---:|---:|---:|---:|---:|")
        for home in sorted(homes, key=lambda h: (h["lines"], h["reps"])):
            for label in ("first", "warm"):
                t = home[label]
                out.append(
                    f"| {_fmt_n(home['reps'])} | {_fmt_n(home['lines'])} ({label}) "
                    f"| {t['action_run'] * 1000:.0f} | {t['get_views'] * 1000:.0f} "
                    f"| {t['web_read'] * 1000:.0f} | {t['total'] * 1000:.0f} "
                    f"| {t['queries']:.0f} |"
                )
    if "bgclose" in extra:
        import bgclose

        out += ["", "The background close (two cron workers):", ""]
        out += bgclose.report_lines(extra["bgclose"])
    if "load" in extra:
        import load

        out.append("")
        out += load.report_lines(extra["load"])
    text = "\n".join(out) + "\n"
    Path(args.out).write_text(text)
    print(text)


# ----------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config")
    parser.add_argument("--db")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("--reps", type=int, default=1000)
    gen.add_argument("--teams", type=int, default=50)
    gen.add_argument("--lines", type=int, default=1_000_000)
    gen.add_argument("--customers", type=int, default=0)
    gen.add_argument("--date-from")
    gen.add_argument("--date-to")
    gen.add_argument("--seed", type=int, default=42)
    measure = sub.add_parser("measure")
    measure.add_argument("step", choices=STEPS)
    measure.add_argument("--out", required=True)
    sub.add_parser("oca-setup")
    settle = sub.add_parser("oca-settle")
    settle.add_argument("--out", required=True)
    report = sub.add_parser("report")
    report.add_argument("--results", required=True)
    report.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.command == "report":
        cmd_report(args)
        return
    os.chdir("/")
    env = open_env(args.config, args.db)
    try:
        {
            "generate": cmd_generate,
            "measure": cmd_measure,
            "oca-setup": cmd_oca_setup,
            "oca-settle": cmd_oca_settle,
        }[args.command](env, args)
    finally:
        env.cr.close()


if __name__ == "__main__":
    main()
