#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# nfipsec QEMU selftest harness (host side).
#
#   selftests/run.sh [--kernel NAME]... [--test NAME]... [--script FILE]...
#                    [--kunit-only] [--kvm] [--keep-log DIR] [--timeout S]
#
#   --kernel NAME   6.1, 6.12 or debug (repeatable; default: all three)
#   --test NAME     run selftests/tests/*NAME*.sh (repeatable; default: all)
#   --script FILE   run FILE (any guest script that prints TAP, e.g. the
#                   demo or a benchmark) instead of selftests/tests/
#   --kunit-only    run only the KUnit module (nfipsec_test.ko)
#   --kvm           use KVM instead of TCG (does not work on the build hosts)
#   --keep-log DIR  write the guest logs to DIR/<kernel>/ (default
#                   build/logs/<date>/<kernel>/, build/logs/latest -> it)
#   --timeout S     whole-guest timeout per kernel (default 3600; debug x2)
#
# Per kernel:
#
#   host                                       guest (QEMU, TCG, -smp 2)
#   ----                                       -----
#   build-module.sh KDIR build/<rel>/          initramfs /init (busybox):
#   make -C selftests/progs -> build/progs/      virtio/9p/overlay modules
#   mkinitramfs.sh -> build/initramfs/           9p host / (ro) + tmpfs overlay
#   job file -> build/jobs/ (then to the logs)   switch_root -> guest-run.sh
#   qemu -kernel ... -virtfs path=/ ... ---->    (see selftests/lib/guest-run.sh)
#     ttyS0 -> console.log  (kernel log)         KUnit, tests, kmemleak, poweroff
#     ttyS1 -> stream.log   (tests' TAP)  <----
#   TAP lines printed as they arrive, counted; plan and exit status checked
#   console.log scanned for splats (WARNING:, BUG:, KASAN, lockdep, ...)
#
# A kernel fails if its module does not build, the guest does not reach the
# end token within the timeout, a test fails, or the console shows a splat.
# The last line is "N passed, N failed[, N skipped]" over all kernels; the
# exit status is non-zero on any failure.
#
# A guest that says nothing on its stream within the boot limit (300 s; 600 s
# for debug, whose boot takes ~100 s alone here) is stopped, its console's
# tail printed, and booted once more; so is one whose kernel splatted before
# userspace started (before nfipsec existed), once.  With NFIPSEC_DEADLINE (seconds since
# the epoch; scripts/check.sh sets it from CI's budget) no guest runs past
# it: a kernel that has no time left fails, with what it was doing, rather
# than being killed from outside with nothing said.
#
# Environment: NFIPSEC_TEST_TIMEOUT (per-test timeout in the guest, default
# 600 s), NFIPSEC_BOOT_TIMEOUT (the boot limit), NFIPSEC_DEADLINE,
# NFIPSEC_CACHE (debug kernel cache), QEMU (qemu-system-x86_64).
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KERNELS_TOP=$TOP
# shellcheck source=selftests/lib/kernels.sh
. "$TOP/selftests/lib/kernels.sh"

QEMU=${QEMU:-qemu-system-x86_64}

# The guest sees the repository through the host's root, except where it
# mounts its own tmpfs/proc/sys/dev.
case $TOP/ in
/tmp/*|/run/*|/proc/*|/sys/*|/dev/*)
	echo "run.sh: the repository ($TOP) must not live under /tmp, /run, /proc, /sys or /dev: the guest mounts over them" >&2
	exit 1 ;;
esac
KERNELS=() TESTS=() SCRIPTS=() KUNIT_ONLY=0 ACCEL=tcg LOGROOT='' TIMEOUT=''

usage() { sed -n '4,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KERNELS+=("${2:?--kernel needs a name}"); shift ;;
	--test) TESTS+=("${2:?--test needs a name}"); shift ;;
	--script) SCRIPTS+=("$(realpath -e "${2:?--script needs a file}")") || exit 2; shift ;;
	--kunit-only) KUNIT_ONLY=1 ;;
	--kvm) ACCEL=kvm ;;
	--keep-log) LOGROOT=${2:?--keep-log needs a directory}; shift ;;
	--timeout) TIMEOUT=${2:?--timeout needs seconds}; shift ;;
	-h|--help) usage ;;
	*) echo "run.sh: unknown argument '$1'" >&2; usage ;;
	esac
	shift
done
[ ${#KERNELS[@]} -gt 0 ] || KERNELS=(6.1 6.12 debug)

if [ -z "$LOGROOT" ]; then
	LOGROOT=$TOP/build/logs/$(date +%Y%m%d-%H%M%S)-$$
	mkdir -p "$LOGROOT"
	ln -sfn "$(basename "$LOGROOT")" "$TOP/build/logs/latest"
	# Keep the 10 most recent runs.
	find "$TOP/build/logs" -mindepth 1 -maxdepth 1 -type d -name '20*' | sort | head -n -10 |
		xargs -r rm -rf
fi
mkdir -p "$LOGROOT"
LOGROOT=$(cd "$LOGROOT" && pwd)

PASS=0 FAIL=0 SKIP=0
FAILED_WHAT=()

log() { echo "run.sh: $*"; }
harness_fail() {	# KERNEL REASON: one failure not tied to a TAP point
	FAIL=$((FAIL + 1))
	FAILED_WHAT+=("[$1] $2")
	echo "[$1] FAIL: $2"
}

# --- tests ---------------------------------------------------------------
ALL_TESTS=()
for t in "$TOP"/selftests/tests/*.sh; do
	[ -f "$t" ] && ALL_TESTS+=("$t")
done
SEL_TESTS=()
if [ ${#SCRIPTS[@]} -gt 0 ]; then
	SEL_TESTS=("${SCRIPTS[@]}")
elif [ $KUNIT_ONLY = 0 ]; then
	for t in "${ALL_TESTS[@]}"; do
		if [ ${#TESTS[@]} = 0 ]; then
			SEL_TESTS+=("$t")
			continue
		fi
		for pat in "${TESTS[@]}"; do
			# shellcheck disable=SC2053 # glob match intended
			if [[ $(basename "$t") == *$pat*.sh ]]; then
				SEL_TESTS+=("$t")
				break
			fi
		done
	done
	if [ ${#TESTS[@]} -gt 0 ] && [ ${#SEL_TESTS[@]} = 0 ]; then
		echo "run.sh: no test matches: ${TESTS[*]}" >&2
		exit 1
	fi
fi

# --- host builds shared by all kernels ------------------------------------
t0=$(date +%s)
PROGS=$TOP/build/progs
if [ -f "$TOP/selftests/progs/Makefile" ]; then
	mkdir -p "$PROGS"
	if ! flock "$PROGS" make -s -C "$TOP/selftests/progs" O="$PROGS" >"$LOGROOT/progs.log" 2>&1; then
		cat "$LOGROOT/progs.log"
		harness_fail host "make -C selftests/progs failed"
	fi
fi
if [ -f "$TOP/tools/Makefile" ]; then
	if ! flock "$TOP/tools" make -s -C "$TOP/tools" >"$LOGROOT/tools.log" 2>&1; then
		tail -n 5 "$LOGROOT/tools.log"
		log "WARNING: make -C tools failed; tests that use setkey will fail (scripts/check.sh builds tools as its own stage)"
	fi
fi

# --- TAP accounting for one kernel's stream ---------------------------------
# State of the test being read.
T_NAME='' T_POINTS=0 T_FAILED=0 T_PLAN='' T_SKIPALL=0 SEEN_DONE=0

end_test() {	# KERNEL EXIT
	local k=$1 rc=$2
	if [ "$rc" = 124 ]; then
		# Timed out in the guest: already reported by guest-run.sh.
		T_NAME=''
		return
	fi
	if [ "$T_SKIPALL" = 1 ] && [ "$T_POINTS" = 0 ]; then
		SKIP=$((SKIP + 1))
	elif [ -z "$T_PLAN" ]; then
		harness_fail "$k" "$T_NAME: no TAP plan (1..N)"
	elif [ "$T_PLAN" != "$T_POINTS" ]; then
		harness_fail "$k" "$T_NAME: planned $T_PLAN, ran $T_POINTS"
	fi
	if [ "$rc" != 0 ] && [ "$T_FAILED" = 0 ]; then
		harness_fail "$k" "$T_NAME: exited with status $rc"
	fi
	T_NAME=
}

handle_line() {	# KERNEL LINE
	local k=$1 line=$2 rest
	case $line in
	"@@nfipsec begin "*)
		T_NAME=${line#@@nfipsec begin } T_POINTS=0 T_FAILED=0 T_PLAN='' T_SKIPALL=0
		echo "[$k] === $T_NAME"
		return ;;
	"@@nfipsec end "*)
		rest=${line#@@nfipsec end }
		local rc=${rest#* exit=}; rc=${rc%% *}
		local tm=${rest##* time=}
		[ -n "$T_NAME" ] && end_test "$k" "$rc"
		echo "[$k] === ${rest%% *} done (${tm}s)"
		return ;;
	"@@nfipsec fail "*)
		rest=${line#@@nfipsec fail }
		harness_fail "$k" "${rest%% *}: ${rest#* }"
		return ;;
	"@@nfipsec info "*)
		echo "[$k] ${line#@@nfipsec info }"
		return ;;
	"@@nfipsec done"*)
		SEEN_DONE=1
		return ;;
	esac
	echo "[$k] ${T_NAME:+$T_NAME: }$line"
	[ -n "$T_NAME" ] || return
	# TAP: plan, test points with SKIP/TODO directives.  Indented lines
	# (subtests) and anything else are diagnostics.
	if [[ $line =~ ^1\.\.([0-9]+) ]]; then
		T_PLAN=${BASH_REMATCH[1]}
		[ "$T_PLAN" = 0 ] && T_SKIPALL=1
	elif [[ $line =~ ^(not\ )?ok([[:space:]]|$) ]]; then
		T_POINTS=$((T_POINTS + 1))
		shopt -s nocasematch
		if [[ $line =~ \#[[:space:]]*(SKIP|TODO) ]]; then
			SKIP=$((SKIP + 1))
		elif [[ $line == "not ok"* ]]; then
			FAIL=$((FAIL + 1)) T_FAILED=$((T_FAILED + 1))
			FAILED_WHAT+=("[$k] $T_NAME: $line")
		else
			PASS=$((PASS + 1))
		fi
		shopt -u nocasematch
	elif [[ $line =~ ^Bail\ out! ]]; then
		harness_fail "$k" "$T_NAME: $line"
	fi
}

# --- splats in the kernel log ------------------------------------------------
# Lines that mean the kernel found a bug.  "Call Trace" alone counts only
# when no other splat line precedes it closely (a dump with no header).
SPLAT_RE='WARNING:|BUG:|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|detected stall|rcu: INFO|general protection fault|Oops|kernel BUG at|Kernel panic|blocked for more than|Unable to handle kernel|kmemleak: .*new suspected memory leaks|refcount_t: |list_add corruption|list_del corruption'
# Known-harmless lines that would otherwise match (each an ERE).
BENIGN_RE=(
	# kasan announces itself in lower case, but be explicit
	'KernelAddressSanitizer initialized'
)

# Is LINE a splat line: SPLAT_RE, and none of BENIGN_RE?
is_splat() {	# LINE
	local b
	[[ $1 =~ $SPLAT_RE ]] || return 1
	for b in "${BENIGN_RE[@]}"; do
		[[ $1 =~ $b ]] && return 1
	done
	return 0
}

scan_splats() {	# KERNEL CONSOLE_LOG
	local k=$1 logf=$2 n=0 lineno=0 last_hdr=-100 cur_test=boot line
	while IFS= read -r line; do
		lineno=$((lineno + 1))
		line=${line%$'\r'}
		case $line in
		*"nfipsec-run: begin "*) cur_test=${line##*nfipsec-run: begin }; continue ;;
		*"nfipsec-run: end "*) cur_test="after ${line##*nfipsec-run: end }"; continue ;;
		esac
		if [[ $line =~ $SPLAT_RE ]]; then
			is_splat "$line" || continue
			last_hdr=$lineno
		elif [[ $line == *"Call Trace"* ]] && [ $((lineno - last_hdr)) -gt 60 ]; then
			last_hdr=$lineno
		else
			continue
		fi
		n=$((n + 1))
		[ $n -le 20 ] && harness_fail "$k" "splat in console log line $lineno (during $cur_test): ${line#*] }"
	done < "$logf"
	if [ $n -gt 20 ]; then
		harness_fail "$k" "... and $((n - 20)) more splat lines (see $logf)"
	fi
}

# The first splat line of CONSOLE_LOG (benign lines excepted), if any.
first_splat() {	# CONSOLE_LOG
	local line
	while IFS= read -r line; do
		line=${line%$'\r'}
		is_splat "$line" && printf '%s\n' "$line" && return 0
	done < "$1"
	return 1
}

# --- one guest boot -------------------------------------------------------------
# The console's last lines, and QEMU's own words, for a guest that failed.
harness_diag_console() {	# KERNEL CONSOLE_LOG DIR
	tail -n 30 "$2" | sed "s/^/[$1] console: /"
	grep -v '^$' "$3/qemu.out" 2>/dev/null | head -n 5 | sed "s/^/[$1] qemu: /"
}

# Boot QEMU_CMD with TIMEOUT and feed its stream to handle_line as it comes.
# Returns 200 when the guest said nothing within BOOT_TIMEOUT seconds (it
# is stopped); with EARLY_CHECK 1, 201 when the kernel's console already
# holds a splat at the guest's first word (it is stopped: the kernel broke
# before userspace, so before nfipsec existed; seen under TCG: an early
# interrupt in identify_boot_cpu, KASAN "wild-memory-access"); else QEMU's
# status (124/137: the timeout), after accounting for an unfinished test
# and a missing end token.
boot_guest() {	# KERNEL DIR TIMEOUT BOOT_TIMEOUT EARLY_CHECK QEMU_CMD...
	local k=$1 dir=$2 tmo=$3 boot_tmo=$4 early_check=$5 klog=$2/console.log stream=$2/stream.log
	local qpid rc line buf='' up=0 hung=0 early=0 kb splat
	shift 5
	: > "$klog"; : > "$stream"
	log "[$k] booting (logs: $dir, timeout ${tmo}s)"
	kb=$(date +%s)
	timeout -k 10 "$tmo" "$@" </dev/null >"$dir/qemu.out" 2>&1 &
	qpid=$!

	SEEN_DONE=0 T_NAME=
	while :; do
		if IFS= read -r -t 10 line; then
			line=$buf$line buf=
		else
			# A timeout (status > 128) keeps the partial line read so far.
			if [ $? -gt 128 ]; then
				buf+=$line
				if [ $up = 0 ] && [ $hung = 0 ] &&
				   [ $(( $(date +%s) - kb )) -ge "$boot_tmo" ]; then
					hung=1
					kill "$qpid" 2>/dev/null
				fi
				continue
			fi
			line=$buf$line buf=
			[ -n "$line" ] || break
		fi
		line=${line%$'\r'}
		[ $early = 1 ] && continue	# stopping it
		if [ $up = 0 ]; then
			up=1
			echo "[$k] guest up after $(( $(date +%s) - kt0 ))s (incl. build)"
			if [ "$early_check" = 1 ] && splat=$(first_splat "$klog"); then
				log "[$k] the kernel splatted before userspace started: ${splat#*] }"
				early=1
				kill "$qpid" 2>/dev/null
				continue
			fi
		fi
		handle_line "$k" "$line"
	done < <(tail -n +1 -F --pid="$qpid" "$stream" 2>/dev/null)
	wait "$qpid"
	rc=$?
	[ $hung = 1 ] && return 200
	[ $early = 1 ] && return 201

	if [ -n "$T_NAME" ]; then
		harness_fail "$k" "$T_NAME: did not finish"
		T_NAME=
	fi
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		harness_fail "$k" "guest timed out after ${tmo}s (see $klog)"
		harness_diag_console "$k" "$klog" "$dir"
	elif [ $SEEN_DONE = 0 ]; then
		harness_fail "$k" "guest stopped before the end token (qemu exit $rc; see $klog)"
		harness_diag_console "$k" "$klog" "$dir"
	fi
	return $rc
}

# --- one kernel ----------------------------------------------------------------
run_kernel() {
	local k=$1 dir job initrd klog stream mem tmo boot_tmo append kt0 kt1 rc
	kt0=$(date +%s)
	dir=$LOGROOT/$k
	rm -rf "$dir"
	mkdir -p "$dir"

	if ! KERNEL_BUILD=1 kernel_resolve "$k"; then
		harness_fail "$k" "cannot resolve kernel"
		return
	fi
	log "[$k] $K_REL: $K_IMAGE"
	if ! "$TOP/scripts/build-module.sh" "$K_KDIR" "$K_OUT" >"$dir/build-module.log" 2>&1; then
		cat "$dir/build-module.log"
		harness_fail "$k" "module build failed"
		return
	fi
	local ko=$K_OUT/kmod/nfipsec.ko tko=
	[ -f "$K_OUT/kmod/test/nfipsec_test.ko" ] && tko=$K_OUT/kmod/test/nfipsec_test.ko

	local nomod=
	[ "$k" = debug ] && nomod=--no-modules
	if ! initrd=$("$TOP/selftests/qemu/mkinitramfs.sh" "$K_REL" "$K_MODDIR" "$TOP/build/initramfs" $nomod); then
		harness_fail "$k" "initramfs build failed"
		return
	fi

	local kunit=0 kmemleak=0
	if [ -n "$tko" ]; then
		kunit=1
	elif [ $KUNIT_ONLY = 1 ]; then
		harness_fail "$k" "--kunit-only but no nfipsec_test.ko for this kernel (no CONFIG_KUNIT)"
		return
	fi
	[ "$k" = debug ] && kmemleak=1

	# The guest reads the job through the 9p root, so it must not live in
	# a directory the guest mounts over (/tmp, /run): keep it in build/.
	mkdir -p "$TOP/build/jobs"
	job=$TOP/build/jobs/$$-$k.env
	{
		echo "# Written by selftests/run.sh for guest-run.sh"
		printf 'NFIPSEC_ROOT=%q\n' "$TOP"
		printf 'NFIPSEC_KERNEL=%q\n' "$k"
		printf 'NFIPSEC_KREL=%q\n' "$K_REL"
		printf 'NFIPSEC_KO=%q\n' "$ko"
		printf 'NFIPSEC_TEST_KO=%q\n' "$tko"
		printf 'NFIPSEC_PROGS=%q\n' "$PROGS"
		printf 'NFIPSEC_KUNIT=%q\n' "$kunit"
		printf 'NFIPSEC_KMEMLEAK=%q\n' "$kmemleak"
		printf 'NFIPSEC_TEST_TIMEOUT=%q\n' "${NFIPSEC_TEST_TIMEOUT:-600}"
		printf 'NFIPSEC_TESTS=('
		# --kunit-only selects none: an empty list, not one empty name.
		[ ${#SEL_TESTS[@]} = 0 ] || printf '%q ' "${SEL_TESTS[@]}"
		printf ')\n'
	} > "$job"

	klog=$dir/console.log stream=$dir/stream.log
	mem=2G tmo=${TIMEOUT:-3600} boot_tmo=${NFIPSEC_BOOT_TIMEOUT:-300}
	if [ "$k" = debug ]; then
		mem=3G
		[ -n "$TIMEOUT" ] || tmo=7200
		boot_tmo=${NFIPSEC_BOOT_TIMEOUT:-600}
	fi
	# watchdog_thresh=60: a TCG vCPU on a busy host can be descheduled
	# for tens of seconds (seen: 37 s inside clear_page during a 9p read
	# with three guests and a kernel build on 2 cores), which the default
	# 20 s soft-lockup limit reports as a splat; 120 s still catches a
	# real lockup well within a test's timeout.  The RCU stall detector's
	# 21 s default trips the same way (seen: 21 s in clear_page on a fork,
	# after rmmod, with four guests on 2 cores): 60 s.
	append="console=ttyS0,115200 panic=-1 mitigations=off watchdog_thresh=60"
	append+=" rcupdate.rcu_cpu_stall_timeout=60"
	append+=" nfipsec_init=$TOP/selftests/lib/guest-run.sh nfipsec_job=$job"
	[ -n "$K_BINDMOD" ] && append+=" nfipsec_moddir=$K_BINDMOD"
	# no5lvl on the debug kernel: 6.1's identify_cpu() zeroes the boot
	# CPU's capabilities and detects them again, and an interrupt in that
	# window (TCG is slow there) sees pgtable_l5_enabled() false, so KASAN
	# calls the irq_desc lock's address in the 5-level direct map a
	# "wild-memory-access" (handle_edge_irq under cpu_detect, seen three
	# times with two guests sharing the host).  Under 4-level paging there
	# is no such window; the retry of boot_guest stays for anything else.
	[ "$k" = debug ] && append+=" no5lvl"
	local accel=(-accel tcg -cpu max)
	[ $ACCEL = kvm ] && accel=(-accel kvm -cpu host)

	local qemu_cmd=("$QEMU" "${accel[@]}" -smp 2 -m "$mem"
		-nodefaults -nographic -monitor none -no-reboot
		-kernel "$K_IMAGE" -initrd "$initrd" -append "$append"
		-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
		-serial "file:$klog" -serial "file:$stream")
	printf '%q ' "${qemu_cmd[@]}" > "$dir/qemu.cmd"
	echo >> "$dir/qemu.cmd"

	local attempt left
	for attempt in 1 2; do
		if [ -n "${NFIPSEC_DEADLINE:-}" ]; then
			left=$((NFIPSEC_DEADLINE - $(date +%s)))
			if [ $left -lt 120 ]; then
				harness_fail "$k" "not run: ${left}s left before NFIPSEC_DEADLINE (CI's budget)"
				break
			fi
			[ $left -lt "$tmo" ] && tmo=$left
		fi
		# A second boot keeps an early splat: the final scan fails it.
		boot_guest "$k" "$dir" "$tmo" "$boot_tmo" $((attempt == 1)) "${qemu_cmd[@]}"
		rc=$?
		if [ $rc = 201 ]; then
			log "[$k] booting it once more (first console kept as console.boot1.log)"
			mv -f "$klog" "$dir/console.boot1.log"
			mv -f "$stream" "$dir/stream.boot1.log"
			continue
		fi
		[ $rc = 200 ] || break
		harness_diag_console "$k" "$klog" "$dir"
		if [ $attempt = 1 ]; then
			log "[$k] no word from the guest within ${boot_tmo}s of its start: booting it once more"
			mv -f "$klog" "$dir/console.boot1.log"
			mv -f "$stream" "$dir/stream.boot1.log"
		else
			harness_fail "$k" "the guest said nothing within ${boot_tmo}s of its start, twice"
		fi
	done
	kt1=$(date +%s)
	mv -f "$job" "$dir/job.env"
	[ -f "$klog" ] || return
	scan_splats "$k" "$klog"
	log "[$k] finished in $((kt1 - kt0))s"
}

for k in "${KERNELS[@]}"; do
	run_kernel "$k"
done

log "logs in $LOGROOT"
if [ ${#FAILED_WHAT[@]} -gt 0 ]; then
	echo "Failures:"
	printf '  %s\n' "${FAILED_WHAT[@]}"
fi
echo "total time $(( $(date +%s) - t0 ))s"
summary="$PASS passed, $FAIL failed"
[ $SKIP -gt 0 ] && summary+=", $SKIP skipped"
echo "$summary"
[ $FAIL = 0 ]
