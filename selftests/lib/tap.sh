# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# TAP and network-namespace helpers for nfipsec selftests (sourced):
#
#   #!/bin/bash
#   # nfipsec: timeout 300            (optional harness headers, see below)
#   . "$NFIPSEC_ROOT/selftests/lib/tap.sh"
#   tap_plan 3
#   ns_create a b                     # hosts "a" and "b" (cleaned up on EXIT)
#   ns_veth a eth0 10.0.0.1/24 b eth0 10.0.0.2/24
#   tap_check "a pings b" n a ping -c1 -W2 10.0.0.2
#   tap_is "af_key absent" "$(grep -c '^af_key ' /proc/modules)" 0
#   tap_skip "ipv6 over nat" "not written yet"
#   tap_done
#
# stdout is the TAP stream the harness counts: only the helpers below should
# write to it.  Commands run through `run`, `n` or tap_check have their
# output prefixed with "# " (a TAP diagnostic), so a stray "ok" in it cannot
# be mistaken for a test point; capture output with $(...) as usual.
# stderr is passed to the log prefixed with "# " by the harness.
#
# Harness headers (first 30 lines of the test file, see guest-run.sh):
#   # nfipsec: noload            nfipsec.ko is not inserted before the test
#   # nfipsec: timeout SECONDS   per-test timeout
#   # nfipsec: kernels 6.1 6.12  run only on these kernels
#
# Environment from the harness: NFIPSEC_ROOT, NFIPSEC_KO, NFIPSEC_TEST_KO
# (may be empty), NFIPSEC_PROGS, NFIPSEC_KERNEL (6.1/6.12/debug),
# NFIPSEC_KREL.  Defined here: SETKEY (the project's setkey).

: "${NFIPSEC_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
SETKEY=${SETKEY:-$NFIPSEC_ROOT/tools/setkey/setkey}

_TAP_N=0
_TAP_FAILED=0
_TAP_PLAN=
_TAP_DONE=0
_TAP_CLEANUPS=()
_TAP_NETNS=()

# --- TAP ----------------------------------------------------------------------
tap_plan() {	# N
	_TAP_PLAN=$1
	echo "TAP version 13"
	echo "1..$1"
}

tap_diag() {	# MESSAGE...
	local l
	while IFS= read -r l; do
		echo "# $l"
	done <<<"$*"
}

tap_ok() {	# DESCRIPTION
	_TAP_N=$((_TAP_N + 1))
	echo "ok $_TAP_N - $*"
}

tap_fail() {	# DESCRIPTION
	_TAP_N=$((_TAP_N + 1))
	_TAP_FAILED=$((_TAP_FAILED + 1))
	echo "not ok $_TAP_N - $*"
}

tap_result() {	# STATUS DESCRIPTION: ok iff STATUS is 0
	if [ "$1" = 0 ]; then tap_ok "${*:2}"; else tap_fail "${*:2}"; fi
}

tap_skip() {	# DESCRIPTION REASON
	_TAP_N=$((_TAP_N + 1))
	echo "ok $_TAP_N - $1 # SKIP ${2:-}"
}

tap_skip_all() {	# REASON: the whole test does not apply here
	echo "1..0 # SKIP $*"
	_TAP_DONE=1
	exit 0
}

tap_bail() {	# REASON: stop now, the rest cannot run
	echo "Bail out! $*"
	_TAP_DONE=1
	exit 1
}

# Run a command as a test point: ok iff it exits 0.  Prints the command
# (through `run`, unless it already is `run` or `n`).
tap_check() {	# DESCRIPTION CMD...
	local desc=$1
	shift
	if _tap_run "$@"; then tap_ok "$desc"; else tap_fail "$desc"; fi
}

# The opposite: ok iff the command fails (an expected rejection).
tap_check_fails() {	# DESCRIPTION CMD...
	local desc=$1
	shift
	if _tap_run "$@"; then tap_fail "$desc (unexpectedly succeeded)"; else tap_ok "$desc"; fi
}

_tap_run() {
	case $1 in
	run|n) "$@" ;;
	*) run "$@" ;;
	esac
}

tap_is() {	# DESCRIPTION GOT WANT
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
	else
		tap_fail "$1"
		tap_diag "got:  '$2'" "want: '$3'"
	fi
}

# Test points printed by a helper program as "ok - DESC" / "not ok - DESC"
# (other lines pass through as diagnostics), renumbered into this test.
# Use with a redirection, not a pipe, so the counts stay in this shell:
#   tap_import < <(python3 helper.py)
# A helper that prints no test point at all is a failure.
tap_import() {
	local l seen=0
	while IFS= read -r l; do
		case $l in
		"ok - "*) tap_ok "${l#ok - }"; seen=1 ;;
		"not ok - "*) tap_fail "${l#not ok - }"; seen=1 ;;
		"#"*) echo "$l" ;;
		*) echo "# $l" ;;
		esac
	done
	[ $seen = 1 ] || tap_fail "the helper program printed no test point"
}

# Skip the whole test unless every command exists.
tap_require() {	# CMD...
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || [ -x "$c" ] || tap_skip_all "missing $c"
	done
}

# Print the plan if none was given and return non-zero if anything failed
# or the plan was not met.  Call it last.
tap_done() {
	_TAP_DONE=1
	if [ -z "$_TAP_PLAN" ]; then
		echo "1..$_TAP_N"
	elif [ "$_TAP_PLAN" != "$_TAP_N" ]; then
		tap_diag "planned $_TAP_PLAN tests, ran $_TAP_N"
		return 1
	fi
	[ "$_TAP_FAILED" = 0 ]
}

# --- commands -----------------------------------------------------------------
# Print a command ("# + [ns] cmd"), run it with its output as diagnostics,
# return its status.
run() {
	tap_diag "+ $*"
	"$@" 2>&1 | sed -u 's/^/#   /'
	return "${PIPESTATUS[0]}"
}

# Run a command in namespace NS, printed.
n() {	# NS CMD...
	local ns=$1
	shift
	tap_diag "+ [$ns] $*"
	ip netns exec "$ns" "$@" 2>&1 | sed -u 's/^/#   /'
	return "${PIPESTATUS[0]}"
}

# Same, but quiet and with stdout passed through (for $(...) captures).
nq() {	# NS CMD...
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# --- network namespaces as hosts -----------------------------------------------
# Each name becomes a namespace with lo up.  Namespaces are deleted on EXIT
# (after the processes in them are killed), so tests leave nothing behind;
# the harness checks that.
ns_create() {	# NAME...
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || tap_bail "ip netns add $ns"
		_TAP_NETNS+=("$ns")
		ip -n "$ns" link set lo up
	done
}

# A veth pair between two namespaces, addresses optional ("-" for none):
#   ns_veth a eth0 10.0.0.1/24 b eth0 10.0.0.2/24
ns_veth() {	# NS1 IF1 ADDR1 NS2 IF2 ADDR2
	local ns1=$1 if1=$2 a1=$3 ns2=$4 if2=$5 a2=$6
	ip link add "tmp$$a" netns "$ns1" type veth peer name "tmp$$b" netns "$ns2" ||
		tap_bail "veth $ns1/$if1 <-> $ns2/$if2"
	ip -n "$ns1" link set "tmp$$a" name "$if1"
	ip -n "$ns2" link set "tmp$$b" name "$if2"
	[ "$a1" = - ] || [ -z "$a1" ] || ip -n "$ns1" addr add "$a1" dev "$if1" nodad 2>/dev/null ||
		ip -n "$ns1" addr add "$a1" dev "$if1"
	[ "$a2" = - ] || [ -z "$a2" ] || ip -n "$ns2" addr add "$a2" dev "$if2" nodad 2>/dev/null ||
		ip -n "$ns2" addr add "$a2" dev "$if2"
	ip -n "$ns1" link set "$if1" up
	ip -n "$ns2" link set "$if2" up
}

ns_delete() {	# NAME...
	local ns p
	for ns in "$@"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
}

# Register a command to run on EXIT (before the namespaces are deleted;
# last registered runs first).
tap_on_exit() {	# CMD-STRING
	_TAP_CLEANUPS=("$*" "${_TAP_CLEANUPS[@]}")
}

_tap_exit() {
	local rc=$? c
	for c in "${_TAP_CLEANUPS[@]}"; do
		eval "$c" >/dev/null 2>&1
	done
	[ ${#_TAP_NETNS[@]} -gt 0 ] && ns_delete "${_TAP_NETNS[@]}"
	if [ "$_TAP_DONE" = 0 ] && [ -n "$_TAP_PLAN" ] && [ "$_TAP_PLAN" != "$_TAP_N" ]; then
		tap_diag "exited (status $rc) after $_TAP_N of $_TAP_PLAN tests"
		[ "$rc" = 0 ] && rc=1
	fi
	exit "$rc"
}
trap _tap_exit EXIT
