#!/usr/bin/env bash
# The single test command of the suite: install every addon with demo data
# into a fresh database, lint, then run every test with pytest-odoo.
set -euo pipefail

# shellcheck source=setup/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
    cat <<EOF
Usage: setup/test.sh [options] [-- pytest arguments]

Runs, in order, and fails if any step fails:
  1. checks that python3 imports Odoo 18.0 (a prerequisite, see README.md);
  2. starts PostgreSQL if needed and creates a role for $(id -un) if missing;
  3. installs missing test tools (setup/requirements-test.txt) and Chromium;
  4. builds a fresh database with every addon of the repository and its demo data,
     then checks that updating them (odoo -u) loses or alters no data of the
     suite (setup/upgrade_check.py, on a copy of a freshly built database, so not
     with --reuse-db), and that the suite installs on a database already in
     use, uninstalls leaving nothing behind and installs again
     (setup/uninstall_check.py, on a database of its own; not with --reuse-db);
  5. lints: ruff check, ruff format --check, pylint-odoo (OCA mandatory checks);
  6. runs pytest (pytest-odoo, browser tours included) over every addon's
     tests/ and the suite-level tests/, against that database.

Options:
  --db NAME     test database (default: \$SP_TEST_DB or sp_test); dropped and rebuilt
  --reuse-db    keep the database if it exists (faster reruns; skips step 4 and
                its upgrade check)
  --no-lint     skip step 5
  -h, --help    show this help

Environment: SP_TEST_DB, SP_HTTP_PORT (port of the tours' server, default 8069), SP_NO_APT=1 (never call apt-get), PGHOST/PGPORT/PGUSER.
Example: setup/test.sh --reuse-db -- -k scorecard -x
EOF
}

db="${SP_TEST_DB:-sp_test}"
reuse_db=""
lint=1
pytest_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --db) db="${2:?--db needs a name}"; shift 2 ;;
        --db=*) db="${1#--db=}"; shift ;;
        --reuse-db) reuse_db=1; shift ;;
        --no-lint) lint=""; shift ;;
        -h | --help) usage; exit 0 ;;
        --) shift; pytest_args=("$@"); break ;;
        *) usage >&2; sp_die "unknown argument: $1" ;;
    esac
done

# 1. Odoo is a prerequisite: stop here, loudly, when it is missing.
sp_require_odoo
sp_check_db_name "$db"
started="$(sp_now)"

mapfile -t addons < <(sp_addons)
[ "${#addons[@]}" -gt 0 ] || sp_die "no addon (directory with __manifest__.py) at $SP_REPO_ROOT"
addons_csv="$(sp_addons_csv)"
sp_info "addons: $addons_csv"

# 2. PostgreSQL.
sp_ensure_postgres

# 3. Test tools.
ensure_python_requirements() {
    local missing
    missing="$(python3 - "$SP_SETUP_DIR/requirements-test.txt" <<'EOF'
import sys
from importlib import metadata

try:
    from packaging.requirements import Requirement
except ImportError:  # pip always vendors it
    from pip._vendor.packaging.requirements import Requirement

for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    req = Requirement(line)
    try:
        version = metadata.version(req.name)
    except metadata.PackageNotFoundError:
        print(line)
        continue
    if not req.specifier.contains(version, prereleases=True):
        print(line)
EOF
    )"
    if [ -n "$missing" ]; then
        sp_info "pip install: $(echo "$missing" | paste -sd' ' -)"
        # shellcheck disable=SC2086  # one requirement per line, no spaces inside
        python3 -m pip install -q --disable-pip-version-check $missing ||
            sp_die "could not install the test requirements ($SP_SETUP_DIR/requirements-test.txt)"
    fi
}
ensure_chromium() {
    local bin
    for bin in google-chrome chromium chromium-browser google-chrome-stable; do
        command -v "$bin" >/dev/null 2>&1 && return 0
    done
    if sp_apt_allowed; then
        sp_info "installing Chromium for browser tours (apt-get install chromium)"
        sp_apt_install chromium || sp_die "apt-get install chromium failed"
    else
        sp_warn "no Chromium found and apt-get not allowed: browser tours (HttpCase) will fail"
    fi
}
ensure_python_requirements
ensure_chromium

run_dir="$SP_RUN_DIR/test"
conf="$run_dir/odoo-$db.conf"
sp_write_odoo_conf "$conf" "$db" "${SP_HTTP_PORT:-8069}"

# 4. Fresh database with every addon and its demo data.
step="$(sp_now)"
upgrade_failed=""
uninstall_failed=""
if [ -n "$reuse_db" ] && sp_db_exists "$db"; then
    sp_info "reusing database '$db' (--reuse-db): not reinstalled"
else
    sp_drop_db "$db"
    sp_info "installing addons with demo data into '$db' (log: $run_dir/install-$db.log)"
    sp_install_addons "$conf" "$db" "$run_dir/install-$db.log" "$addons_csv"
    sp_info "install took $(($(sp_now) - step))s"
    # Upgrade check, on a copy: snapshot of the suite's tables, odoo -u, snapshot.
    sp_info "upgrade check: -u $addons_csv (log: $run_dir/upgrade-$db.log)"
    python3 "$SP_SETUP_DIR/upgrade_check.py" --conf "$conf" --db "$db" \
        --addons "$addons_csv" --log "$run_dir/upgrade-$db.log" || upgrade_failed=1
    # Uninstall check: install on a database in use, uninstall, install again.
    step="$(sp_now)"
    sp_info "uninstall check (log: $run_dir/uninstall-$db.log)"
    python3 "$SP_SETUP_DIR/uninstall_check.py" --conf "$conf" --db "$db" \
        --addons "$addons_csv" --log "$run_dir/uninstall-$db.log" || uninstall_failed=1
    sp_info "uninstall check took $(($(sp_now) - step))s"
fi

# 5. Lint.
lint_failed=""
if [ -n "$lint" ]; then
    step="$(sp_now)"
    cd "$SP_REPO_ROOT"
    sp_info "ruff check"
    python3 -m ruff check --no-fix . || lint_failed+=" ruff-check"
    sp_info "ruff format --check"
    python3 -m ruff format --check . || lint_failed+=" ruff-format"
    sp_info "pylint-odoo (OCA mandatory checks, .pylintrc-mandatory)"
    python3 -m pylint --rcfile="$SP_REPO_ROOT/.pylintrc-mandatory" \
        --valid-odoo-versions=18.0 "${addons[@]}" || lint_failed+=" pylint-odoo"
    if [ -n "$lint_failed" ]; then
        echo "LINT FAILED:$lint_failed (the tests still run; the command will fail)" >&2
    else
        sp_info "lint passed in $(($(sp_now) - step))s"
    fi
fi

# 6. Tests, last, so that pytest's summary line closes the output.
test_dirs=()
for addon in "${addons[@]}"; do
    [ -d "$SP_REPO_ROOT/$addon/tests" ] && test_dirs+=("$addon/tests")
done
[ -d "$SP_REPO_ROOT/tests" ] && test_dirs+=("tests")
[ "${#test_dirs[@]}" -gt 0 ] || sp_die "no tests/ directory found"

sp_info "pytest ${test_dirs[*]} (database '$db'; $(($(sp_now) - started))s so far)"
cd "$SP_REPO_ROOT"
rc=0
python3 -m pytest -p no:cacheprovider --rootdir="$SP_REPO_ROOT" \
    --odoo-config="$conf" --odoo-database="$db" --odoo-http \
    "${test_dirs[@]}" ${pytest_args[@]+"${pytest_args[@]}"} || rc=$?

# pytest exits 5 when it collected nothing: that is a failure too.
if [ "$rc" -ne 0 ]; then
    exit "$rc"
fi
[ -z "$lint_failed" ] || exit 1
[ -z "$uninstall_failed" ] || {
    echo "UNINSTALL CHECK FAILED (see above): the command fails" >&2
    exit 1
}
[ -z "$upgrade_failed" ] || {
    echo "UPGRADE CHECK FAILED (see above): the command fails" >&2
    exit 1
}
exit 0
