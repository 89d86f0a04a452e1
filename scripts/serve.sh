#!/usr/bin/env bash
# Installs what is missing, builds, and runs `astrolabe serve --demo` (extra arguments are passed on).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec dotnet src/Astrolabe/bin/Release/net10.0/astrolabe.dll serve --demo "$@"
