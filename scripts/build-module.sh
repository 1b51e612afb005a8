#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build nfipsec.ko (and nfipsec_test.ko when KDIR has CONFIG_KUNIT) for one
# kernel, out of the source tree, warning-free at W=1.
#
#   scripts/build-module.sh KDIR OUTDIR
#
#   repo/Kbuild, kmod/, uapi/  --rsync-->  OUTDIR/  --make -C KDIR M=OUTDIR W=1-->
#       OUTDIR/kmod/nfipsec.ko, OUTDIR/kmod/test/nfipsec_test.ko (KUnit trees)
#
# The copy is by content (rsync --checksum, no mtimes kept): a changed file
# gets a fresh mtime and is rebuilt, an unchanged one keeps its objects, so
# repeated builds are incremental.  Build products lying in the source tree
# (someone ran `make` at the top) are neither copied nor deleted.  The
# build fails if make fails or prints any warning (compiler or modpost);
# its output is kept in OUTDIR/build.log.  The usual OUTDIR is
# build/<kernelrelease>/ (see selftests/lib/kernels.sh).
set -euo pipefail

KDIR=${1:?usage: build-module.sh KDIR OUTDIR}
OUT=${2:?usage: build-module.sh KDIR OUTDIR}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() { echo "build-module: $*" >&2; exit 1; }

[ -f "$KDIR/Makefile" ] || die "no kernel build tree at '$KDIR'"
for p in Kbuild kmod uapi; do
	[ -e "$TOP/$p" ] || die "missing $TOP/$p"
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# Several harness runs may share OUT: one build at a time.
exec 9>"$OUT/.build.lock"
flock 9

# Build products: never copied from the source tree, never deleted from OUT.
EXCL=(--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c'
      --exclude='.*.cmd' --exclude='*.a' --exclude='*.d' --exclude='*.symvers'
      --exclude='modules.order' --exclude='.tmp_versions/' --exclude='*.log'
      --exclude='.build.lock')
rsync -rlp --checksum --delete "${EXCL[@]}" "$TOP/Kbuild" "$TOP/kmod" "$TOP/uapi" "$OUT/"

LOG=$OUT/build.log
rel=$("$TOP/scripts/krelease.sh" "$KDIR" 2>/dev/null || true)
echo "build-module: $KDIR (${rel:-?}) -> $OUT"
set +e
make -C "$KDIR" M="$OUT" W=1 modules >"$LOG" 2>&1
rc=$?
set -e
if [ $rc != 0 ]; then
	cat "$LOG" >&2
	die "make failed for $KDIR (exit $rc)"
fi
if grep -qi 'warning:' "$LOG"; then
	grep -i -B2 -A4 'warning:' "$LOG" >&2
	die "warnings while building for $KDIR (W=1 must be warning-free; full log $LOG)"
fi
[ -f "$OUT/kmod/nfipsec.ko" ] || die "make succeeded but $OUT/kmod/nfipsec.ko is missing"
if grep -qx 'CONFIG_KUNIT=y' "$KDIR/.config" 2>/dev/null &&
   [ -e "$TOP/kmod/test" ] && [ ! -f "$OUT/kmod/test/nfipsec_test.ko" ]; then
	die "$KDIR has CONFIG_KUNIT but $OUT/kmod/test/nfipsec_test.ko was not built"
fi
for ko in "$OUT"/kmod/*.ko "$OUT"/kmod/test/*.ko; do
	[ -f "$ko" ] && echo "build-module:   $ko"
done
exit 0
