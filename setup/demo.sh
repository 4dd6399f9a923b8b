#!/usr/bin/env bash
# Create (or update) the demo database with every addon of the repository and
# its demo data, then serve it. Log in as admin / admin.
set -euo pipefail

# shellcheck source=setup/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
    cat <<EOF
Usage: setup/demo.sh [options] [-- extra odoo server arguments]

Installs every addon of the repository, with demo data, into the demo
database (creating it when missing; when it exists, its addons are updated
and addons added since are installed), then starts Odoo on it:
http://localhost:PORT, login admin / admin.

Options:
  --db NAME      database (default: \$SP_DEMO_DB or sales_performance_demo)
  --port PORT    HTTP port (default: \$SP_HTTP_PORT or 8069)
  --reset        drop the database first and rebuild it from scratch
  --no-start     install only, do not start the server
  -h, --help     show this help

Environment: SP_DEMO_DB, SP_HTTP_PORT, SP_NO_APT=1, PGHOST/PGPORT/PGUSER.
EOF
}

db="${SP_DEMO_DB:-sales_performance_demo}"
port="${SP_HTTP_PORT:-8069}"
reset=""
start=1
odoo_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --db) db="${2:?--db needs a name}"; shift 2 ;;
        --db=*) db="${1#--db=}"; shift ;;
        --port) port="${2:?--port needs a number}"; shift 2 ;;
        --port=*) port="${1#--port=}"; shift ;;
        --reset) reset=1; shift ;;
        --no-start) start=""; shift ;;
        -h | --help) usage; exit 0 ;;
        --) shift; odoo_args=("$@"); break ;;
        *) usage >&2; sp_die "unknown argument: $1" ;;
    esac
done

sp_require_odoo
sp_check_db_name "$db"
[[ "$port" =~ ^[0-9]+$ ]] || sp_die "invalid port: '$port'"

addons_csv="$(sp_addons_csv)"
[ -n "$addons_csv" ] || sp_die "no addon (directory with __manifest__.py) at $SP_REPO_ROOT"

sp_ensure_postgres

conf="$SP_RUN_DIR/demo/odoo-$db.conf"
sp_write_odoo_conf "$conf" "$db" "$port"

if [ -n "$reset" ]; then
    sp_drop_db "$db"
fi
update=()
if sp_db_exists "$db"; then
    sp_info "database '$db' exists: updating $addons_csv (new addons get installed)"
    update=(-u "$addons_csv")
else
    sp_info "creating database '$db' with demo data: $addons_csv (a few minutes)"
fi
sp_install_addons "$conf" "$db" "$SP_RUN_DIR/demo/install-$db.log" "$addons_csv" \
    ${update[@]+"${update[@]}"}

if [ -z "$start" ]; then
    exit 0
fi
sp_info "starting Odoo: http://localhost:$port  (login admin / admin, Ctrl+C to stop)"
cd /
exec python3 -m odoo -c "$conf" -d "$db" ${odoo_args[@]+"${odoo_args[@]}"}
