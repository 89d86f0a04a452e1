#!/usr/bin/env bash
# Builds the notebook server image for the container spawner without any registry: a minimal Debian bookworm
# (mmdebstrap when installed, else debootstrap) with the unmodified jupyterhub-singleuser, imported into the host's rootful Podman storage.
# Idempotent and cached by tag: does nothing when the image is already present.
#   deploy/podman/build-image.sh [TAG]        default localhost/astrolabe-notebook:bookworm-1
# Environment: EXTRA_PACKAGES="python3-astropy python3-numpy" adds Debian packages to the image;
#              DEBIAN_MIRROR overrides the mirror (default: the first one in the host's apt sources).
# Needs root, the Debian packages podman, runc and mmdebstrap (or debootstrap), and about 600 MB of disk. Takes
# 2-5 minutes depending on the mirror and the machine's load; debootstrap about twice as long.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tag="${1:-localhost/astrolabe-notebook:bookworm-1}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"
packages="jupyterhub jupyter-notebook python3-ipykernel ca-certificates ${EXTRA_PACKAGES:-}"

# One build at a time on this machine; a second caller waits and then finds the image.
exec 9>/tmp/astrolabe-podman-build.lock
flock 9
if podman image exists "$tag"; then
  echo "build-image: $tag is already present"
  exit 0
fi

command -v podman >/dev/null || { echo "build-image: podman is not installed (apt-get install podman runc mmdebstrap)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || command -v debootstrap >/dev/null ||
  { echo "build-image: neither mmdebstrap nor debootstrap is installed (apt-get install mmdebstrap)" >&2; exit 1; }

mirror="${DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror=$(grep -hsE '^\s*URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1 || true)
  [ -n "$mirror" ] || mirror=$(grep -hsE '^\s*deb\s' /etc/apt/sources.list | awk '{print $2}' | grep -v security | head -n1 || true)
  [ -n "$mirror" ] || { echo "build-image: no Debian mirror found in /etc/apt sources; set DEBIAN_MIRROR" >&2; exit 1; }
fi

root=$(mktemp -d /var/tmp/astrolabe-image.XXXXXX)
trap 'umount "$root/proc" 2>/dev/null || true; rm -rf "$root" "$root.log"' EXIT
started=$SECONDS
if command -v mmdebstrap >/dev/null; then
  # One apt run for the base system and the notebook server, parallel downloads, no fsync: about twice as fast.
  echo "build-image: mmdebstrap bookworm with $packages from $mirror"
  mmdebstrap --variant=minbase --mode=root --include="$(echo $packages | tr ' ' ',')" --dpkgopt=force-unsafe-io \
    --aptopt='Acquire::Languages "none"' bookworm "$root" "$mirror" >"$root.log" 2>&1 || { tail -n 30 "$root.log" >&2; exit 1; }
else
  echo "build-image: debootstrap bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || { tail -n 30 "$root.log" >&2; exit 1; }
  # Install the notebook server; no daemon may start inside the chroot.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  # A throw-away root needs no fsync per file: much faster unpacking.
  echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/astrolabe-unsafe-io"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount -t proc proc "$root/proc"
  echo "build-image: installing $packages ($((SECONDS - started)) s so far)"
  chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get -qq -o Acquire::Languages=none update
  # shellcheck disable=SC2086
  chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends $packages >/dev/null
  chroot "$root" apt-get clean
  umount "$root/proc"
fi
rm -rf "$root/var/lib/apt/lists/"* "$root/usr/sbin/policy-rc.d" "$root/etc/dpkg/dpkg.cfg.d/astrolabe-unsafe-io" "$root/usr/share/doc" "$root/usr/share/man"
: >"$root/etc/resolv.conf"
chroot "$root" /usr/bin/jupyterhub-singleuser --version >/dev/null 2>&1

echo "build-image: importing as $tag ($((SECONDS - started)) s so far)"
tar -C "$root" -c . | podman import \
  --change 'CMD ["/usr/bin/jupyterhub-singleuser"]' \
  --change 'ENV LANG=C.UTF-8 PATH=/usr/local/bin:/usr/bin:/bin' \
  --message "Astrolabe notebook server: Debian bookworm, $packages" - "$tag" >/dev/null 2>&1
echo "build-image: $tag is ready after $((SECONDS - started)) s"
