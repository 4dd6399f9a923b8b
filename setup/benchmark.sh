#!/usr/bin/env bash
# Period-close benchmark: generate reps and posted invoice lines in dedicated
# databases, then measure target actuals, scorecards, statements and the whole
# close against the bare SQL aggregation, OCA's commission settlement and the
# rep's home screen. Not part of the test command.
set -euo pipefail

# shellcheck source=setup/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
    cat <<EOF
Usage: setup/benchmark.sh [options]

Builds (once) a base database with every addon of the repository and no demo
data, then for each measured point (N reps, L invoice lines) copies it, fills
it with setup/benchmark/generator.py (bulk SQL, rows as Odoo writes them) and
measures, one process per step: (a) refreshing all target actuals, (b)
generating all scorecards, (c) generating all statements, (d) the whole close,
the bare SQL aggregation over the same lines, and the rep's "My Performance"
server calls. Prints a markdown table and writes it to --out.

Options:
  --reps N         reps of the headline point (default 1000)
  --teams M        sales teams (default 50)
  --lines L        invoice lines of the headline point (default 1000000)
  --no-scaling     measure the headline point only (default also measures
                   L = 10000 and 100000 with N reps, and N = 100 with L lines)
  --no-oca         skip the OCA commission peer (default: at L = 100000, with
                   commission_oca and account_commission_oca 18.0 installed from
                   PyPI into the benchmark's own directory)
  --no-load        skip the load of reps' visits over HTTP (default: on a copy
                   of the headline database, setup/benchmark/load.py: 1, 10,
                   25 and 50 reps in flight, then 25 during a background close)
  --big N:L        the background close point (default 10000:10000000): N reps,
                   L lines generated into NAME_big, closed in the background by
                   two cron workers (setup/benchmark/bgclose.py), then dropped;
                   about 10 GB of disk while it lasts
  --no-big         skip that point
  --db NAME        database of the headline point, kept afterwards
                   (default sp_bench); the others are NAME_<N>_<L>, dropped
  --reset          rebuild the base database NAME_base
  --out FILE       markdown table (default .run/benchmark/results.md)
  -h, --help       show this help

Environment: PGHOST/PGPORT/PGUSER.
EOF
}

reps=1000
teams=50
lines=1000000
scaling=1
oca=1
load=1
big="10000:10000000"
db="sp_bench"
reset=""
out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) reps="${2:?}"; shift 2 ;;
        --teams) teams="${2:?}"; shift 2 ;;
        --lines) lines="${2:?}"; shift 2 ;;
        --no-scaling) scaling=""; shift ;;
        --no-oca) oca=""; shift ;;
        --no-load) load=""; shift ;;
        --big) big="${2:?}"; shift 2 ;;
        --no-big) big=""; shift ;;
        --db) db="${2:?}"; shift 2 ;;
        --reset) reset=1; shift ;;
        --out) out="${2:?}"; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; sp_die "unknown argument: $1" ;;
    esac
done
for number in "$reps" "$teams" "$lines" ${big:+"${big%%:*}" "${big##*:}"}; do
    [[ "$number" =~ ^[0-9]+$ ]] || sp_die "not a number: $number"
done
sp_require_odoo
sp_check_db_name "$db"
sp_ensure_postgres

run_dir="$SP_RUN_DIR/benchmark"
results="$run_dir/results"
out="${out:-$run_dir/results.md}"
mkdir -p "$run_dir"
rm -rf "$results"
mkdir -p "$results"
driver="$SP_SETUP_DIR/benchmark/run.py"
addons_csv="$(sp_addons_csv)"
conf="$run_dir/odoo-bench.conf"
sp_write_odoo_conf "$conf" "$db" 8103
sed -i 's/^without_demo = .*/without_demo = all/' "$conf"

# Machine, for the report.
python3 - "$results/machine.txt" <<'EOF'
import json, os, subprocess, sys
cpu = "?"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
pg = subprocess.run(["psql", "-X", "-d", "postgres", "-Atc", "SHOW server_version"],
                    capture_output=True, text=True).stdout.strip()
json.dump({"cpu": cpu, "cores": os.cpu_count(), "ram": f"{ram:.0f} GiB",
           "load": " ".join(open("/proc/loadavg").read().split()[:3]), "pg": pg},
          open(sys.argv[1], "w"))
EOF

# 1. Base database: every addon, no demo data.
base="${db}_base"
if [ -n "$reset" ]; then
    sp_drop_db "$base"
fi
if ! sp_db_exists "$base"; then
    sp_info "installing $addons_csv without demo data into '$base' (a few minutes)"
    (cd / && python3 -m odoo -c "$conf" -d "$base" -i "$addons_csv" --without-demo=all \
        --stop-after-init --log-level=warn) >"$run_dir/install-$base.log" 2>&1 ||
        sp_die "install failed, see $run_dir/install-$base.log"
fi

# 2. Points to measure.
points=("$reps:$lines")
if [ -n "$scaling" ]; then
    for scaled in 10000 100000; do
        [ "$scaled" -lt "$lines" ] && points+=("$reps:$scaled")
    done
    [ "$reps" -gt 100 ] && points+=("100:$lines")
fi

run() { (cd / && python3 "$driver" --config "$conf" "$@"); }

measure_point() {
    local point_reps="$1" point_lines="$2" point_db="$3" step
    sp_drop_db "$point_db"
    createdb -T "$base" "$point_db"
    sp_info "[$point_reps reps, $point_lines lines] generating into '$point_db'"
    run --db "$point_db" generate --reps "$point_reps" --teams "$teams" \
        --lines "$point_lines" | tee "$run_dir/generate-$point_db.json"
    psql -X -q -d "$point_db" -c "VACUUM ANALYZE" >/dev/null
    for step in bound actuals scorecards statements close home; do
        sp_info "[$point_reps reps, $point_lines lines] measuring $step"
        run --db "$point_db" measure "$step" \
            --out "$results/${point_reps}_${point_lines}_${step}.json" >/dev/null
    done
}

oca_peer() {
    local point_db="$1" point_reps="$2" point_lines="$3"
    local target="$run_dir/oca"
    if [ ! -d "$target/odoo/addons/account_commission_oca" ]; then
        sp_info "pip install (into $target only): commission_oca, account_commission_oca 18.0"
        python3 -m pip install -q --no-deps --target "$target" \
            "odoo-addon-commission_oca>=18.0,<18.1" \
            "odoo-addon-account_commission_oca>=18.0,<18.1" || return 1
    fi
    local oca_conf="$run_dir/odoo-bench-oca.conf"
    sed "s#^addons_path = #addons_path = $target/odoo/addons,#" "$conf" >"$oca_conf"
    sp_info "installing account_commission_oca into '$point_db'"
    (cd / && python3 -m odoo -c "$oca_conf" -d "$point_db" -i account_commission_oca \
        --stop-after-init --log-level=warn) >"$run_dir/install-oca.log" 2>&1 || return 1
    (cd / && python3 "$driver" --config "$oca_conf" --db "$point_db" oca-setup) || return 1
    psql -X -q -d "$point_db" -c "VACUUM ANALYZE" >/dev/null
    sp_info "[$point_reps reps, $point_lines lines] measuring the OCA settlement"
    (cd / && python3 "$driver" --config "$oca_conf" --db "$point_db" oca-settle \
        --out "$results/${point_reps}_${point_lines}_oca_settle.json") >/dev/null || return 1
}

oca_done=""
for point in "${points[@]}"; do
    point_reps="${point%%:*}"
    point_lines="${point##*:}"
    if [ "$point" = "$reps:$lines" ]; then
        point_db="$db"
    else
        point_db="${db}_${point_reps}_${point_lines}"
    fi
    measure_point "$point_reps" "$point_lines" "$point_db"
    if [ -n "$oca" ] && [ "$point_lines" = 100000 ] && [ -z "$oca_done" ]; then
        oca_peer "$point_db" "$point_reps" "$point_lines" ||
            sp_warn "the OCA peer failed (see $run_dir); going on without it"
        oca_done=1
    fi
    [ "$point_db" = "$db" ] || sp_drop_db "$point_db"
done
if [ -n "$oca" ] && [ -z "$oca_done" ]; then
    # The peer runs at L = 100000 even when that is not a scaling point.
    peer_db="${db}_${reps}_100000"
    measure_point "$reps" 100000 "$peer_db"
    oca_peer "$peer_db" "$reps" 100000 ||
        sp_warn "the OCA peer failed (see $run_dir); going on without it"
    sp_drop_db "$peer_db"
fi

if [ -n "$load" ]; then
    sp_info "[$reps reps, $lines lines] load of reps' visits over HTTP (copy of '$db')"
    (cd / && python3 "$SP_SETUP_DIR/benchmark/load.py" --config "$conf" --db "$db" \
        --out "$results/load.json") >"$run_dir/load.out" 2>&1 ||
        sp_warn "the load measurement failed, see $run_dir/load.out"
    sp_drop_db "${db}_load"
fi

if [ -n "$big" ]; then
    big_reps="${big%%:*}"
    big_lines="${big##*:}"
    big_db="${db}_big"
    sp_drop_db "$big_db"
    createdb -T "$base" "$big_db"
    sp_info "[$big_reps reps, $big_lines lines] generating into '$big_db'"
    run --db "$big_db" generate --reps "$big_reps" --teams "$teams" \
        --lines "$big_lines" | tee "$run_dir/generate-$big_db.json"
    psql -X -q -d "$big_db" -c "VACUUM ANALYZE" >/dev/null
    run --db "$big_db" measure bound \
        --out "$results/${big_reps}_${big_lines}_bound.json" >/dev/null
    sp_info "[$big_reps reps, $big_lines lines] background close, two cron workers"
    (cd / && python3 "$SP_SETUP_DIR/benchmark/bgclose.py" --config "$conf" \
        --db "$big_db" --workers 2 --chunk 200 --out "$results/bgclose.json") ||
        sp_warn "the background close point failed"
    sp_drop_db "$big_db"
fi

python3 "$driver" report --results "$results" --out "$out"
sp_info "table written to $out; the headline database '$db' is kept"
