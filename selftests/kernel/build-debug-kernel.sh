#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) and cache the nfipsec debug kernel: Debian's linux-source-6.1
# configured as x86_64_defconfig + kvm_guest.config + nfipsec.config +
# debug.config (KUnit, KASAN, lockdep/PROVE_RCU, kmemleak), so that
# nfipsec_test.ko can run its KUnit suites and the selftests run under
# every checker the kernel has.
#
#   build-debug-kernel.sh              build if needed; print the cache dir
#   build-debug-kernel.sh --print-dir  print the cache dir, do not build
#   build-debug-kernel.sh --check      exit 0 iff the cache dir is complete
#
# Cache layout ($NFIPSEC_CACHE, default /var/cache/nfipsec; outside the repo):
#
#   debug-<key>/                        <key> = hash of the config fragments,
#   |                                   this script, the linux-source package
#   |                                   version and the compiler
#   |-- linux-source-6.1/               extracted source (our own copy)
#   |   `-- obj/                        the O= tree; KDIR for `make M=`
#   |-- mods/lib/modules/<release>/     modules_install (INSTALL_MOD_PATH)
#   |-- bzImage                         the kernel image
#   |-- kernelrelease                   `uname -r` of the kernel
#   `-- READY                           written last: the cache is complete
#
# The O= tree is a direct subdirectory of the source tree, so kbuild uses
# the relative srctree ".." and the whole directory can be renamed.  That is
# what makes the build atomic: everything happens in debug-<key>.tmp, which is
# renamed to debug-<key> only after every check passed; an interrupted build
# leaves only a .tmp directory, which the next run resumes (make is
# incremental) or discards when the key changed.  A lock serializes
# concurrent callers.  Output of the build goes to debug-<key>.tmp/build.log
# (tail printed on failure).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${NFIPSEC_CACHE:-/var/cache/nfipsec}
SRC_PKG=linux-source-6.1
SRC_TAR=/usr/src/$SRC_PKG.tar.xz
FRAGMENTS=("$HERE/nfipsec.config" "$HERE/debug.config")
JOBS=${NFIPSEC_JOBS:-3}

die() { echo "build-debug-kernel: $*" >&2; exit 1; }
say() { echo "build-debug-kernel: $*" >&2; }

cache_key() {
	local ver
	ver=$(dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null) ||
		die "$SRC_PKG is not installed (run scripts/deps.sh)"
	{
		cat "${FRAGMENTS[@]}" "$HERE/build-debug-kernel.sh"
		echo "$SRC_PKG $ver"
		gcc --version | head -n 1
	} | sha256sum | cut -c1-16
}

KEY=$(cache_key)
DIR=$CACHE/debug-$KEY
TMP=$DIR.tmp

case "${1:-}" in
--print-dir) echo "$DIR"; exit 0 ;;
--check) [ -f "$DIR/READY" ]; exit ;;
"") ;;
*) die "usage: $0 [--print-dir|--check]" ;;
esac

if [ -f "$DIR/READY" ]; then
	echo "$DIR"
	exit 0
fi

[ -r "$SRC_TAR" ] || die "$SRC_TAR missing (run scripts/deps.sh)"
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
	say "another build holds $CACHE/.lock; waiting"
	flock 9
fi
# Somebody else may have finished while we waited.
if [ -f "$DIR/READY" ]; then
	echo "$DIR"
	exit 0
fi

# Drop leftovers of other keys (complete or not) and a stale final dir
# without READY; keep our own .tmp to resume it.
for d in "$CACHE"/debug-*; do
	[ -e "$d" ] || continue
	[ "$d" = "$TMP" ] && continue
	say "removing stale $d"
	rm -rf "$d"
done

mkdir -p "$TMP"
LOG=$TMP/build.log
KSRC=$TMP/$SRC_PKG
OBJ=$KSRC/obj
start=$(date +%s)

run() {
	echo "+ $*" >>"$LOG"
	if ! "$@" >>"$LOG" 2>&1; then
		tail -n 40 "$LOG" >&2
		die "failed: $* (full log: $LOG)"
	fi
}

if [ ! -f "$TMP/extracted" ]; then
	say "extracting $SRC_TAR into $TMP"
	rm -rf "$KSRC"
	run tar -C "$TMP" -xf "$SRC_TAR"
	[ -f "$KSRC/Makefile" ] || die "unexpected tarball layout (no $SRC_PKG/Makefile)"
	touch "$TMP/extracted"
fi

# Configure: defconfig + kvm_guest.config, then our fragments merged on top.
say "configuring (log: $LOG)"
mkdir -p "$OBJ"
run make -C "$KSRC" O="$OBJ" x86_64_defconfig
run make -C "$KSRC" O="$OBJ" kvm_guest.config
run env -C "$OBJ" "$KSRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" \
	"$OBJ/.config" "${FRAGMENTS[@]}"
run make -C "$KSRC" O="$OBJ" olddefconfig

# Every line of the fragments must have stuck ("=m" is satisfied by "=y";
# "is not set" by absence).  Anything else is a fragment bug or a dependency
# we did not satisfy: fail now, before 15 minutes of compiling.
bad=0
while IFS= read -r line; do
	if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
		opt=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
	elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
		opt=${BASH_REMATCH[1]} want=n
	else
		continue
	fi
	have=$(sed -n "s/^$opt=//p" "$OBJ/.config")
	[ -n "$have" ] || have=n
	if [ "$have" = "$want" ] || { [ "$want" = m ] && [ "$have" = y ]; }; then
		continue
	fi
	say "config: $opt wanted $want, got $have"
	bad=1
done < <(cat "${FRAGMENTS[@]}")
for opt in KUNIT KASAN KASAN_INLINE PROVE_LOCKING PROVE_RCU DEBUG_KMEMLEAK \
	   DEBUG_ATOMIC_SLEEP MODULE_UNLOAD; do
	grep -qx "CONFIG_$opt=y" "$OBJ/.config" || { say "config: CONFIG_$opt is not =y"; bad=1; }
done
[ $bad = 0 ] || die "config fragments did not stick (see above; .config in $OBJ)"

say "building bzImage + modules with -j$JOBS (log: $LOG)"
run make -C "$KSRC" O="$OBJ" -j"$JOBS" bzImage modules
rm -rf "$TMP/mods"
run make -C "$KSRC" O="$OBJ" INSTALL_MOD_PATH="$TMP/mods" INSTALL_MOD_STRIP=1 modules_install

REL=$(cat "$OBJ/include/config/kernel.release")
MODDIR=$TMP/mods/lib/modules/$REL
[ -f "$MODDIR/modules.dep" ] || die "modules_install produced no $MODDIR/modules.dep"
# modules_install points build/ at the absolute O= path of the .tmp dir;
# make it relative so it survives the rename.
rm -f "$MODDIR/build" "$MODDIR/source"
ln -s "../../../../$SRC_PKG/obj" "$MODDIR/build"
cp "$OBJ/arch/x86/boot/bzImage" "$TMP/bzImage"
echo "$REL" >"$TMP/kernelrelease"
echo "$KEY" >"$TMP/key"
touch "$TMP/READY"
mv -T "$TMP" "$DIR"
say "done in $(( $(date +%s) - start ))s: $DIR (release $REL)"
echo "$DIR"
