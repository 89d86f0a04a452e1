#!/usr/bin/env bash
# Astrolabe's TAP service against DaCHS 2.7, in one run, on the same 1,000,000-row PostgreSQL table:
#   1. bench/dachs/dachs.sh setup: DaCHS installed if missing, configured in a temporary root, its own database
#   2. Astrolabe's demo catalogue ingested into that database (bench/tap --ingest-only)
#   3. DaCHS publishes the same physical table (bench/dachs/dachs.sh publish: RD, q3c index) and starts
#   4. bench/tap --shared: cone, COUNT, TOP 1000 interleaved over both services and each one's SQL on the database;
#      streaming BINARY2 and CSV; then the embedded SQLite default on the same queries
#   5. bench/adql: ADQL parse+translate per query, Astrolabe against DaCHS's ADQL library
# Everything DaCHS needed is stopped and removed at the end (server by PID, database, roles, temporary root).
#
#   bench/tap/side-by-side.sh [--rows 1000000] [--repeat 31] [--port 8081] [--skip-sqlite]
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=1000000; repeat=31; port=8081; sqlite=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --skip-sqlite) sqlite=(--skip-sqlite); shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d /tmp/astrolabe-dachs.XXXXXX)
trap 'bench/dachs/dachs.sh teardown "$work" || true; rmdir "$work" 2>/dev/null || true' EXIT

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load:$(uptime | sed 's/.*load average://')"
conn=$(scripts/postgres.sh)
bench/dachs/dachs.sh setup "$work" "$port"
shared="${conn%;Database=*};Database=astrolabe_dachs_bench"
dotnet build -c Release bench/tap -v q -nologo > /dev/null
dotnet build -c Release bench/adql -v q -nologo > /dev/null
dotnet run -c Release --no-build --project bench/tap -- --ingest-only "$shared" --rows "$rows"
bench/dachs/dachs.sh publish "$work"
bench/dachs/dachs.sh start "$work"
echo "# indexes on demo.objects (Astrolabe uses its HEALPix column's B-tree, DaCHS its q3c index):"
su postgres -c "psql -qAtX -d astrolabe_dachs_bench -c \"select indexname || ': ' || indexdef from pg_indexes where schemaname='demo' and tablename='objects'\"" | sed 's/^/#   /'
dotnet run -c Release --no-build --project bench/tap -- --shared "$shared" --dachs-work "$work" --repeat "$repeat" --rows "$rows" "${sqlite[@]}"
echo "== ADQL parse+translate (bench/adql)"
dotnet run -c Release --no-build --project bench/adql
echo "# load at the end:$(uptime | sed 's/.*load average://')"
