#!/bin/sh
# Interleaved A/B of two builds of the bench on the same cubes, one core (taskset -c 0): prints each run's CPU seconds
# per cube, then each build's median and minimum. Copy a build's output folder (bench/roi/bin/Release/net10.0) aside
# before a change, then:
#   bench/roi/ab.sh OLD_BUILD_DIR NEW_BUILD_DIR ROUNDS CUBE.fits...
# The first run of each build includes its JIT warm-up like every bench child; compare the medians. On a shared machine
# the load moves every figure; only pairs run side by side compare.
set -eu
old=$1; new=$2; rounds=$3; shift 3
echo "load: $(cat /proc/loadavg)"
log=$(mktemp)
i=0
while [ "$i" -lt "$rounds" ]; do
  for build in "$old" "$new"; do
    out=$(taskset -c 0 "$build/Astrolabe.Regions.Bench" --child 1 "$@")
    cpu=$(echo "$out" | sed -n 's/.*"cpu_seconds":\([0-9.]*\).*/\1/p')
    regions=$(echo "$out" | sed -n 's/.*"regions":\([0-9]*\).*/\1/p')
    per=$(echo "$cpu / $#" | bc -l | cut -c1-6)
    echo "$build cpu_s_per_cube=$per regions=$regions"
    echo "$build $per" >> "$log"
  done
  i=$((i + 1))
done
echo "load: $(cat /proc/loadavg)"
for build in "$old" "$new"; do
  grep "^$build " "$log" | awk '{print $2}' | sort -n | awk -v b="$build" '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; printf "%s median %.4f min %.4f (%d runs)\n", b, m, v[1], NR}'
done
rm -f "$log"
