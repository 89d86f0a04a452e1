#!/usr/bin/env bash
# Side by side, in one run on this machine: Debian's JupyterHub 3.0 + configurable-http-proxy against Astrolabe's hub
# running as its own `astrolabe serve` process, same spawn command (/usr/bin/jupyterhub-singleuser), same workload
# through the JupyterHub REST API, as root. Prints medians, resident memory (RSS and PSS) and ratios.
#   bench/jupyterhub/run.sh [spawns=5] [requests=1000]
#   ASTROLABE_VARIANTS="astrolabe: workstation-gc:DOTNET_gcServer=0" bench/jupyterhub/run.sh   # runtime settings side by side
# Everything listens on 127.0.0.1 and is stopped at the end (see hubs.sh).
source "$(dirname "$0")/hubs.sh"
spawns=${1:-5}; requests=${2:-1000}
# The benchmark's users are hubbench0, hubbench1, ... (one per hub); JupyterHub's spawner needs the Unix account.
# The accounts are left in place for the next run.
for i in $(seq 0 9); do
  echo "hubbench$i" >> "$work/users"
  id "hubbench$i" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "hubbench$i"
done
start_jupyterhub
start_astrolabe_variants
echo "load before: $(uptime)"
bench_hub "${TARGETS[@]}" "${LOGS[@]}" --baseline jupyterhub --spawns "$spawns" --requests "$requests" --floor-account hubbench9
echo "load after: $(uptime)"
