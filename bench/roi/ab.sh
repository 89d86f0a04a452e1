#!/bin/sh
# Interleaved A/B of two builds of the bench on the same cubes, one core (taskset -c 0): prints each run's CPU seconds
# per cube. Copy a build's output folder (bench/roi/bin/Release/net10.0) aside before a change, then:
#   bench/roi/ab.sh OLD_BUILD_DIR NEW_BUILD_DIR ROUNDS CUBE.fits...
# The first run of each build includes its JIT warm-up like every bench child; compare the medians.
set -eu
old=$1; new=$2; rounds=$3; shift 3
echo "load: $(cat /proc/loadavg)"
i=0
while [ "$i" -lt "$rounds" ]; do
  for build in "$old" "$new"; do
    out=$(taskset -c 0 "$build/Astrolabe.Regions.Bench" --child 1 "$@")
    cpu=$(echo "$out" | sed -n 's/.*"cpu_seconds":\([0-9.]*\).*/\1/p')
    regions=$(echo "$out" | sed -n 's/.*"regions":\([0-9]*\).*/\1/p')
    echo "$build cpu_s_per_cube=$(echo "$cpu / $#" | bc -l | cut -c1-6) regions=$regions"
  done
  i=$((i + 1))
done
echo "load: $(cat /proc/loadavg)"
