#!/usr/bin/env bash
# Starts the machine's PostgreSQL 15 cluster (there is no systemd) and makes a test role.
# Prints the connection string for the tests. Idempotent.
set -euo pipefail
# Only the connection string goes to stdout: everything the tools print (such as
# "removed stale pid file.") goes to stderr, or it would end up in the string.
exec 3>&1 1>&2
cluster_ver=15
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$cluster_ver main"; then
  pg_createcluster $cluster_ver main 3>&- >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^$cluster_ver main .* online"; then
  pg_ctlcluster $cluster_ver main start 3>&-
fi
for _ in $(seq 1 100); do
  su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 0.1
done
password_file=/var/lib/postgresql/astrolabe-test.password
if [ ! -s "$password_file" ]; then
  head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$password_file"
  chmod 600 "$password_file"
fi
password=$(cat "$password_file")
su postgres -c "psql -qAt" >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'astrolabe_test') THEN
    CREATE ROLE astrolabe_test LOGIN CREATEDB;
  END IF;
END \$\$;
ALTER ROLE astrolabe_test PASSWORD '$password';
SQL
su postgres -c "psql -qAtc \"select 1 from pg_database where datname='astrolabe_test'\"" | grep -q 1 \
  || su postgres -c "createdb -O astrolabe_test astrolabe_test"
echo "Host=127.0.0.1;Port=5432;Username=astrolabe_test;Password=$password;Database=astrolabe_test" >&3
