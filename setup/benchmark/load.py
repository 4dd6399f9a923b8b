"""Load of the reps' visits over HTTP on a copy of a benchmark database.

    python3 load.py --config CONF --db DB [--levels 1,10,25,50] [--seconds 20]
        [--workers 4] [--port 8104] [--close-level 25] [--out FILE.json]

Copies DB (made by ``run.py generate``) to DB_load, closes its month in the
click when it has no statement yet (so that every rep has targets, a
scorecard and a statement), gives the reps a password, and starts Odoo on the
copy as a deployment would: the source tree's ``odoo-bin`` with ``--workers``
HTTP workers and two cron workers, listening on 127.0.0.1 only. Then, for
each level, that many reps (threads of this process, each with its own
session) visit in a loop for ``--seconds``: a visit is the requests the web
client makes, as recorded in Chromium at 375 px, for

1. a fresh page load of My Performance (the page, the action, the messaging
   data, the server action, the views and the record; the menus and
   translations are cached by the browser under their hash and not asked),
2. the Targets menu (action, views, the kanban's records),
3. the Statements menu (action, views, the records),
4. the rep's latest statement (the record, its chatter).

It reports requests and visits per second, p50/p95/p99 of each request and of
each screen, and errors (HTTP status other than 200 or a JSON-RPC error). At
one rep it also reports what a visit costs the server: the queries and their
time from Odoo's request log, and the CPU of the Odoo and PostgreSQL
processes divided by the visits. With ``--close-level``, that many reps visit
again while the month is closed in the background by the server's cron
workers; the close's wall time is reported. Everything is bounded: the
levels, the seconds of each, 127.0.0.1. Not part of the test command.
"""

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import psutil
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_visit import PASSWORD, Rep  # noqa: E402
from run import META_KEY, _specification, open_env  # noqa: E402

REQUEST_LOG = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d+) - '
    r"(?P<queries>\d+) (?P<query_time>[\d.]+) (?P<remaining>[\d.]+)"
)

# ----------------------------------------------------------------------------
# Preparation, in the copy, through the ORM
# ----------------------------------------------------------------------------


def _prepare(env, count):
    """Close the month in the click when it has no statement, give the first
    ``count`` reps a password, and return what the visits need: the reps,
    and the web_read / web_search_read specifications the web client builds
    from the views a phone shows."""
    from lxml import etree

    from odoo import fields

    try:
        meta = json.loads(env["ir.config_parameter"].get_param(META_KEY))
        period = env["performance.period"].browse(meta["period_id"])
        statements = env["incentive.statement"].search_count(
            [("period_id", "=", period.id)]
        )
        if not statements:
            if period.state == "closed":
                period.action_reopen()
            period.company_id.performance_close_background_size = 0
            period.with_user(env.ref("base.user_admin")).action_close()
        users = env["res.users"].browse(meta["user_ids"][:count])
        # One hash for every rep, with few rounds: logging in is not measured.
        crypt = env["res.users"]._crypt_context()
        hashed = crypt.hash(PASSWORD, rounds=1000)
        env.cr.execute(
            "UPDATE res_users SET password = %s WHERE id IN %s",
            (hashed, tuple(users.ids)),
        )
        # A server that has run for a while has done its scheduled jobs:
        # they do not all start with the measurement. The close's own stay.
        close_crons = env["performance.period.close.job"]._get_crons()
        env["ir.cron"].search([("id", "not in", close_crons.ids)]).write(
            {"nextcall": fields.Datetime.now() + timedelta(days=1)}
        )
        rep = users[0]
        rep_env = env(user=rep.id)

        def view(model, view_type, xmlid=None):
            view_id = env.ref(xmlid).id if xmlid else False
            arch = rep_env[model].get_views([(view_id, view_type)])["views"][view_type][
                "arch"
            ]
            return _specification(rep_env, model, etree.fromstring(arch))

        specs = {
            "home": view(
                "performance.home",
                "form",
                "sales_performance.res_users_view_form_my_performance",
            ),
            "targets": view("performance.target", "kanban"),
            "statements": view("incentive.statement", "kanban"),
            "statement": view("incentive.statement", "form"),
        }
        env.cr.commit()
        return {
            "logins": users.mapped("login"),
            "specs": specs,
            "period_id": period.id,
            "reps": meta["reps"],
            "lines": meta["lines"],
        }
    finally:
        env.cr.rollback()


def _start_close(env, chunk):
    """Reopen the month and click *Close Period* as the administrator with
    the background close on: the server's cron workers run it."""
    try:
        meta = json.loads(env["ir.config_parameter"].get_param(META_KEY))
        period = env["performance.period"].browse(meta["period_id"])
        if period.state == "closed":
            period.action_reopen()
        period.close_job_id = False
        period.company_id.write(
            {
                "performance_close_background_size": 1,
                "performance_close_chunk_size": chunk,
            }
        )
        env.cr.commit()
        period.with_user(env.ref("base.user_admin")).action_close()
        env.cr.commit()
        return period.id
    finally:
        env.cr.rollback()


def _close_state(db, period_id):
    out = subprocess.run(
        [
            "psql",
            "-X",
            "-At",
            "-d",
            db,
            "-c",
            "SELECT job.state FROM performance_period_close_job job "
            "JOIN performance_period p ON p.close_job_id = job.id "
            f"WHERE p.id = {int(period_id)}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip()


# ----------------------------------------------------------------------------
# The server
# ----------------------------------------------------------------------------


def _odoo_bin():
    import odoo

    path = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"
    if not path.exists():
        sys.exit(f"odoo-bin not found next to the odoo package ({path})")
    return path


def _start_server(conf, db, port, workers, logfile):
    command = [
        sys.executable,
        str(_odoo_bin()),
        "-c",
        conf,
        "-d",
        db,
        "--db-filter",
        f"^{db}$",
        "--http-interface",
        "127.0.0.1",
        "--http-port",
        str(port),
        "--gevent-port",
        str(port + 1),
        "--workers",
        str(workers),
        "--max-cron-threads",
        "2",
        "--limit-time-real",
        "600",
        "--limit-time-cpu",
        "600",
        "--logfile",
        str(logfile),
        "--log-level",
        "info",
    ]
    server = subprocess.Popen(command, cwd="/", start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _attempt in range(300):
        try:
            if requests.get(f"{url}/web/health", timeout=2).status_code == 200:
                return server, url
        except requests.RequestException:
            pass
        if server.poll() is not None:
            sys.exit(f"Odoo stopped at start, see {logfile}")
        time.sleep(0.5)
    sys.exit(f"Odoo did not answer on {url}, see {logfile}")


def _stop_server(server):
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def _cpu_seconds(server):
    """CPU time so far of the Odoo processes and of PostgreSQL's."""
    odoo, postgres = 0.0, 0.0
    try:
        master = psutil.Process(server.pid)
        for proc in [master, *master.children(recursive=True)]:
            times = proc.cpu_times()
            odoo += times.user + times.system
    except psutil.NoSuchProcess:
        pass
    for proc in psutil.process_iter(["name"]):
        if proc.info["name"] and proc.info["name"].startswith("postgres"):
            try:
                times = proc.cpu_times()
                postgres += times.user + times.system
            except psutil.NoSuchProcess:
                pass
    return odoo, postgres


# ----------------------------------------------------------------------------
# Levels
# ----------------------------------------------------------------------------


def _percentiles(values):
    values = sorted(values)
    if not values:
        return {}

    def at(share):
        return values[min(len(values) - 1, int(share * len(values)))]

    return {
        "count": len(values),
        "p50_ms": round(1000 * statistics.median(values), 1),
        "p95_ms": round(1000 * at(0.95), 1),
        "p99_ms": round(1000 * at(0.99), 1),
    }


def _warm_up(url, db, prepared, workers):
    """Visits on every worker until each has answered every request once:
    the first answer of a worker builds its caches (views, translations,
    assets' hashes), which a server running for a while has done."""
    reps = [
        Rep(url, db, login, prepared["specs"]) for login in prepared["logins"][:workers]
    ]
    for _round in range(3):
        threads = [threading.Thread(target=rep.visit) for rep in reps]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def _run_level(url, db, prepared, count, seconds, server, logfile, until=None):
    reps = [
        Rep(url, db, login, prepared["specs"]) for login in prepared["logins"][:count]
    ]
    log_start = logfile.stat().st_size
    cpu_before = _cpu_seconds(server)
    stop = threading.Event()
    visits = [0] * count

    def loop(index):
        while not stop.is_set():
            reps[index].visit()
            visits[index] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(count)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    deadline = start + seconds
    while time.perf_counter() < deadline and not (until and until()):
        time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    cpu_after = _cpu_seconds(server)
    timings = [t for rep in reps for t in rep.timings]
    requests_ = [t for t in timings if t[0] != "screen"]
    done = sum(visits)
    result = {
        "reps": count,
        "seconds": round(wall, 1),
        "visits": done,
        "visits_per_second": round(done / wall, 2),
        "requests": len(requests_),
        "requests_per_second": round(len(requests_) / wall, 1),
        "errors": sum(1 for t in requests_ if not t[3]),
        "all_requests": _percentiles([t[2] for t in requests_]),
        "screens": {
            screen: _percentiles(
                [t[2] for t in timings if t[0] == "screen" and t[1] == screen]
            )
            for screen in ("home", "targets", "statements", "statement")
        },
        "per_request": {
            label: _percentiles([t[2] for t in requests_ if t[0] == label])
            for label in sorted({t[0] for t in requests_})
        },
        "cpu_per_visit_ms": {
            "odoo": round(1000 * (cpu_after[0] - cpu_before[0]) / max(done, 1), 1),
            "postgres": round(1000 * (cpu_after[1] - cpu_before[1]) / max(done, 1), 1),
        },
    }
    # The server's own account of each request of the level.
    with logfile.open() as handle:
        handle.seek(log_start)
        rows = [match.groupdict() for match in map(REQUEST_LOG.search, handle) if match]
    skipped = ("/web/session", "/web/health", "/websocket")
    rows = [row for row in rows if not row["path"].startswith(skipped)]
    if rows and done:
        result["server_per_visit"] = {
            "requests": round(len(rows) / done, 1),
            "queries": round(sum(int(r["queries"]) for r in rows) / done, 1),
            "sql_ms": round(1000 * sum(float(r["query_time"]) for r in rows) / done, 1),
            "python_ms": round(
                1000 * sum(float(r["remaining"]) for r in rows) / done, 1
            ),
        }
        by_path = {}
        for row in rows:
            by_path.setdefault(row["path"].split("?")[0], []).append(
                int(row["queries"])
            )
        result["queries_per_request"] = {
            path: round(statistics.mean(values), 1)
            for path, values in sorted(by_path.items())
        }
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--levels", default="1,10,25,50")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--close-level", type=int, default=25)
    parser.add_argument("--chunk", type=int, default=200)
    parser.add_argument("--out")
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",") if level]
    if not levels or max(levels) > 200 or args.seconds > 600:
        sys.exit("levels of 1 to 200 reps, at most 600 seconds each")
    os.chdir("/")
    copy = f"{args.db}_load"
    subprocess.run(["dropdb", "--if-exists", copy], check=True)
    subprocess.run(["createdb", "-T", args.db, copy], check=True)
    env = open_env(args.config, copy)
    prepared = _prepare(env, max(levels + [args.close_level]))
    logfile = Path(args.out or f"/tmp/{copy}.json").with_suffix(".log")
    logfile.unlink(missing_ok=True)
    server, url = _start_server(args.config, copy, args.port, args.workers, logfile)
    result = {
        "step": "load",
        "reps": prepared["reps"],
        "lines": prepared["lines"],
        "reps_in_db": prepared["reps"],
        "lines_in_db": prepared["lines"],
        "workers": args.workers,
        "load_before": " ".join(open("/proc/loadavg").read().split()[:3]),
        "levels": [],
    }
    try:
        _warm_up(url, copy, prepared, args.workers)
        for level in levels:
            result["levels"].append(
                _run_level(url, copy, prepared, level, args.seconds, server, logfile)
            )
            print(json.dumps(result["levels"][-1]), flush=True)
        if args.close_level:
            started = time.perf_counter()
            period_id = _start_close(env, args.chunk)
            ended = {}

            def close_done():
                if _close_state(copy, period_id) in ("done", "failed"):
                    ended.setdefault("at", time.perf_counter())
                return "at" in ended

            level = _run_level(
                url,
                copy,
                prepared,
                args.close_level,
                600,
                server,
                logfile,
                until=close_done,
            )
            level["during_close"] = {
                "state": _close_state(copy, period_id),
                "close_seconds": round(
                    ended.get("at", time.perf_counter()) - started, 1
                ),
                "chunk": args.chunk,
            }
            result["levels"].append(level)
            print(json.dumps(level), flush=True)
        log = logfile.read_text()
        result["server_errors"] = log.count(" ERROR ") + log.count(" CRITICAL ")
        result["worker_respawns"] = log.count("Worker (") and len(
            re.findall(r"Worker \(\d+\) (?:seems killed|killed)", log)
        )
    finally:
        _stop_server(server)
        env.cr.close()
    text = json.dumps(result, indent=1)
    if args.out:
        Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()


def _n(value):
    return f"{value:,}".replace(",", " ")


def report_lines(result):
    """The load table of the README, from the JSON this script writes."""
    out = [
        f"Rep visits over HTTP: Odoo with {result['workers']} HTTP workers and 2 "
        f"cron workers on {_n(result['reps_in_db'])} reps × "
        f"{_n(result['lines_in_db'])} "
        "lines (a copy); the reps run in this machine's other processes. A visit: "
        "My Performance (fresh page load), Targets, Statements, one statement: "
        "15 requests.",
        "",
        "| reps in flight | visits/s | requests/s | p50 (ms) | p95 (ms) | p99 (ms) "
        "| home p95 (ms) | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for level in result["levels"]:
        label = str(level["reps"])
        if "during_close" in level:
            close = level["during_close"]
            label += (
                f" during a background close (done in {close['close_seconds']} s, "
                f"{close['state']})"
            )
        every = level["all_requests"]
        out.append(
            f"| {label} | {level['visits_per_second']} "
            f"| {level['requests_per_second']} "
            f"| {every['p50_ms']:.0f} | {every['p95_ms']:.0f} | {every['p99_ms']:.0f} "
            f"| {level['screens']['home'].get('p95_ms', 0):.0f} | {level['errors']} |"
        )
    single = next((lv for lv in result["levels"] if lv["reps"] == 1), None)
    if single and single.get("server_per_visit"):
        cost = single["server_per_visit"]
        cpu = single["cpu_per_visit_ms"]
        out += [
            "",
            f"One visit at one rep in flight: {cost['queries']:.0f} queries "
            f"({cost['sql_ms']:.0f} ms waiting on PostgreSQL, {cost['python_ms']:.0f} "
            f"ms in Odoo's Python, from Odoo's request log); CPU {cpu['odoo']:.0f} ms "
            f"of Odoo and {cpu['postgres']:.0f} ms of PostgreSQL processes. "
            f"Server errors logged: {result.get('server_errors', 0)}.",
            "",
            "| request | queries |",
            "|---|---:|",
        ]
        for path, queries in single.get("queries_per_request", {}).items():
            out.append(f"| `{path}` | {queries:.0f} |")
    return out
