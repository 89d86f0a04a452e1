#!/usr/bin/env bash
# Publishes `astrolabe` as one native executable (native AOT: no .NET runtime on the server, no JIT, about a third of
# the JIT build's resident memory; see docs/publish.md). Idempotent: installs clang and zlib1g-dev when missing.
#   scripts/publish.sh [--framework net10.0|net9.0] [output-dir]      (default net10.0, artifacts/native)
#   then: artifacts/native/astrolabe serve --demo
# net10.0 needs the package Microsoft.NETCore.App.Runtime.NativeAOT.linux-x64 from the NuGet source; where the source
# lacks it (as on the project's machines today) the script says so and stops. net9.0 compiles the same code with .NET 9's
# native compiler, whose runtime comes inside the compiler package; .NET 9 support ended on 2026-11-10, so use it to
# measure and try, not to run a service. It builds from a copy under artifacts/ so that the tree's own build is untouched.
# Fails when the native compiler reports any trim or AOT warning (IL2xxx/IL3xxx).
set -euo pipefail
cd "$(dirname "$0")/.."

framework=net10.0
if [ "${1:-}" = "--framework" ]; then framework=$2; shift 2; fi
out=$(realpath -m "${1:-artifacts/native}")
case "$framework" in net10.0|net9.0) ;; *) echo "publish: --framework must be net10.0 or net9.0" >&2; exit 2 ;; esac

missing=()
command -v clang >/dev/null || missing+=(clang)
dpkg-query -W -f='${Status}' zlib1g-dev 2>/dev/null | grep -q "install ok installed" || missing+=(zlib1g-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "publish: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

root=$PWD
if [ "$framework" != net10.0 ]; then
  root=$PWD/artifacts/publish-$framework
  rm -rf "$root/src"; mkdir -p "$root"
  tar -c --exclude=bin --exclude=obj src Directory.Build.props Directory.Packages.props | tar -x -C "$root"
  sed -i "s|<TargetFramework>net10.0</TargetFramework>|<TargetFramework>$framework</TargetFramework>|" "$root/Directory.Build.props"
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "publish: native AOT build for $framework into $out (several minutes on 2 cores)"
start=$(date +%s)
if ! (cd "$root" && dotnet publish src/Astrolabe -c Release -r linux-x64 -p:PublishAot=true -o "$out" -nologo) > "$log" 2>&1; then
  if grep -q "NU1101.*Microsoft.NETCore.App.Runtime.NativeAOT" "$log"; then
    echo "publish: the NuGet source has no Microsoft.NETCore.App.Runtime.NativeAOT.linux-x64 for $framework, which native AOT needs." >&2
    echo "publish: on a machine whose source has it this works as is; here, 'scripts/publish.sh --framework net9.0' builds with .NET 9." >&2
  else
    grep -E "error|warning" "$log" | sort -u >&2 || cat "$log" >&2
  fi
  exit 1
fi
warnings=$(grep -E "warning IL[23][0-9]{3}" "$log" | sort -u || true)
if [ -n "$warnings" ]; then
  echo "$warnings" >&2
  echo "publish: the native build has trim/AOT warnings (above); each is a place that may fail at run time." >&2
  exit 1
fi
echo "publish: done in $(( $(date +%s) - start )) s, no trim/AOT warnings: $out/astrolabe ($(du -h "$out/astrolabe" | cut -f1))"
