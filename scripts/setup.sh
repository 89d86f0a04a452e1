#!/usr/bin/env bash
# Installs what Astrolabe needs on a fresh Debian bookworm machine and builds it. Idempotent.
#   scripts/setup.sh          run-time packages only
#   scripts/setup.sh --test   run-time and test packages
set -euo pipefail
cd "$(dirname "$0")/.."

lists=(scripts/apt-packages.txt)
[ "${1:-}" = "--test" ] && lists+=(scripts/apt-packages-test.txt)
wanted=$(grep -hv '^\s*#' "${lists[@]}" | awk 'NF' | sort -u)
missing=()
for p in $wanted; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

dotnet build Astrolabe.slnx -c Release -nologo -v quiet -clp:ErrorsOnly
