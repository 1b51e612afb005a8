#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Every test layer of nfipsec, in order (what `make check` and .ci/run run):
#
#   1. deps        scripts/deps.sh: install what is missing (idempotent)
#   2. module      build-module.sh, W=1 warning-free, against the 6.1 and
#                  6.12 Debian headers -> build/<kernelrelease>/
#   3. tools       make -C tools; make -C tools check (userspace unit tests)
#   4. debug       selftests/kernel/build-debug-kernel.sh (cached; minutes
#                  only the first time or when its inputs change)
#   5. selftests   selftests/run.sh --kernel 6.1 --kernel 6.12 --kernel debug
#                  (KUnit, the QEMU selftests, kmemleak; logs in build/logs/)
#
# Stages 2-5 run even when an earlier one failed (as long as what they need
# exists), so one run reports everything; the exit status is non-zero if any
# stage failed.  A timing line is printed per stage.
#
# Environment: KERNELS (default "6.1 6.12 debug"), TESTS (names passed to
# run.sh --test), NFIPSEC_CACHE (debug kernel cache), NFIPSEC_BUDGET
# (seconds from the start that guests may use, default 5330 of CI's 5400;
# 0: no limit).
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$TOP" || exit 1
# shellcheck source=selftests/lib/kernels.sh
. "$TOP/selftests/lib/kernels.sh"

read -r -a KLIST <<<"${KERNELS:-6.1 6.12 debug}"
read -r -a TLIST <<<"${TESTS:-}"
FAILED=()
TIMES=()

stage() {	# NAME CMD...: run one stage, time it, remember a failure
	local name=$1 t0 rc
	shift
	echo
	echo "==== check: $name"
	t0=$(date +%s)
	"$@"
	rc=$?
	TIMES+=("$(printf '%-28s %5ss  %s' "$name" $(( $(date +%s) - t0 )) "$([ $rc = 0 ] && echo ok || echo FAILED)")")
	echo "==== check: $name: $([ $rc = 0 ] && echo ok || echo "FAILED (exit $rc)") in $(( $(date +%s) - t0 ))s"
	[ $rc = 0 ] || FAILED+=("$name")
	return $rc
}

build_module_for() {	# KERNEL NAME
	kernel_resolve "$1" || return 1
	"$TOP/scripts/build-module.sh" "$K_KDIR" "$K_OUT"
}

tools_build() { make -C "$TOP/tools"; }
tools_check() { make -C "$TOP/tools" check; }

selftests() {
	local args=() k t
	for k in "${KLIST[@]}"; do args+=(--kernel "$k"); done
	for t in "${TLIST[@]}"; do args+=(--test "$t"); done
	"$TOP/selftests/run.sh" "${args[@]}"
}

T0=$(date +%s)
# CI stops .ci/run after 5400 s.  No guest may run past T0 + the budget, so
# that a run out of time still says where it was (selftests/run.sh).
if [ -z "${NFIPSEC_DEADLINE:-}" ] && [ "${NFIPSEC_BUDGET:-5330}" != 0 ]; then
	export NFIPSEC_DEADLINE=$((T0 + ${NFIPSEC_BUDGET:-5330}))
fi
stage "deps" "$TOP/scripts/deps.sh"
stage "module 6.1 (W=1)" build_module_for 6.1
stage "module 6.12 (W=1)" build_module_for 6.12
if [ -f "$TOP/tools/Makefile" ]; then
	stage "tools build" tools_build
	stage "tools unit tests" tools_check
else
	echo
	echo "==== check: tools: SKIPPED - tools/Makefile does not exist yet"
	TIMES+=("$(printf '%-28s %5s   %s' "tools" - "SKIPPED (no tools/Makefile)")")
fi
for k in "${KLIST[@]}"; do
	if [ "$k" = debug ]; then
		stage "debug kernel (cached)" "$TOP/selftests/kernel/build-debug-kernel.sh"
	fi
done
stage "selftests (${KLIST[*]})" selftests

echo
echo "==== check: summary"
printf '  %s\n' "${TIMES[@]}"
echo "  total $(( $(date +%s) - T0 ))s"
if [ ${#FAILED[@]} -gt 0 ]; then
	echo "check: FAILED: ${FAILED[*]}"
	exit 1
fi
echo "check: all stages passed"
