#!/usr/bin/env bash
# DaCHS 2.7 (Debian gavodachs2-server) as a benchmark baseline, on this machine's PostgreSQL 15, beside the
# package's own installation (/etc/gavo.rc, /var/gavo and the roles gavo/gavoadmin/untrusted are left alone).
#
#   bench/dachs/dachs.sh setup    WORK [PORT]  install if missing; DaCHS root WORK/root (its own gavo.rc, selected
#                                              with GAVOSETTINGS), database astrolabe_dachs_bench owned by
#                                              astrolabe_test, DaCHS roles astrolabe_dachs_*, `dachs init`
#   bench/dachs/dachs.sh publish  WORK         after the demo catalogue has been ingested into that database:
#                                              an RD whose onDisk table is demo.objects, generated from the
#                                              table's own TAP_SCHEMA metadata, mixin //scs#q3cindex; `dachs imp -I`
#                                              (metadata, privileges, DaCHS's q3c index, clustered)
#   bench/dachs/dachs.sh start    WORK         `dachs serve start --foreground` in the background, waits for
#                                              /tap/availability; PID in WORK/dachs.pid
#   bench/dachs/dachs.sh sql      WORK FILE [MAXREC]  DaCHS's own translation (adqlglue.morphADQL, as its TAP
#                                              service does it) of each ADQL query in the JSON list FILE, printed
#                                              as a JSON list of SQL strings
#   bench/dachs/dachs.sh stop     WORK         stops the server by its PID
#   bench/dachs/dachs.sh teardown WORK         stop, drop the database and the astrolabe_dachs_* roles, remove WORK
#
# Every step is idempotent. Runs as root; DaCHS itself runs as the package's `dachsroot` user (a PostgreSQL
# superuser the package creates), passwords are made up per run and live only in WORK.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cmd=${1:?usage: dachs.sh setup|publish|start|sql|stop|teardown WORK}
work=${2:?WORK directory}
db=astrolabe_dachs_bench
prefix=astrolabe_dachs_
export GAVOSETTINGS="$work/gavo.rc"

as_dachs() { runuser -u dachsroot -- env GAVOSETTINGS="$GAVOSETTINGS" HOME=/tmp "$@"; }
psql_su() { su postgres -c "psql -qAtX -v ON_ERROR_STOP=1 $*"; }

setup() {
  local port=${1:-8081}
  # PostgreSQL first: the package's post-install script needs a running server.
  "$repo/scripts/postgres.sh" > /dev/null
  if ! dpkg-query -W -f='${Status}' gavodachs2-server 2>/dev/null | grep -q "install ok installed"; then
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends gavodachs2-server >&2
  fi
  getent passwd dachsroot > /dev/null || { echo "dachsroot user missing after install" >&2; exit 1; }
  psql_su -c "\"select 1 from pg_roles where rolname='dachsroot'\"" | grep -q 1 \
    || su postgres -c "createuser -s dachsroot"

  mkdir -p "$work/root/etc"
  chown -R dachsroot:gavo "$work"
  chmod 750 "$work"
  cat > "$work/gavo.rc" <<RC
[general]
rootDir: $work/root

[web]
bindAddress: 127.0.0.1
serverPort: $port
serverURL: http://127.0.0.1:$port
user: dachsroot
sitename: Astrolabe benchmark baseline

[async]
defaultExecTimeSync: 600
defaultMAXREC: 20000
hardMAXREC: 20000000

[db]
profilePath: $work/root/etc

[ivoa]
authority: astrolabe.bench
RC
  echo "$port" > "$work/port"
  # DaCHS's profiles name its three roles; `dachs init` keeps profiles that exist and creates (or re-passwords)
  # the roles they name, so these prefixed roles leave the package's gavo/gavoadmin/untrusted untouched.
  for pair in feed:admin trustedquery:gavo untrustedquery:untrusted; do
    local file=${pair%%:*} user=$prefix${pair##*:}
    if [ ! -s "$work/root/etc/$file" ]; then
      printf 'include dsn\nuser = %s\npassword = %s\n' "$user" "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" \
        > "$work/root/etc/$file"
    fi
  done
  printf 'database = %s\nhost = localhost\nport = 5432\n' "$db" > "$work/root/etc/dsn"
  chown -R dachsroot:gavo "$work"
  chmod 600 "$work"/root/etc/feed "$work"/root/etc/*query

  psql_su -c "\"select 1 from pg_database where datname='$db'\"" | grep -q 1 \
    || su postgres -c "createdb --encoding=UTF-8 --template template0 -O astrolabe_test $db"
  # q3c and pg_sphere are DaCHS's; `dachs init` creates them as extensions when the packages are installed.
  if ! psql_su -d "$db" -c "\"select 1 from dc.tablemeta limit 1\"" > /dev/null 2>&1; then
    (cd /tmp && as_dachs dachs init -d "dbname=$db") >&2
  fi
  # `dachs imp` of any table consults the ObsCore registry, which `dachs init` does not create.
  if ! psql_su -d "$db" -c "\"select 1 from ivoa._obscoresources limit 1\"" > /dev/null 2>&1; then
    (cd /tmp && as_dachs dachs imp //obscore) >&2
  fi
}

publish() {
  # The RD's table is the physical demo.objects our ingest wrote, with the columns our TAP_SCHEMA publishes (not
  # our HEALPix column) and their units, UCDs and descriptions; DaCHS takes over ownership (it grants and revokes privileges and builds its
  # index), and the role our service connects as gets SELECT back afterwards.
  mkdir -p "$work/root/inputs/astrolabe"
  as_dachs /usr/bin/python3 - "$db" > "$work/root/inputs/astrolabe/q.rd" <<'PY'
import sys
from xml.sax.saxutils import quoteattr
import psycopg2

conn = psycopg2.connect(dbname=sys.argv[1])
cur = conn.cursor()
cur.execute("""select c.column_name, c.data_type, m.unit, m.ucd, m.description
               from information_schema.columns c
               join "TAP_SCHEMA".columns m on m.table_name = 'demo.objects' and m.column_name = c.column_name
               where c.table_schema = 'demo' and c.table_name = 'objects' order by c.ordinal_position""")
rows = cur.fetchall()
if not rows:
    sys.exit("demo.objects not found: ingest the demo catalogue first")
cur.execute("""select description from "TAP_SCHEMA".tables where table_name = 'demo.objects'""")
description = (cur.fetchone() or ["Astrolabe demo catalogue"])[0]
out = ['<resource schema="demo" resdir="astrolabe">',
       '  <meta name="title">Astrolabe demo catalogue (benchmark baseline)</meta>',
       '  <meta name="creationDate">2026-11-22T00:00:00Z</meta>',
       f'  <meta name="description">{description}</meta>',
       '  <meta name="subject">benchmarks</meta>',
       '  <table id="objects" onDisk="True" adql="True" mixin="//scs#q3cindex">',
       f'    <meta name="description">{description}</meta>']
for name, sql_type, unit, ucd, desc in rows:
    attrs = f'name={quoteattr(name)} type={quoteattr("text" if sql_type == "character varying" else sql_type)}'
    if unit:
        attrs += f' unit={quoteattr(unit)}'
    if ucd:
        attrs += f' ucd={quoteattr(ucd)}'
    if desc:
        attrs += f' description={quoteattr(desc)}'
    out.append(f'    <column {attrs}/>')
out += ['  </table>', '  <data id="import"><make table="objects"/></data>', '</resource>']
print("\n".join(out))
PY
  chown -R dachsroot:gavo "$work/root/inputs"
  psql_su -d "$db" <<SQL
ALTER SCHEMA demo OWNER TO ${prefix}admin;
ALTER TABLE demo.objects OWNER TO ${prefix}admin;
SQL
  (cd /tmp && as_dachs dachs imp -I astrolabe/q) >&2
  psql_su -d "$db" <<SQL
GRANT USAGE ON SCHEMA demo TO astrolabe_test;
GRANT SELECT ON demo.objects TO astrolabe_test;
SQL
}

start() {
  local port
  port=$(cat "$work/port")
  if [ -s "$work/dachs.pid" ] && [ -d "/proc/$(cat "$work/dachs.pid")" ]; then
    return 0
  fi
  # exec: the recorded PID is runuser's itself, and the server is its only child.
  (cd /tmp && exec runuser -u dachsroot -- env GAVOSETTINGS="$GAVOSETTINGS" HOME=/tmp \
    dachs serve start --foreground > "$work/serve.log" 2>&1) &
  echo $! > "$work/dachs.pid"
  for _ in $(seq 1 300); do
    if curl -fsS "http://127.0.0.1:$port/tap/availability" 2>/dev/null | grep -q "<avl:available>true"; then
      echo "DaCHS serving on http://127.0.0.1:$port/tap (pid $(cat "$work/dachs.pid"))" >&2
      return 0
    fi
    sleep 0.2
  done
  echo "DaCHS did not answer /tap/availability within 60 s; log:" >&2
  tail -30 "$work/serve.log" >&2
  exit 1
}

sql() {
  local file=${1:?JSON file with a list of ADQL queries} maxrec=${2:-20000}
  chmod a+r "$file"
  (cd /tmp && as_dachs /usr/bin/python3 -c '
import json, sys
from gavo import api
from gavo.protocols import adqlglue
from gavo.adql import nodes
out = []
for q in json.load(open(sys.argv[1])):
    morphed, _ = adqlglue.morphADQL(q, maxrec=int(sys.argv[2]))
    out.append(morphed.replace("%%", "%"))  # DaCHS escapes % for its DB-API call
print(json.dumps(out))
' "$file" "$maxrec")
}

stop() {
  [ -s "$work/dachs.pid" ] || return 0
  local pid
  pid=$(cat "$work/dachs.pid")
  # runuser is the recorded PID; the server is its child. Stop the server first, then runuser.
  local child
  child=$(pgrep -P "$pid" || true)
  for p in $child $pid; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for p in $child $pid; do
      state=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null || true)
      [ -n "$state" ] && [ "$state" != Z ] && alive=1
    done
    [ $alive = 0 ] && break
    sleep 0.2
  done
  for p in $child $pid; do kill -KILL "$p" 2>/dev/null || true; done
  rm -f "$work/dachs.pid"
}

teardown() {
  stop
  psql_su -c "\"DROP DATABASE IF EXISTS $db WITH (FORCE)\"" 2>/dev/null || true
  for r in admin gavo untrusted; do psql_su -c "\"DROP ROLE IF EXISTS $prefix$r\"" 2>/dev/null || true; done
  # Only a directory this script set up (it holds our gavo.rc) is removed.
  if [ -f "$work/gavo.rc" ]; then rm -rf "$work"; fi
}

case "$cmd" in
  setup) setup "${3:-8081}" ;;
  publish) publish ;;
  start) start ;;
  sql) sql "${3:?FILE}" "${4:-20000}" ;;
  stop) stop ;;
  teardown) teardown ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
