#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (and cache) the busybox initramfs for one kernel; print its path.
#
#   selftests/qemu/mkinitramfs.sh KREL MODDIR CACHEDIR [--no-modules]
#
#   /init          selftests/qemu/init
#   /bin/busybox   the host's busybox-static
#   /lib/modules/  the kernel's virtio/9p/overlay modules, decompressed,
#   /modules.list  in the load order below (modules built in are skipped)
#
# The cpio (newc, uncompressed: nothing to inflate under TCG) is named
# CACHEDIR/initramfs-KREL-<hash>.cpio, <hash> covering /init, busybox, this
# script and every module file, so it is rebuilt only when an input changes.
# --no-modules: the kernel has all of them built in (the debug kernel).
set -euo pipefail

KREL=${1:?usage: mkinitramfs.sh KREL MODDIR CACHEDIR [--no-modules]}
MODDIR=${2:?usage}
CACHEDIR=${3:?usage}
NOMOD=${4:-}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUSYBOX=${BUSYBOX:-/bin/busybox}

# Order matters: insmod does not resolve dependencies.
ORDER=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
       netfs fscache 9pnet 9pnet_virtio 9p overlay)

die() { echo "mkinitramfs: $*" >&2; exit 1; }

[ -x "$BUSYBOX" ] || die "$BUSYBOX missing (apt-get install busybox-static)"
if command -v file >/dev/null; then
	file -L "$BUSYBOX" | grep -q 'statically linked' ||
		die "$BUSYBOX is not statically linked (install busybox-static)"
fi

# Resolve module files: modinfo -n prints the path, "(builtin)" or fails.
base=${MODDIR%/lib/modules/*}
base=${base:-/}
mods=()
if [ "$NOMOD" != --no-modules ]; then
	for m in "${ORDER[@]}"; do
		p=$(modinfo -b "$base" -k "$KREL" -n "$m" 2>/dev/null) || p=
		case $p in
		""|"(builtin)"|*"name:"*) continue ;;
		esac
		mods+=("$p")
	done
	[ ${#mods[@]} -gt 0 ] || die "no virtio/9p modules found for $KREL in $MODDIR"
fi

key=$( { cat "$HERE/init" "$HERE/mkinitramfs.sh"; sha256sum "$BUSYBOX";
	 for p in "${mods[@]}"; do echo "$p"; sha256sum < "$p"; done; } | sha256sum | cut -c1-16)
out=$CACHEDIR/initramfs-$KREL-$key.cpio
if [ -f "$out" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$CACHEDIR"
stage=$(mktemp -d "$CACHEDIR/.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib/modules" "$stage/proc" "$stage/sys" "$stage/dev" \
	 "$stage/mnt/lower" "$stage/mnt/rw" "$stage/mnt/root"
cp "$BUSYBOX" "$stage/bin/busybox"
mknod -m 600 "$stage/dev/console" c 5 1
mknod -m 666 "$stage/dev/null" c 1 3
install -m 0755 "$HERE/init" "$stage/init"
: > "$stage/modules.list"
for p in "${mods[@]}"; do
	b=$(basename "$p")
	case $p in
	*.ko.xz)  xz -dc "$p" > "$stage/lib/modules/${b%.xz}";   b=${b%.xz} ;;
	*.ko.zst) zstd -qdc "$p" > "$stage/lib/modules/${b%.zst}"; b=${b%.zst} ;;
	*.ko.gz)  gzip -dc "$p" > "$stage/lib/modules/${b%.gz}";  b=${b%.gz} ;;
	*.ko)     cp "$p" "$stage/lib/modules/$b" ;;
	*)        die "unexpected module file $p" ;;
	esac
	echo "$b" >> "$stage/modules.list"
done
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) > "$out.tmp"
mv "$out.tmp" "$out"
# Older initramfs of the same kernel are obsolete.
for f in "$CACHEDIR/initramfs-$KREL-"*.cpio; do
	[ "$f" = "$out" ] || rm -f "$f"
done
echo "$out"
