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
from datetime import date, timedelta
from pathlib import Path

import psutil
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import META_KEY, _specification, open_env  # noqa: E402

PASSWORD = "bench-load"
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
            arch = rep_env[model].get_views([(view_id, view_type)])["views"][
                view_type
            ]["arch"]
            return _specification(rep_env, model, etree.fromstring(arch))

        specs = {
            "home": view(
                "res.users", "form", "sales_performance.res_users_view_form_my_performance"
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
            "psql", "-X", "-At", "-d", db, "-c",
            "SELECT job.state FROM performance_period_close_job job "
            f"JOIN performance_period p ON p.close_job_id = job.id WHERE p.id = {int(period_id)}",
        ],
        capture_output=True, text=True, check=False,
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
        sys.executable, str(_odoo_bin()), "-c", conf, "-d", db,
        "--db-filter", f"^{db}$", "--http-interface", "127.0.0.1",
        "--http-port", str(port), "--gevent-port", str(port + 1),
        "--workers", str(workers), "--max-cron-threads", "2",
        "--limit-time-real", "600", "--limit-time-cpu", "600",
        "--logfile", str(logfile), "--log-level", "info",
    ]  # fmt: skip
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
# A rep's visit
# ----------------------------------------------------------------------------


class Rep:
    def __init__(self, url, db, login, specs):
        self.url = url
        self.db = db
        self.session = requests.Session()
        self.specs = specs
        self.timings = []  # (label, screen, seconds, ok)
        self.rpc_id = 0
        result = self._rpc(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": PASSWORD},
            label=None,
        )
        self.uid = result["uid"]
        self.context = {
            "lang": "en_US",
            "tz": "UTC",
            "uid": self.uid,
            "allowed_company_ids": [result["user_companies"]["current_company"]],
        }

    def _rpc(self, path, params, label, screen=None):
        self.rpc_id += 1
        start = time.perf_counter()
        ok = False
        result = None
        try:
            response = self.session.post(
                self.url + path,
                json={"jsonrpc": "2.0", "method": "call", "id": self.rpc_id,
                      "params": params},
                timeout=120,
            )  # fmt: skip
            if response.status_code == 200:
                body = response.json()
                ok = "error" not in body
                result = body.get("result")
        except requests.RequestException:
            pass
        if label:
            self.timings.append((label, screen, time.perf_counter() - start, ok))
        if label is None and not ok:
            raise RuntimeError(f"{path} failed")
        return result

    def _get(self, path, label, screen):
        start = time.perf_counter()
        ok = False
        try:
            ok = self.session.get(self.url + path, timeout=120).status_code == 200
        except requests.RequestException:
            pass
        self.timings.append((label, screen, time.perf_counter() - start, ok))

    def _kw(self, model, method, args, kwargs, label, screen):
        kwargs = {"context": dict(self.context), **kwargs}
        return self._rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
            label,
            screen,
        )

    def _views(self, model, action, label, screen):
        views = [
            [view_id or False, view_type]
            for view_id, view_type in (action or {}).get("views", [])
        ]
        if action and action.get("search_view_id"):
            views.append([action["search_view_id"][0], "search"])
        else:
            views.append([False, "search"])
        options = {
            "action_id": (action or {}).get("id"),
            "embedded_action_id": False,
            "embedded_parent_res_id": False,
            "load_filters": True,
            "toolbar": True,
            "mobile": True,
        }
        return self._kw(model, "get_views", [], {"views": views, "options": options},
                        label, screen)  # fmt: skip

    def visit(self):
        context = {"context": self.context}
        # 1. My Performance, a fresh page load.
        screen = "home"
        start = time.perf_counter()
        self._get("/odoo/my-performance", "page", screen)
        home = self._rpc("/web/action/load", {"action_id": "my-performance", **context},
                         "action/load", screen)  # fmt: skip
        self._rpc(
            "/mail/data",
            {"init_messaging": {}, "failures": True, "systray_get_activities": True,
             **context},
            "mail/data", screen,
        )  # fmt: skip
        action = self._rpc("/web/action/run", {"action_id": (home or {}).get("id"),
                           **context}, "action/run", screen)  # fmt: skip
        action = action if isinstance(action, dict) else {}
        self._views("res.users", action, "res.users/get_views", screen)
        self._kw("res.users", "web_read", [[self.uid]],
                 {"specification": self.specs["home"]}, "res.users/web_read", screen)  # fmt: skip
        self.timings.append(("screen", screen, time.perf_counter() - start, True))
        # 2. Targets.
        screen = "targets"
        start = time.perf_counter()
        action = self._rpc(
            "/web/action/load",
            {"action_id": "sales_performance.action_performance_target", **context},
            "action/load", screen,
        )  # fmt: skip
        self._views("performance.target", action, "performance.target/get_views", screen)
        today = date.today().isoformat()
        self._kw(
            "performance.target", "web_search_read", [],
            {"specification": self.specs["targets"], "offset": 0, "order": "",
             "limit": 80, "count_limit": 10001,
             "domain": ["&", ["period_id.date_start", "<=", today],
                        ["period_id.date_end", ">=", today]]},
            "performance.target/web_search_read", screen,
        )  # fmt: skip
        self.timings.append(("screen", screen, time.perf_counter() - start, True))
        # 3. Statements.
        screen = "statements"
        start = time.perf_counter()
        action = self._rpc(
            "/web/action/load",
            {"action_id": "sales_performance_incentive.action_incentive_statement",
             **context},
            "action/load", screen,
        )  # fmt: skip
        self._views("incentive.statement", action, "incentive.statement/get_views",
                    screen)  # fmt: skip
        found = self._kw(
            "incentive.statement", "web_search_read", [],
            {"specification": self.specs["statements"], "offset": 0, "order": "",
             "limit": 80, "count_limit": 10001, "domain": [["user_id", "=", self.uid]]},
            "incentive.statement/web_search_read", screen,
        )  # fmt: skip
        self.timings.append(("screen", screen, time.perf_counter() - start, True))
        records = (found or {}).get("records") or []
        if not records:
            return
        # 4. The latest statement.
        screen = "statement"
        start = time.perf_counter()
        statement = records[0]["id"]
        self._kw("incentive.statement", "web_read", [[statement]],
                 {"specification": self.specs["statement"]},
                 "incentive.statement/web_read", screen)  # fmt: skip
        self._rpc(
            "/mail/thread/data",
            {"request_list": ["activities", "attachments", "followers",
                              "scheduledMessages", "suggestedRecipients"],
             "thread_id": statement, "thread_model": "incentive.statement"},
            "mail/thread/data", screen,
        )  # fmt: skip
        self._rpc("/mail/thread/messages", {"thread_id": statement, "limit": 30,
                  "thread_model": "incentive.statement"}, "mail/thread/messages",
                  screen)  # fmt: skip
        self.timings.append(("screen", screen, time.perf_counter() - start, True))


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
    reps = [Rep(url, db, login, prepared["specs"]) for login in prepared["logins"][:workers]]
    for _round in range(3):
        threads = [threading.Thread(target=rep.visit) for rep in reps]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def _run_level(url, db, prepared, count, seconds, server, logfile, until=None):
    reps = [Rep(url, db, login, prepared["specs"]) for login in prepared["logins"][:count]]
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
            screen: _percentiles([t[2] for t in timings if t[0] == "screen" and t[1] == screen])
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
    rows = [row for row in rows if not row["path"].startswith(("/web/session", "/web/health",
            "/websocket"))]  # fmt: skip
    if rows and done:
        result["server_per_visit"] = {
            "requests": round(len(rows) / done, 1),
            "queries": round(sum(int(r["queries"]) for r in rows) / done, 1),
            "sql_ms": round(1000 * sum(float(r["query_time"]) for r in rows) / done, 1),
            "python_ms": round(1000 * sum(float(r["remaining"]) for r in rows) / done, 1),
        }
        by_path = {}
        for row in rows:
            by_path.setdefault(row["path"].split("?")[0], []).append(int(row["queries"]))
        result["queries_per_request"] = {
            path: round(statistics.mean(values), 1) for path, values in sorted(by_path.items())
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

            level = _run_level(url, copy, prepared, args.close_level, 600, server,
                               logfile, until=close_done)  # fmt: skip
            level["during_close"] = {
                "state": _close_state(copy, period_id),
                "close_seconds": round(ended.get("at", time.perf_counter()) - started, 1),
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
