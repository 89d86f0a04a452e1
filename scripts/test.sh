#!/usr/bin/env bash
# Runs every test against the real components: installs what is missing, starts PostgreSQL, runs xunit.
#   scripts/test.sh                 all tests
#   scripts/test.sh --filter EXPR   a subset (dotnet test filter syntax)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
ASTROLABE_TEST_POSTGRES=$(scripts/postgres.sh)
case "$ASTROLABE_TEST_POSTGRES" in
  Host=*) export ASTROLABE_TEST_POSTGRES ;;
  *) echo "scripts/postgres.sh printed something other than a connection string" >&2; exit 1 ;;
esac
export ASTROLABE_TEST_ARTIFACTS="${ASTROLABE_TEST_ARTIFACTS:-$PWD/artifacts/tests}"
mkdir -p "$ASTROLABE_TEST_ARTIFACTS"

log=$(mktemp)
status=0
dotnet test Astrolabe.slnx -c Release --no-build -nologo -m:1 "$@" 2>&1 | tee "$log" || status=$?
# One closing line for the whole run: "N passed, N failed, N skipped".
awk '/(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) { v = $(i+1); gsub(",", "", v)
         if ($i == "Failed:") f += v; if ($i == "Passed:") p += v; if ($i == "Skipped:") s += v } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit $status
