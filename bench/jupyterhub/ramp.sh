#!/usr/bin/env bash
# Users per machine: how many concurrent users, each with a running jupyterhub-singleuser, this machine serves before
# spawn-to-ready doubles, for Debian's JupyterHub 3.0 and for Astrolabe's hub (`astrolabe serve`), as root. The two
# ramps are interleaved (user k on JupyterHub, user k on ours, then k+1), so other load on the machine hits both alike.
#   bench/jupyterhub/ramp.sh [cap=120] [min-free-MiB=4096] [minutes=40] (the whole ramp, both hubs)
# JupyterHub's LocalProcessSpawner needs a Unix account per user: u001, u002, ... are created (with homes under
# /home) when missing; our hub uses astro-u001, ... which are created here too, so neither hub's figures include
# useradd. The accounts are left in place for the next run; every server, hub and temporary directory is removed.
source "$(dirname "$0")/hubs.sh"
cap=${1:-120}; minfree=${2:-4096}; minutes=${3:-40}
for k in $(seq 1 "$cap"); do
  u=$(printf 'u%03d' "$k"); echo "$u" >> "$work/users"
  id "$u" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$u"
  id "astro-$u" >/dev/null 2>&1 || useradd --no-create-home --home-dir /nonexistent --shell /bin/bash --user-group "astro-$u"
done
start_jupyterhub
start_astrolabe astrolabe
# ORDER=astrolabe-first: our hub spawns first within each step (to check that the order within a step does not matter).
if [ "${ORDER:-}" = astrolabe-first ]; then TARGETS=("${TARGETS[@]:2}" "${TARGETS[@]:0:2}"); fi
echo "load before: $(uptime)"
bench_hub "${TARGETS[@]}" --baseline jupyterhub --ramp --cap "$cap" --min-free-mib "$minfree" --minutes "$minutes"
echo "load after: $(uptime)"
