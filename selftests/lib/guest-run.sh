#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the nfipsec QEMU harness.  Started by the initramfs /init
# (selftests/qemu/init) with switch_root, as PID 1, in a guest whose root is
# the host's root (9p, read-only) under a tmpfs overlay.  It reads the job
# file the host wrote ($nfipsec_job, or $1), then:
#
#   mount proc, sys, dev, devpts, debugfs, tmp, run; lo up
#   modprobe the CPU-feature crypto drivers (no udev here to autoload them)
#   [debug kernel] kmemleak: scan + clear (boot-time noise is not ours)
#   [KUnit]  insmod nfipsec.ko + nfipsec_test.ko, KTAP from dmesg -> TAP
#   for each test in $NFIPSEC_TESTS (name order):
#       insmod nfipsec.ko           unless the test says "# nfipsec: noload"
#       timeout T bash TEST         stdout = TAP, stderr prefixed "# "
#       leftover netns / af_key?    a failure, cleaned up
#       rmmod nfipsec if loaded     a failing rmmod is a failure
#   [debug kernel] kmemleak: scan, pause, scan, read: any report = failure
#   poweroff
#
# Everything for the host goes to the second serial port (/dev/ttyS1), the
# kernel console stays alone on ttyS0.  The protocol, one line each:
#
#   @@nfipsec begin NAME         a test starts; TAP lines follow
#   @@nfipsec end NAME exit=RC time=S
#   @@nfipsec fail NAME REASON   a harness-level failure (counts as one)
#   @@nfipsec info TEXT
#   @@nfipsec done               end token: the run completed
#
# The host (selftests/run.sh) counts TAP points, checks each plan and exit
# status, and scans the console for splats.  Test boundaries are also
# written to /dev/kmsg ("nfipsec-run: begin NAME") so a splat can be
# attributed to the test that caused it.
#
# Test header lines (in the first 30 lines of a test file):
#   # nfipsec: noload               do not insmod nfipsec.ko before the test
#   # nfipsec: timeout SECONDS      per-test timeout (default $NFIPSEC_TEST_TIMEOUT)
#   # nfipsec: kernels 6.1 debug    run only on these kernels (else skipped)

JOB=${nfipsec_job:-${1:-}}
if [ -z "$JOB" ] || [ ! -f "$JOB" ]; then
	echo "guest-run: no job file (nfipsec_job='$JOB')" >&2
	[ $$ = 1 ] && { /bin/busybox poweroff -f; echo o > /proc/sysrq-trigger; }
	exit 1
fi
# shellcheck source=/dev/null
. "$JOB"
: "${NFIPSEC_ROOT:?}" "${NFIPSEC_KERNEL:?}" "${NFIPSEC_KO:?}"
: "${NFIPSEC_TEST_TIMEOUT:=600}" "${NFIPSEC_KUNIT:=0}" "${NFIPSEC_KMEMLEAK:=0}"
: "${NFIPSEC_TEST_KO:=}" "${NFIPSEC_PROGS:=}" "${NFIPSEC_KREL:=$(uname -r)}"
export NFIPSEC_ROOT NFIPSEC_KERNEL NFIPSEC_KREL NFIPSEC_KO NFIPSEC_TEST_KO NFIPSEC_PROGS
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LC_ALL=C.UTF-8

KMEMLEAK=/sys/kernel/debug/kmemleak

setup_system() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev 2>/dev/null
	# devtmpfs has no fd links; bash process substitution needs /dev/fd.
	ln -sfn /proc/self/fd /dev/fd
	ln -sfn /proc/self/fd/0 /dev/stdin
	ln -sfn /proc/self/fd/1 /dev/stdout
	ln -sfn /proc/self/fd/2 /dev/stderr
	mkdir -p /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /dev/shm
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	mount -t tmpfs -o mode=1777 tmpfs /tmp
	mount -t tmpfs -o mode=0755 tmpfs /run
	mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
	hostname nfipsec-guest
	ip link set lo up
	# The guest is a test box: the harness decides what a splat means.
	sysctl -qw kernel.panic_on_warn=0 kernel.panic_on_oops=0 2>/dev/null
}

if [ $$ = 1 ]; then
	setup_system
fi
if [ -c /dev/ttyS1 ] && [ $$ = 1 ]; then
	exec 3>/dev/ttyS1
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
else
	exec 3>&1
fi
exec </dev/null

proto() { echo "@@nfipsec $*" >&3; }
kmsg() { echo "nfipsec-run: $*" >/dev/kmsg 2>/dev/null; }
fail() { proto fail "$1" "${*:2}"; }

is_loaded() { grep -q "^$1 " /proc/modules; }

# Unload a module, waiting briefly for references held by RCU callbacks or
# exiting namespaces to go away.
unload() {
	local _
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		rmmod "$1" 2>/dev/null && return 0
		is_loaded "$1" || return 0
		sleep 1
	done
	rmmod "$1" 2>&1 | sed 's/^/# /' >&3
	! is_loaded "$1"
}

# insmod nfipsec.ko after the modules it depends on.
load_nfipsec() {
	local deps d
	deps=$(modinfo -F depends "$NFIPSEC_KO" 2>/dev/null | tr ',' ' ')
	for d in $deps; do
		modprobe "$d" 2>&1 | sed 's/^/# /' >&3
	done
	insmod "$NFIPSEC_KO" 2>&1 | sed 's/^/# /' >&3
	if [ "${PIPESTATUS[0]}" != 0 ]; then
		dmesg | tail -n 5 | sed 's/^/# dmesg: /' >&3
		return 1
	fi
}

load_crypto() {
	local m loaded=()
	for m in aesni_intel ghash_clmulni_intel sha1_ssse3 sha256_ssse3 sha512_ssse3 \
		 chacha_x86_64 poly1305_x86_64 chacha20poly1305 des3_ede_x86_64 \
		 blowfish_x86_64 camellia_x86_64 twofish_x86_64 serpent_sse2_x86_64 \
		 crc32c_intel; do
		modprobe -q "$m" 2>/dev/null && loaded+=("$m")
	done
	proto info "crypto drivers loaded: ${loaded[*]:-none}"
}

kmemleak_scan() {
	echo scan > "$KMEMLEAK" 2>/dev/null
}

# Header directives of a test file: "# nfipsec: WORD [ARGS]".
header() {
	sed -n '1,30s/^# nfipsec: *//p' "$1"
}

# --- KUnit: run nfipsec_test.ko's suites, flatten KTAP to one TAP stream -----
#
# In the kernel log, each suite is a KTAP subtest indented by 4 spaces:
#     # Subtest: SUITE / 1..N / ok 1 CASE ... / then "ok K SUITE" unindented.
# Every test case (4-space indent) becomes one point "SUITE.CASE"; deeper
# (parameterized) lines are summarized by their case line; a suite that
# fails without any case result (init failure) becomes one failed point.
ktap_flatten() {
	awk '
	function emit(ok, desc, dir) {
		n++
		printf "%s %d - %s%s\n", ok ? "ok" : "not ok", n, desc, dir
	}
	{
		sub(/\r$/, "")
		line = $0
		match(line, /^ */); ind = RLENGTH
		body = substr(line, ind + 1)
		if (ind == 4 && body ~ /^# Subtest: /) {
			suite = substr(body, 12); cases = 0; next
		}
		if (ind == 4 && body ~ /^(not )?ok [0-9]+ /) {
			ok = (body !~ /^not /)
			sub(/^(not )?ok [0-9]+ (- )?/, "", body)
			dir = ""
			if (match(body, / # .*$/)) { dir = substr(body, RSTART); body = substr(body, 1, RSTART - 1) }
			cases++
			emit(ok, suite "." body, dir)
			next
		}
		if (ind == 0 && body ~ /^(not )?ok [0-9]+ /) {
			if (body ~ /^not / && cases == 0) {
				sub(/^not ok [0-9]+ (- )?/, "", body)
				emit(0, body " (suite failed without case results)", "")
			}
			suite = ""; next
		}
		# Failure details ("# case: EXPECTATION FAILED at ...", "Expected
		# ...") and nested parameter results: diagnostics.
		if (ind >= 4 && body != "") { print "# " body; next }
	}
	END { printf "1..%d\n", n }
	'
}

run_kunit() {
	local name=kunit start rc=0 before
	start=$(date +%s)
	proto begin "$name"
	kmsg "begin $name"
	if [ -z "$NFIPSEC_TEST_KO" ] || [ ! -f "$NFIPSEC_TEST_KO" ]; then
		echo "1..0 # SKIP no nfipsec_test.ko for this kernel" >&3
	elif ! load_nfipsec; then
		fail "$name" "insmod nfipsec.ko failed"
		rc=1
	else
		before=$(dmesg | wc -l)
		insmod "$NFIPSEC_TEST_KO" 2>&1 | sed 's/^/# /' >&3
		if ! is_loaded nfipsec_test; then
			fail "$name" "insmod nfipsec_test.ko failed"
			rc=1
		fi
		dmesg --notime | tail -n "+$((before + 1))" | ktap_flatten >&3
		if is_loaded nfipsec_test && ! unload nfipsec_test; then
			fail "$name" "rmmod nfipsec_test failed"
		fi
		if is_loaded nfipsec && ! unload nfipsec; then
			fail "$name" "rmmod nfipsec failed"
		fi
	fi
	kmsg "end $name"
	proto end "$name" "exit=$rc" "time=$(( $(date +%s) - start ))"
}

# --- one selftest ------------------------------------------------------------
run_test() {
	local t=$1 name noload=0 tmo=$NFIPSEC_TEST_TIMEOUT kernels="" key val
	local start rc dir
	name=$(basename "$t" .sh)
	while read -r key val; do
		case $key in
		noload) noload=1 ;;
		timeout) tmo=$val ;;
		kernels) kernels=$val ;;
		esac
	done < <(header "$t")

	start=$(date +%s)
	proto begin "$name"
	if [ -n "$kernels" ] && [[ " $kernels " != *" $NFIPSEC_KERNEL "* ]]; then
		echo "1..0 # SKIP only for kernels: $kernels" >&3
		proto end "$name" exit=0 time=0
		return
	fi
	if [ $noload = 0 ] && ! load_nfipsec; then
		fail "$name" "insmod $NFIPSEC_KO failed; test not run"
		proto end "$name" exit=0 time=0
		return
	fi

	kmsg "begin $name"
	dir=$(mktemp -d /tmp/nfipsec-test.XXXXXX)
	(cd "$dir" && exec timeout -k 10 "$tmo" bash "$t") >&3 2> >(sed -u 's/^/# /' >&3)
	rc=$?
	sleep 0.2	# let the stderr filter drain
	[ $rc = 124 ] && fail "$name" "timed out after ${tmo}s"
	kmsg "end $name exit=$rc"
	rm -rf "$dir"

	if [ -n "$(ip netns list 2>/dev/null)" ]; then
		fail "$name" "left network namespaces behind: $(ip netns list | awk '{print $1}' | tr '\n' ' ')"
		ip -all netns delete 2>/dev/null
	fi
	if is_loaded af_key; then
		fail "$name" "left af_key loaded"
		unload af_key
	fi
	if is_loaded nfipsec && ! unload nfipsec; then
		fail "$name" "rmmod nfipsec failed"
	fi
	proto end "$name" "exit=$rc" "time=$(( $(date +%s) - start ))"
}

run_kmemleak() {
	local name=kmemleak n
	proto begin "$name"
	kmsg "begin $name"
	# Objects younger than 5 s are never reported: scan, wait, scan again.
	kmemleak_scan
	sleep 6
	kmemleak_scan
	n=$(grep -c '^unreferenced object' "$KMEMLEAK" 2>/dev/null)
	echo "1..1" >&3
	if [ "${n:-0}" = 0 ]; then
		echo "ok 1 - kmemleak: no suspected leaks" >&3
	else
		sed 's/^/# /' "$KMEMLEAK" >&3
		echo "not ok 1 - kmemleak: $n suspected leaks" >&3
	fi
	kmsg "end $name"
	proto end "$name" exit=0 time=0
}

# --- main --------------------------------------------------------------------
proto info "kernel $NFIPSEC_KERNEL ($(uname -r)), $(nproc) CPUs, uptime $(cut -d' ' -f1 /proc/uptime)s"
load_crypto
if [ "$NFIPSEC_KMEMLEAK" = 1 ]; then
	if [ -w "$KMEMLEAK" ]; then
		kmemleak_scan
		echo clear > "$KMEMLEAK"
	else
		fail kmemleak "no $KMEMLEAK in this kernel"
		NFIPSEC_KMEMLEAK=0
	fi
fi
if [ "$NFIPSEC_KUNIT" = 1 ]; then
	run_kunit
fi
for t in "${NFIPSEC_TESTS[@]}"; do
	run_test "$t"
done
if [ "$NFIPSEC_KMEMLEAK" = 1 ]; then
	run_kmemleak
fi
proto 'done'
sync
if [ $$ = 1 ]; then
	sleep 0.5
	/bin/busybox poweroff -f
	echo o > /proc/sysrq-trigger
	sleep 30
fi
