"""Benchmark of the background close on a database made by run.py generate.

    python3 bgclose.py --config CONF --db DB [--workers 2] [--chunk 200]
        [--out FILE.json]

Reopens the benchmark period (its scorecards and statements removed, as
``run.py measure`` does), makes the company close it in the background in
chunks of ``--chunk`` salespeople, clicks *Close Period* as the first
administrator, then starts ``--workers`` processes that each do what an Odoo
cron worker does with the job (``ir.cron._acquire_one_job`` and
``_process_job``, Odoo's batched scheduled actions) with the first of the
close's scheduled actions no other worker runs, until the close is done.
Reports the wall time from the click to the end, each step's time (one
transaction each), the queries of each chunk that are not INSERTs, and each
worker's peak memory. Not part of the test command.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import META_KEY, _reset, open_env, peak_rss_mib, query_count  # noqa: E402


def _start(env, chunk):
    meta = json.loads(env["ir.config_parameter"].get_param(META_KEY))
    period = env["performance.period"].browse(meta["period_id"])
    if period.state == "closed":
        period.action_reopen()
    period.close_job_id = False
    _reset(env, meta, period)
    period.company_id.write(
        {"performance_close_background_size": 1, "performance_close_chunk_size": chunk}
    )
    env.cr.commit()
    admin = env.ref("base.user_admin")
    start = time.perf_counter()
    period.with_user(admin).action_close()
    env.cr.commit()
    return meta, period, time.perf_counter() - start


def _start_when_ready(env, chunk, outs):
    """Click *Close Period* once every worker is loaded, then let them go."""
    while not all(Path(out + ".ready").exists() for out in outs):
        time.sleep(0.05)
    meta, period, click = _start(env, chunk)
    for out in outs:
        Path(out + ".go").touch()
    return meta, period, click


def _worker(env, out):
    """Run the close's scheduled job whenever it is free, until the close is
    done; time each step and count its queries."""
    from odoo import sql_db
    from odoo.sql_db import Cursor

    Job = type(env["performance.period.close.job"])
    run = Job._cron_run
    steps = []
    execute = Cursor.execute
    inserts = [0]

    def counting(cr, query, params=None, log_exceptions=True):
        if str(getattr(query, "code", query)).lstrip()[:6].upper() == "INSERT":
            inserts[0] += 1
        return execute(cr, query, params, log_exceptions)

    def timed_run(self):
        queries, inserts[0] = query_count(), 0
        start = time.perf_counter()
        result = run(self)
        self.env.flush_all()
        steps.append(
            {
                "seconds": round(time.perf_counter() - start, 3),
                "queries": query_count() - queries - inserts[0],
                "inserts": inserts[0],
            }
        )
        return result

    Job._cron_run = timed_run
    Cursor.execute = counting
    registry = env.registry
    cron_ids = env["performance.period.close.job"]._get_crons().ids
    env.cr.rollback()
    IrCron = registry["ir.cron"]
    db = sql_db.db_connect(registry.db_name)
    # Like a cron worker of a running server: loaded before the click.
    Path(out + ".ready").touch()
    while not Path(out + ".go").exists():
        time.sleep(0.01)
    while True:
        with registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*) FROM performance_period_close_job "
                "WHERE state = 'running'"
            )
            if not cr.fetchone()[0]:
                break
        # Like Odoo's cron thread: the first of the close's scheduled
        # actions that no other worker runs.
        job = None
        for cron_id in cron_ids:
            with db.cursor() as cron_cr:
                job = IrCron._acquire_one_job(cron_cr, cron_id)
                if job:
                    IrCron._process_job(db, cron_cr, job)
                    break
        if not job:
            time.sleep(0.05)
    Path(out).write_text(json.dumps({"steps": steps, "peak_mib": peak_rss_mib()}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=200)
    parser.add_argument("--out")
    parser.add_argument("--worker-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.chdir("/")
    env = open_env(args.config, args.db)
    try:
        if args.worker_out:
            _worker(env, args.worker_out)
            return
        with tempfile.TemporaryDirectory() as tmp:
            outs = [f"{tmp}/worker{n}.json" for n in range(args.workers)]
            procs = [
                subprocess.Popen(
                    [sys.executable, __file__, "--config", args.config]
                    + ["--db", args.db, "--worker-out", out]
                )
                for out in outs
            ]
            meta, period, click = _start_when_ready(env, args.chunk, outs)
            start = time.perf_counter() - click
            for proc in procs:
                proc.wait()
            workers = [json.loads(Path(out).read_text()) for out in outs]
        wall = time.perf_counter() - start
        env.invalidate_all()
        job = period.close_job_id
        steps = [step for worker in workers for step in worker["steps"]]
        queries = [step["queries"] for step in steps] or [0]
        result = {
            "step": "bgclose",
            "reps": meta["reps"],
            "lines": meta["lines"],
            "workers": args.workers,
            "chunk": args.chunk,
            "state": job.state,
            "chunks": job.chunk_count,
            "click_seconds": round(click, 3),
            "wall_seconds": round(wall, 3),
            "steps_seconds": round(sum(step["seconds"] for step in steps), 3),
            "longest_step_seconds": max(step["seconds"] for step in steps),
            "steps_per_worker": [len(worker["steps"]) for worker in workers],
            "non_insert_queries_per_step": [min(queries), max(queries)],
            "peak_mib_per_worker": [round(w["peak_mib"], 1) for w in workers],
            "paid_total": round(period.payout_total, 2),
        }
        text = json.dumps(result, indent=1)
        if args.out:
            Path(args.out).write_text(text)
        print(text)
    finally:
        env.cr.close()


if __name__ == "__main__":
    main()


def _n(value, spec=""):
    return format(value, f",{spec}").replace(",", " ")


def report_lines(result):
    """The background close point of the README, from this script's JSON."""
    return [
        "| N reps | L lines | workers | chunk | chunks | wall (s) | longest step (s) "
        "| non-INSERT queries per step | peak RSS per worker (MiB) | paid |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---|---:|",
        f"| {_n(result['reps'])} | {_n(result['lines'])} | {result['workers']} "
        f"| {result['chunk']} | {result['chunks']} | {result['wall_seconds']:.1f} "
        f"| {result['longest_step_seconds']:.2f} "
        f"| {result['non_insert_queries_per_step'][0]} to "
        f"{result['non_insert_queries_per_step'][1]} "
        f"| {', '.join(str(m) for m in result['peak_mib_per_worker'])} "
        f"| {_n(result['paid_total'], '.2f')} |",
    ]
