#!/usr/bin/env bash
# The slow property run: every property test (hypothesis) of the pure
# arithmetic modules with 10,000 examples per property instead of the 200 of
# the default run (setup/test.sh).
set -euo pipefail

# shellcheck source=setup/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The pure arithmetic modules: scoring curves, pace, allocation, incentive
# tier brackets, proration by working days.
PROPERTY_TESTS=(
    sales_performance/tests/test_scoring_tools.py
    sales_performance/tests/test_pace_tools.py
    sales_performance/tests/test_allocation_tools.py
    sales_performance_incentive/tests/test_brackets.py
    sales_performance_hr_link/tests/test_proration.py
)

usage() {
    cat <<EOF
Usage: setup/properties.sh [options] [-- pytest arguments]

Runs the property tests (hypothesis) of the pure arithmetic modules with
10000 examples per property (the default run of setup/test.sh uses 200):
$(printf '  %s\n' "${PROPERTY_TESTS[@]}")
The tests read no data, but pytest-odoo loads the registry of a database with
the addons installed: the test database of setup/test.sh is reused when it
exists, and built (addons with demo data) when it does not.

Options:
  --db NAME        database (default: \$SP_TEST_DB or sp_test); not modified
  --examples N     examples per property (default: \$SP_PROPERTY_EXAMPLES or 10000)
  -h, --help       show this help

Example: setup/properties.sh --examples 2000 -- -x
EOF
}

db="${SP_TEST_DB:-sp_test}"
examples="${SP_PROPERTY_EXAMPLES:-10000}"
pytest_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --db) db="${2:?--db needs a name}"; shift 2 ;;
        --db=*) db="${1#--db=}"; shift ;;
        --examples) examples="${2:?--examples needs a number}"; shift 2 ;;
        --examples=*) examples="${1#--examples=}"; shift ;;
        -h | --help) usage; exit 0 ;;
        --) shift; pytest_args=("$@"); break ;;
        *) usage >&2; sp_die "unknown argument: $1" ;;
    esac
done
[[ "$examples" =~ ^[1-9][0-9]*$ ]] ||
    sp_die "--examples needs a positive number, not '$examples'"

sp_require_odoo
sp_check_db_name "$db"
sp_ensure_postgres
python3 -c "import hypothesis, pytest_odoo" 2>/dev/null ||
    sp_die "hypothesis or pytest-odoo missing: run setup/test.sh once (it installs setup/requirements-test.txt)"

run_dir="$SP_RUN_DIR/test"
conf="$run_dir/odoo-$db.conf"
sp_write_odoo_conf "$conf" "$db" 8069
if ! sp_db_exists "$db"; then
    sp_info "no database '$db': installing the addons with demo data (log: $run_dir/install-$db.log)"
    sp_install_addons "$conf" "$db" "$run_dir/install-$db.log" "$(sp_addons_csv)"
fi

started="$(sp_now)"
sp_info "property tests, $examples examples per property (database '$db')"
cd "$SP_REPO_ROOT"
rc=0
SP_PROPERTY_EXAMPLES="$examples" python3 -m pytest -p no:cacheprovider \
    --rootdir="$SP_REPO_ROOT" --odoo-config="$conf" --odoo-database="$db" \
    "${PROPERTY_TESTS[@]}" ${pytest_args[@]+"${pytest_args[@]}"} || rc=$?
sp_info "property run took $(($(sp_now) - started))s"
exit "$rc"
