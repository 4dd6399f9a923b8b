# shellcheck shell=bash
# Helpers shared by setup/demo.sh and setup/test.sh. Source it, do not run it.
#
# Everything here works from the repository layout alone: an addon is any
# directory at the repository root holding a __manifest__.py, so new addons
# are picked up without editing these scripts.

SP_SETUP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SP_REPO_ROOT="$(cd "$SP_SETUP_DIR/.." && pwd)"
# Generated Odoo configs, logs and the filestore live here (git-ignored).
SP_RUN_DIR="${SP_RUN_DIR:-$SP_REPO_ROOT/.run}"

sp_info() { printf '==> %s\n' "$*"; }
sp_warn() { printf 'WARNING: %s\n' "$*" >&2; }
sp_die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

# Seconds since the epoch, for step timings.
sp_now() { date +%s; }

# --------------------------------------------------------------------------
# Odoo
# --------------------------------------------------------------------------

# Fail at once, with the name of the prerequisite, unless python3 can import
# Odoo 18. Runs from / so that nothing in the work tree can shadow `odoo`.
sp_require_odoo() {
    local out
    if ! out="$(cd / && python3 -c 'import odoo, odoo.release; assert odoo.release.version_info[0] == 18, odoo.release.version' 2>&1)"; then
        {
            echo "ERROR: Odoo 18.0 is not importable by python3."
            echo "  Prerequisite: an Odoo 18.0 (Community) source install, so that"
            echo "  'python3 -c \"import odoo\"' works from any directory"
            echo "  (for example: pip install -e /path/to/odoo). See README.md, Prerequisites."
            echo "  python3 is: $(command -v python3 || echo 'not found')"
            echo "  The import said:"
            printf '%s\n' "$out" | tail -n 3 | sed 's/^/    /'
        } >&2
        exit 1
    fi
}

# Odoo's own addons directories (odoo/addons, and addons/ of a source tree).
sp_odoo_core_addons_paths() {
    (cd / && python3 - <<'EOF'
import os
import odoo

pkg = os.path.dirname(os.path.abspath(odoo.__file__))
paths = [os.path.join(pkg, "addons"), os.path.join(os.path.dirname(pkg), "addons")]
print(",".join(p for p in paths if os.path.isdir(p)))
EOF
    )
}

# Addon directory names at the repository root, one per line, sorted.
# Addons whose manifest says installable=False are left out.
sp_addons() {
    python3 - "$SP_REPO_ROOT" <<'EOF'
import ast
import os
import sys

root = sys.argv[1]
for name in sorted(os.listdir(root)):
    manifest = os.path.join(root, name, "__manifest__.py")
    if name.startswith(".") or not os.path.isfile(manifest):
        continue
    with open(manifest, encoding="utf-8") as f:
        data = ast.literal_eval(f.read())
    if data.get("installable", True):
        print(name)
EOF
}

# Same list, comma separated (for odoo -i).
sp_addons_csv() { sp_addons | paste -sd, -; }

sp_addons_path() { printf '%s,%s\n' "$SP_REPO_ROOT" "$(sp_odoo_core_addons_paths)"; }

# sp_write_odoo_conf FILE DB HTTP_PORT
# Unix-socket connection as the current OS user unless PGHOST/PGPORT/PGUSER
# say otherwise (libpq reads them, and so does Odoo through it).
sp_write_odoo_conf() {
    local file="$1" db="$2" port="$3"
    mkdir -p "$(dirname "$file")" "$SP_RUN_DIR/data"
    cat >"$file" <<EOF
[options]
addons_path = $(sp_addons_path)
data_dir = $SP_RUN_DIR/data
db_name = $db
dbfilter = ^$db\$
list_db = False
without_demo = False
http_port = $port
max_cron_threads = 1
EOF
}

# sp_install_addons CONF DB LOGFILE ADDONS_CSV [EXTRA ODOO ARGS...]
# Install ADDONS into DB (demo data included) and stop. Fails, printing the
# end of the log, when Odoo exits non-zero, logs an ERROR/CRITICAL line, or
# when an addon ends up not installed or without its demo data.
sp_install_addons() {
    local conf="$1" db="$2" log="$3" addons="$4" rc=0
    shift 4
    mkdir -p "$(dirname "$log")"
    (cd / && python3 -m odoo -c "$conf" -d "$db" -i "$addons" "$@" \
        --stop-after-init --log-level=info) >"$log" 2>&1 || rc=$?

    local problems=""
    if [ "$rc" -ne 0 ]; then
        problems+="odoo exited with status $rc"$'\n'
    fi
    # Odoo log lines look like: "2024-01-01 12:00:00,000 123 ERROR db logger: msg".
    local errors
    errors="$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log" || true)"
    if [ -n "$errors" ]; then
        problems+="ERROR/CRITICAL lines in the install log:"$'\n'"$(head -n 20 <<<"$errors")"$'\n'
    fi
    # Odoo only warns about these, but they mean the install is not clean.
    local soft
    soft="$(grep -E 'demo data failed to install|invalid module names, ignored|not installable, skipped' "$log" || true)"
    if [ -n "$soft" ]; then
        problems+="$soft"$'\n'
    fi
    if [ "$rc" -eq 0 ]; then
        local addon state
        for addon in ${addons//,/ }; do
            state="$(psql -X -d "$db" -Atc \
                "SELECT state || '/' || CASE WHEN demo THEN 'demo' ELSE 'nodemo' END
                   FROM ir_module_module WHERE name = '$addon'" 2>/dev/null || true)"
            if [ "$state" != "installed/demo" ]; then
                problems+="addon $addon: expected installed with demo data, got '${state:-absent}'"$'\n'
            fi
        done
    fi

    if [ -n "$problems" ]; then
        local first
        first="$(grep -nE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) |demo data failed to install' "$log" |
            head -n 1 | cut -d: -f1)"
        {
            echo "ERROR: installing [$addons] into database '$db' failed:"
            printf '%s' "$problems" | sed 's/^/  /'
            if [ -n "$first" ]; then
                echo "---- $log from line $first (first problem) ----"
                sed -n "${first},$((first + 40))p" "$log"
            fi
            echo "---- last 40 lines of $log ----"
            tail -n 40 "$log"
            echo "---- end of log ----"
        } >&2
        return 1
    fi
    local warnings
    warnings="$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ WARNING ' "$log" || true)"
    sp_info "installed [$addons] into '$db' ($warnings warning line(s) in $log)"
}

# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------

# Run a command as the postgres OS user.
sp_as_postgres() {
    if [ "$(id -un)" = postgres ]; then
        "$@"
    elif [ "$(id -u)" -eq 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            (cd / && runuser -u postgres -- "$@")
        else
            (cd / && su postgres -s /bin/sh -c "$(printf '%q ' "$@")")
        fi
    elif command -v sudo >/dev/null 2>&1; then
        (cd / && sudo -n -u postgres -- "$@")
    else
        sp_die "need root, sudo or the postgres user to run: $*"
    fi
}

# Run a command as root (directly, or through sudo when available).
sp_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n -- "$@"
    else
        sp_die "need root or sudo to run: $*"
    fi
}

sp_apt_allowed() { [ -z "${SP_NO_APT:-}" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; }

sp_apt_updated=""
sp_apt_install() {
    if [ -z "$sp_apt_updated" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        sp_apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Make sure a local PostgreSQL server accepts connections and that a role
# named after the current OS user exists with superuser rights (Odoo creates
# databases and extensions). With PGHOST set to a remote server, only the
# connection is checked.
sp_ensure_postgres() {
    local me
    me="$(id -un)"
    if ! command -v psql >/dev/null 2>&1; then
        if sp_apt_allowed; then
            sp_info "installing PostgreSQL (apt-get install postgresql)"
            sp_apt_install postgresql postgresql-client
        else
            sp_die "PostgreSQL client tools (psql) not found; install PostgreSQL 12+ (see README.md)"
        fi
    fi

    if ! pg_isready -q 2>/dev/null; then
        if [ -n "${PGHOST:-}" ] && [ "${PGHOST#/}" = "$PGHOST" ]; then
            sp_die "PostgreSQL at PGHOST=$PGHOST does not answer"
        fi
        command -v pg_lsclusters >/dev/null 2>&1 ||
            sp_die "PostgreSQL is not running and pg_lsclusters (postgresql-common) is missing; start it yourself"
        if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
            local version
            version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n | tail -n 1)"
            [ -n "$version" ] || sp_die "no PostgreSQL server installed (/usr/lib/postgresql is empty)"
            sp_info "creating PostgreSQL cluster $version/main"
            sp_as_root pg_createcluster "$version" main >/dev/null
        fi
        local ver name status
        while read -r ver name _ status _; do
            if [ "$status" != online ]; then
                sp_info "starting PostgreSQL cluster $ver/$name"
                sp_as_root pg_ctlcluster "$ver" "$name" start
            fi
        done < <(pg_lsclusters -h)
        local tries=30
        until pg_isready -q 2>/dev/null || [ "$tries" -eq 0 ]; do
            tries=$((tries - 1))
            sleep 1
        done
        pg_isready -q 2>/dev/null || sp_die "PostgreSQL did not start (see pg_lsclusters and its log)"
    fi

    if ! psql -X -d postgres -Atc 'SELECT 1' >/dev/null 2>&1; then
        if [ -n "${PGHOST:-}" ] && [ "${PGHOST#/}" = "$PGHOST" ]; then
            sp_die "cannot connect to PostgreSQL at PGHOST=$PGHOST as ${PGUSER:-$me}"
        fi
        sp_info "creating PostgreSQL role '$me' (superuser)"
        sp_as_postgres createuser --superuser "$me" ||
            sp_die "could not create PostgreSQL role '$me'"
        psql -X -d postgres -Atc 'SELECT 1' >/dev/null ||
            sp_die "still cannot connect to PostgreSQL as '$me'"
    fi
}

sp_db_exists() {
    [ "$(psql -X -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

# Drop a database (closing its connections) and its filestore.
sp_drop_db() {
    local db="$1"
    if sp_db_exists "$db"; then
        sp_info "dropping database '$db'"
        psql -X -q -d postgres -v ON_ERROR_STOP=1 -c \
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$db' AND pid <> pg_backend_pid()" >/dev/null
        dropdb "$db"
    fi
    rm -rf "$SP_RUN_DIR/data/filestore/$db"
}

# Database names go into SQL and file paths: keep them plain.
sp_check_db_name() {
    [[ "$1" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$ ]] || sp_die "invalid database name: '$1'"
}
