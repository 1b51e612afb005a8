#!/usr/bin/env bash
# Install every Debian package nfipsec needs to build, test and demo.
# Idempotent: does nothing when everything is already present.
# Adds bookworm-backports to apt's sources (for the 6.12 kernel) when missing.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
	echo "deps: must run as root (apt-get)" >&2
	exit 1
fi

BPO_FILE=/etc/apt/sources.list.d/nfipsec-backports.sources

# Packages of bookworm proper.
PKGS_MAIN=(
	build-essential bc bison flex libelf-dev libssl-dev dwarves cpio kmod rsync
	xz-utils zstd python3
	linux-headers-amd64 linux-image-amd64 linux-source-6.1
	qemu-system-x86 busybox-static
	iproute2 iperf3 iputils-ping tcpdump nftables procps psmisc ethtool
	libcmocka-dev pkg-config
)
# Packages from bookworm-backports (the 6.12 LTS kernel).
PKGS_BPO=(linux-image-6.12 linux-headers-6.12)

have_backports() {
	grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
	done
}

# Resolve the backports metapackage-ish names to real package names.
bpo_resolve() {
	local rel
	# The plain generic flavour: not -rt, -cloud, -dbg or -unsigned.
	rel=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' 2>/dev/null |
	      awk '{print $1}' | sort -V | tail -n 1)
	[ -n "$rel" ] || { echo "deps: no linux-image-6.12*-amd64 in bookworm-backports" >&2; return 1; }
	rel=${rel#linux-image-}
	echo "linux-image-$rel linux-headers-$rel"
}

need_update=0
if ! have_backports; then
	echo "deps: adding bookworm-backports to apt sources ($BPO_FILE)"
	cat > "$BPO_FILE" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	need_update=1
fi

miss=$(missing "${PKGS_MAIN[@]}")
bpo_stamp=$(ls -d /usr/src/linux-headers-6.12.*+deb12-amd64 2>/dev/null | head -n 1 || true)
bpo_img=$(ls /boot/vmlinuz-6.12.*+deb12-amd64 2>/dev/null | head -n 1 || true)
if [ -z "$miss" ] && [ -n "$bpo_stamp" ] && [ -n "$bpo_img" ]; then
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if [ $need_update = 1 ] || [ -z "$(ls /var/lib/apt/lists/*bookworm-backports* 2>/dev/null)" ] || [ -n "$miss" ]; then
	apt-get update -q
fi
if [ -n "$miss" ]; then
	echo "deps: installing" $miss
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $miss
fi
if [ -z "$bpo_stamp" ] || [ -z "$bpo_img" ]; then
	bpo=$(bpo_resolve)
	echo "deps: installing from bookworm-backports:" $bpo
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends -t bookworm-backports $bpo
fi
echo "deps: all present"
