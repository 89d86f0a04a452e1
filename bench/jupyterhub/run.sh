#!/usr/bin/env bash
# Side by side, in one run on this machine: Debian's JupyterHub 3.0 + configurable-http-proxy against Astrolabe's hub,
# same spawn command (/usr/bin/jupyterhub-singleuser), as root. Prints medians and ratios.
#   bench/jupyterhub/run.sh [spawns=5] [requests=1000]
# Everything listens on 127.0.0.1 and is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
spawns=${1:-5}; requests=${2:-1000}
work=$(mktemp -d /tmp/jhbench.XXXXXX)
trap 'kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null || true; pkill -u jhbench 2>/dev/null || true; rm -rf "$work"' EXIT
id jhbench >/dev/null 2>&1 || useradd --create-home --shell /bin/bash jhbench
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
port=$((20000 + RANDOM % 20000)); hubport=$((port + 1)); apiport=$((port + 2)); userport=$((port + 3))
cat > "$work/jupyterhub_config.py" <<PY
c.JupyterHub.ip = '127.0.0.1'
c.JupyterHub.port = $port
c.JupyterHub.hub_port = $hubport
c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:$apiport'
c.JupyterHub.db_url = 'sqlite:///$work/jupyterhub.sqlite'
c.JupyterHub.cookie_secret_file = '$work/cookie_secret'
c.JupyterHub.pid_file = '$work/jupyterhub.pid'
c.JupyterHub.authenticator_class = 'jupyterhub.auth.DummyAuthenticator'
c.Authenticator.allowed_users = {'jhbench'}
c.JupyterHub.services = [{'name': 'bench', 'api_token': '$token'}]
c.JupyterHub.load_roles = [{'name': 'bench', 'scopes': ['admin:users', 'admin:servers', 'access:servers', 'list:users', 'read:users'], 'services': ['bench']}]
c.Spawner.port = $userport
c.Spawner.default_url = '/tree'
c.JupyterHub.log_level = 'WARN'
PY
(cd "$work" && NODE_PATH=/usr/share/nodejs /usr/bin/jupyterhub -f "$work/jupyterhub_config.py" > "$work/jupyterhub.log" 2>&1 & echo $! > "$work/hub.pid")
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/hub/api" >/dev/null && break; sleep 0.1; done
dotnet run -c Release --project bench/hub -- --spawns "$spawns" --requests "$requests" \
  --jupyterhub "http://127.0.0.1:$port" --jupyterhub-token "$token" --jupyterhub-user jhbench --jupyterhub-direct "http://127.0.0.1:$userport"
