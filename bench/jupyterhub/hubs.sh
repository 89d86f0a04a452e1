# Sourced by run.sh and ramp.sh: starts Debian's JupyterHub 3.0 (+ configurable-http-proxy) and one or more
# `astrolabe serve` processes on 127.0.0.1, each with a service token for the benchmark, and stops everything
# (hubs, every notebook server they started, our hub's control groups, the temporary directory) on exit,
# Ctrl-C or failure. Sets TARGETS to the --target arguments for bench/hub.
#
# ASTROLABE_VARIANTS: space-separated name:ENV=VAL,ENV=VAL entries, one `astrolabe serve` process each, e.g.
#   "astrolabe: workstation-gc:DOTNET_gcServer=0 no-tiered-pgo:DOTNET_TieredPGO=0" (default "astrolabe:").
#   Settings go in as ASTROLABE_Hub__Sandbox=None; DLL=/path/astrolabe.dll runs another build (e.g. a ReadyToRun publish)
#   under `dotnet`; EXE=/path/astrolabe runs an executable build (scripts/publish.sh: native AOT or self-contained).
# ASTROLABE_DLL: a built astrolabe.dll to run instead of building src/Astrolabe (Release) here.
# Must run as root: JupyterHub's LocalProcessSpawner and our hub both run servers as per-user Unix accounts.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 2; }
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
work=$(mktemp -d /tmp/jhbench.XXXXXX)
chmod 755 "$work"
hub_ports=()

cleanup() {
  set +e
  # Our hub leaves servers running when it exits (they outlive restarts by design), and a killed JupyterHub may too:
  # stop every notebook server whose hub API is one of this run's hubs, by its process group.
  for pid in $(pgrep -f '^/usr/bin/python3 /usr/bin/jupyterhub-singleuser' 2>/dev/null); do
    api=$(tr '\0' '\n' < /proc/"$pid"/environ 2>/dev/null | sed -n 's/^JUPYTERHUB_API_URL=//p')
    for p in "${hub_ports[@]}"; do
      if [[ "$api" == "http://127.0.0.1:$p/"* ]]; then
        pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
        [ -n "$pgid" ] && [ "$pgid" -gt 1 ] && kill -TERM -- "-$pgid" 2>/dev/null
        kill -TERM "$pid" 2>/dev/null
      fi
    done
  done
  for f in "$work"/*.pid; do [ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null; done
  for _ in $(seq 1 50); do
    alive=0; for f in "$work"/*.pid; do [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.2
  done
  for f in "$work"/*.pid; do [ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null; done
  # Control groups our hub made for this run's users (empty once their servers are gone).
  sleep 0.5
  for leaf in $(cat "$work"/users 2>/dev/null); do
    find /sys/fs/cgroup -maxdepth 8 -type d -path "*/astrolabe/$leaf" -exec rmdir {} \; 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 600); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }

TARGETS=()
LOGS=()   # --logs name=path: where each hub's servers log (for the breakdown of spawn time)

start_jupyterhub() {
  local port hubport apiport token
  port=$(free_port); hubport=$(free_port); apiport=$(free_port)
  token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  mkdir -p "$work/jupyterhub"
  cat > "$work/jupyterhub/jupyterhub_config.py" <<PY
c.JupyterHub.ip = '127.0.0.1'
c.JupyterHub.port = $port
c.JupyterHub.hub_port = $hubport
c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:$apiport'
c.JupyterHub.db_url = 'sqlite:///$work/jupyterhub/jupyterhub.sqlite'
c.JupyterHub.cookie_secret_file = '$work/jupyterhub/cookie_secret'
c.JupyterHub.pid_file = '$work/jupyterhub/jupyterhub.pid'
c.JupyterHub.authenticator_class = 'jupyterhub.auth.DummyAuthenticator'
c.JupyterHub.services = [{'name': 'bench', 'api_token': '$token'}]
c.JupyterHub.load_roles = [{'name': 'bench', 'scopes': ['admin:users', 'admin:servers', 'access:servers', 'list:users', 'read:users'], 'services': ['bench']}]
c.Spawner.default_url = '/tree'
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
c.JupyterHub.log_level = 'WARN'
PY
  (cd "$work/jupyterhub" && NODE_PATH=/usr/share/nodejs exec /usr/bin/jupyterhub -f "$work/jupyterhub/jupyterhub_config.py" > "$work/jupyterhub/log" 2>&1) &
  echo $! > "$work/jupyterhub.pid"
  hub_ports+=("$port" "$hubport")
  wait_for "http://127.0.0.1:$port/hub/api"
  TARGETS+=(--target "jupyterhub,http://127.0.0.1:$port,$token,$(cat "$work/jupyterhub.pid")")
  LOGS+=(--logs "jupyterhub=$work/jupyterhub/log")
}

astrolabe_dll() {
  if [ -z "${ASTROLABE_DLL:-}" ]; then
    dotnet build src/Astrolabe -c Release -nologo -v q >&2
    ASTROLABE_DLL=$PWD/src/Astrolabe/bin/Release/net10.0/astrolabe.dll
  fi
  echo "$ASTROLABE_DLL"
}

# start_astrolabe NAME [ENV=VAL,...]
start_astrolabe() {
  local name=$1 envs=${2:-} port token dll
  dll=$(astrolabe_dll); ASTROLABE_DLL=$dll
  local -a program=(dotnet "$dll")
  port=$(free_port)
  token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  mkdir -p "$work/$name"
  local -a setenv=() all=()
  IFS=',' read -r -a all <<< "$envs"
  for e in "${all[@]}"; do
    case "$e" in
      DLL=*) program=(dotnet "${e#DLL=}") ;;
      EXE=*) program=("${e#EXE=}") ;;
      *) setenv+=("$e") ;;
    esac
  done
  (exec env "${setenv[@]}" ASTROLABE_ADMIN_PASSWORD="bench-$token" "${program[@]}" serve --data-root "$work/$name/data" --listen "http://127.0.0.1:$port" \
     --Hub:Services:0:Name=bench --Hub:Services:0:Token="$token" \
     --Hub:Services:0:Scopes:0=admin:users --Hub:Services:0:Scopes:1=servers --Hub:Services:0:Scopes:2=access:servers \
     --Hub:Services:0:Scopes:3=read:users --Hub:Services:0:Scopes:4=list:users --Hub:Services:0:Scopes:5=read:servers \
     --Hub:Services:0:Scopes:6=delete:servers --Logging:LogLevel:Default=Warning > "$work/$name/log" 2>&1) &
  echo $! > "$work/$name.pid"
  hub_ports+=("$port")
  wait_for "http://127.0.0.1:$port/hub/api"
  TARGETS+=(--target "$name,http://127.0.0.1:$port,$token,$(cat "$work/$name.pid")")
  LOGS+=(--logs "$name=$work/$name/data/logs")
}

start_astrolabe_variants() {
  for v in ${ASTROLABE_VARIANTS:-astrolabe:}; do start_astrolabe "${v%%:*}" "${v#*:}"; done
}

bench_hub() {
  dotnet build bench/hub -c Release -nologo -v q >&2
  # Run a copy, so a rebuild during a long run cannot change the files under it.
  cp -r bench/hub/bin/Release/net10.0 "$work/bench"
  dotnet "$work/bench/Astrolabe.Bench.Hub.dll" "$@"
}
