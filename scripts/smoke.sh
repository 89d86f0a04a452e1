#!/usr/bin/env bash
# Smoke run of a built `astrolabe` (the native build from scripts/publish.sh, or `dotnet .../astrolabe.dll`), as root:
# serve with a data root in /tmp, log in through the login form, create a user and start their notebook server
# through the hub API, follow its progress stream, proxy a request to it, run a TAP query, list users with
# pagination, stop the server. Prints one line per step and fails at the first step that goes wrong.
#   scripts/smoke.sh artifacts/native/astrolabe
#   scripts/smoke.sh dotnet src/Astrolabe/bin/Release/net10.0/astrolabe.dll
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "run as root (servers run as per-user Unix accounts)" >&2; exit 2; }
[ $# -ge 1 ] || { echo "usage: scripts/smoke.sh PROGRAM [ARGS...]" >&2; exit 2; }
program=("$@")
work=$(mktemp -d /tmp/astrolabe-smoke.XXXXXX)
chmod 755 "$work"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
password=smoke-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')
user=smoke$((RANDOM % 1000))
hub=""

cleanup() {
  set +e
  if [ -n "$hub" ]; then
    curl -s -o /dev/null -X DELETE -H "Authorization: token $token" "$base/hub/api/users/$user/server"
    kill -TERM "$hub" 2>/dev/null; wait "$hub" 2>/dev/null
  fi
  # The server outlives the hub by design; stop it by its process group.
  for pid in $(pgrep -f '^/usr/bin/python3 /usr/bin/jupyterhub-singleuser' 2>/dev/null); do
    if tr '\0' '\n' < /proc/"$pid"/environ 2>/dev/null | grep -qx "JUPYTERHUB_API_URL=$base/hub/api"; then
      kill -TERM -- "-$(ps -o pgid= -p "$pid" | tr -d ' ')" 2>/dev/null
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "smoke: FAILED: $*" >&2; echo "--- hub log (last 30 lines)" >&2; tail -30 "$work/log" >&2; exit 1; }
step() { echo "smoke: $*"; }

ASTROLABE_ADMIN_PASSWORD=$password "${program[@]}" serve --data-root "$work/data" --listen "$base" \
  --Hub:Services:0:Name=smoke --Hub:Services:0:Token="$token" \
  --Hub:Services:0:Scopes:0=admin:users --Hub:Services:0:Scopes:1=servers --Hub:Services:0:Scopes:2=access:servers \
  --Hub:Services:0:Scopes:3=read:users --Hub:Services:0:Scopes:4=list:users --Hub:Services:0:Scopes:5=read:servers \
  --Hub:Services:0:Scopes:6=delete:servers > "$work/log" 2>&1 &
hub=$!
for _ in $(seq 1 600); do curl -sf "$base/hub/api" >/dev/null && break; kill -0 "$hub" 2>/dev/null || fail "the hub exited"; sleep 0.1; done
version=$(curl -sf "$base/hub/api") || fail "no answer on $base/hub/api"
[[ "$version" == *'"version":"3.0.0"'* ]] || fail "hub API version: $version"
step "hub answers: $version"

jar=$work/cookies
form=$(curl -sf -c "$jar" "$base/hub/login") || fail "login page"
field=$(grep -o 'type="hidden" name="[^"]*" value="[^"]*"' <<< "$form" | head -1)
name=$(sed -E 's/.*name="([^"]*)".*/\1/' <<< "$field"); value=$(sed -E 's/.*value="([^"]*)".*/\1/' <<< "$field")
code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -b "$jar" -c "$jar" --data-urlencode "$name=$value" \
  --data-urlencode "username=admin" --data-urlencode "password=$password" --data-urlencode "next=/hub/admin" "$base/hub/login")
[[ "$code" == "302 "*"/hub/admin" ]] || fail "login answered $code"
admin=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$base/hub/admin")
[ "$admin" = 200 ] || fail "admin page after login: $admin"
step "logged in through the form; admin page 200"

api() { curl -s -H "Authorization: token $token" "$@"; }
created=$(api -o /dev/null -w '%{http_code}' -X POST "$base/hub/api/users/$user")
[ "$created" = 201 ] || fail "create user $user: $created"
started=$(api -o "$work/start.json" -w '%{http_code}' -X POST "$base/hub/api/users/$user/server")
[[ "$started" == 20[12] ]] || fail "start server: $started $(cat "$work/start.json")"
progress=$(api -N --max-time 90 "$base/hub/api/users/$user/server/progress") || true
grep -q '"ready":true' <<< "$progress" || fail "progress stream never said ready: $progress"
step "server started (HTTP $started); progress stream: $(grep -c '^data:' <<< "$progress") events, the last ready"

proxied=$(api -o "$work/proxied.json" -w '%{http_code}' "$base/user/$user/api")
[ "$proxied" = 200 ] && grep -q '"version"' "$work/proxied.json" || fail "proxied GET /user/$user/api: $proxied $(cat "$work/proxied.json")"
step "proxied request to the notebook server: $(cat "$work/proxied.json")"

tap=$(curl -s -w '\n%{http_code}' --data-urlencode "LANG=ADQL" --data-urlencode "REQUEST=doQuery" \
  --data-urlencode "QUERY=SELECT TOP 3 table_name FROM TAP_SCHEMA.tables ORDER BY table_name" "$base/tap/sync")
[[ "$tap" == *"<TR>"* && "${tap##*$'\n'}" = 200 ]] || fail "TAP sync query: $tap"
step "TAP query answered a VOTable with $(grep -o '<TR>' <<< "$tap" | wc -l) rows"

page=$(api -H "Accept: application/jupyterhub-pagination+json" "$base/hub/api/users?limit=1")
[[ "$page" == *'"_pagination"'* && "$page" == *'"total":2'* ]] || fail "user list with pagination: $page"
step "user list with pagination: total 2"

stopped=$(api -o /dev/null -w '%{http_code}' -X DELETE "$base/hub/api/users/$user/server")
[[ "$stopped" == 20[24] ]] || fail "stop server: $stopped"
step "server stopped (HTTP $stopped)"
echo "smoke: passed"
