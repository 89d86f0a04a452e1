#!/usr/bin/env bash
# Starts Podman's Docker-Engine-compatible API service on a Unix socket, for the hub's container spawner (rootful,
# with the settings in containers.conf beside this script). Idempotent: does nothing when the socket already answers.
#   deploy/podman/start-service.sh [SOCKET]   default /tmp/astrolabe-podman/podman.sock
# Prints the socket path. The service's pid is in SOCKET.pid and its log in SOCKET.log; stop it with
#   kill "$(cat SOCKET.pid)"
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
socket="${1:-/tmp/astrolabe-podman/podman.sock}"
mkdir -p "$(dirname "$socket")"
# The service keeps running after this checkout is gone (CI clones come and go): give it its own copy of the settings.
if [ -z "${CONTAINERS_CONF:-}" ]; then
  cp "$here/containers.conf" "$(dirname "$socket")/containers.conf"
  export CONTAINERS_CONF="$(dirname "$socket")/containers.conf"
fi

answers() { curl -sf --max-time 2 --unix-socket "$socket" http://podman/_ping >/dev/null 2>&1; }

mkdir -p "$(dirname "$socket")"
exec 9>"$socket.lock"
flock 9
# A service started from a directory that has since been deleted cannot start containers ("conmon: Failed to get
# working directory"): replace it.
if [ -f "$socket.pid" ] && readlink "/proc/$(cat "$socket.pid")/cwd" 2>/dev/null | grep -q "(deleted)"; then
  kill "$(cat "$socket.pid")" 2>/dev/null || true
  for _ in $(seq 1 50); do answers || break; sleep 0.1; done
fi
if answers; then echo "$socket"; exit 0; fi
command -v podman >/dev/null || { echo "start-service: podman is not installed (apt-get install podman runc)" >&2; exit 1; }
rm -f "$socket"
# --time=0: never exit for idleness; setsid: outlive the caller (the hub or a test run).
# 9>&-: the service must not inherit (and so hold forever) the lock taken above.
# Started from / so that its working directory never disappears under it.
(cd / && exec setsid podman system service --time=0 "unix://$socket" </dev/null >>"$socket.log" 2>&1 9>&-) &
echo $! >"$socket.pid"
for _ in $(seq 1 100); do
  if answers; then echo "$socket"; exit 0; fi
  kill -0 "$(cat "$socket.pid")" 2>/dev/null || break
  sleep 0.1
done
echo "start-service: the Podman API service did not answer on $socket; its log:" >&2
tail -n 20 "$socket.log" >&2
exit 1
