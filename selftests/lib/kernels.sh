# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034 # K_* are for the caller
#
# Kernel resolution for the nfipsec harness (sourced, not run).
#
#   kernel_resolve NAME     NAME is 6.1, 6.12 or debug; on success sets
#     K_NAME     the name
#     K_IMAGE    the bzImage/vmlinuz to boot
#     K_KDIR     the build tree to build nfipsec.ko against (M=)
#     K_REL      its kernel release (uname -r in the guest)
#     K_MODDIR   the host directory holding its modules (lib/modules/<rel>)
#     K_BINDMOD  for the guest: directory to bind-mount onto /lib/modules/<rel>
#                (only the debug kernel, whose modules live in the cache)
#     K_OUT      per-kernel build output: <repo>/build/<rel>
#   and returns 0; on failure prints why and returns 1.
#
# 6.1  = newest /boot/vmlinuz-6.1.*-amd64           (Debian bookworm)
# 6.12 = newest /boot/vmlinuz-6.12.*+deb12-amd64    (bookworm-backports)
#        never the -rt- or -cloud- flavours; headers from
#        /usr/src/linux-headers-<release>, modules from /lib/modules/<release>.
# debug = the KUnit/KASAN/lockdep kernel cached by
#        selftests/kernel/build-debug-kernel.sh (built if needed when
#        kernel_resolve is called with KERNEL_BUILD=1).

KERNELS_TOP=${KERNELS_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

# Newest image matching a glob, minus the -rt/-cloud flavours.
_newest_image() {
	local f
	for f in "$@"; do
		[ -f "$f" ] || continue
		case $f in *-rt-*|*-cloud-*) continue ;; esac
		echo "$f"
	done | sort -V | tail -n 1
}

kernel_resolve() {
	local name=$1 img dir
	K_NAME=$name K_IMAGE='' K_KDIR='' K_REL='' K_MODDIR='' K_BINDMOD='' K_OUT=''
	case $name in
	6.1)  img=$(_newest_image /boot/vmlinuz-6.1.*-amd64) ;;
	6.12) img=$(_newest_image /boot/vmlinuz-6.12.*+deb12-amd64) ;;
	debug)
		if [ "${KERNEL_BUILD:-0}" = 1 ]; then
			dir=$("$KERNELS_TOP/selftests/kernel/build-debug-kernel.sh") || return 1
		else
			dir=$("$KERNELS_TOP/selftests/kernel/build-debug-kernel.sh" --print-dir)
			if [ ! -f "$dir/READY" ]; then
				echo "kernels: debug kernel not built ($dir); run selftests/kernel/build-debug-kernel.sh" >&2
				return 1
			fi
		fi
		K_IMAGE=$dir/bzImage
		K_KDIR=$dir/linux-source-6.1/obj
		K_REL=$(cat "$dir/kernelrelease")
		K_MODDIR=$dir/mods/lib/modules/$K_REL
		K_BINDMOD=$K_MODDIR
		K_OUT=$KERNELS_TOP/build/$K_REL
		return 0
		;;
	*)
		echo "kernels: unknown kernel '$name' (known: 6.1 6.12 debug)" >&2
		return 1
		;;
	esac
	if [ -z "$img" ]; then
		echo "kernels: no image for $name in /boot (run scripts/deps.sh)" >&2
		return 1
	fi
	K_IMAGE=$img
	K_REL=${img#/boot/vmlinuz-}
	K_KDIR=/usr/src/linux-headers-$K_REL
	K_MODDIR=/lib/modules/$K_REL
	K_OUT=$KERNELS_TOP/build/$K_REL
	if [ ! -f "$K_KDIR/Makefile" ]; then
		echo "kernels: no headers for $K_REL at $K_KDIR (run scripts/deps.sh)" >&2
		return 1
	fi
	if [ ! -d "$K_MODDIR/kernel" ]; then
		echo "kernels: no modules for $K_REL at $K_MODDIR" >&2
		return 1
	fi
	local hrel
	hrel=$("$KERNELS_TOP/scripts/krelease.sh" "$K_KDIR")
	if [ "$hrel" != "$K_REL" ]; then
		echo "kernels: headers $K_KDIR are for '$hrel', image is '$K_REL'" >&2
		return 1
	fi
}
