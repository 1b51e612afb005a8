#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: nfipsec at work, for a newcomer.
#
#   1. scripts/deps.sh          install what is missing (idempotent, quick
#                               when everything is there)
#   2. make -C tools            the project's setkey
#   3. selftests/run.sh --kernel $DEMO_KERNEL --script selftests/demo/demo.sh
#                               builds nfipsec.ko for Debian's kernel, boots it
#                               in QEMU (TCG), loads the module and runs the
#                               demo in the guest: two namespaces, SAs and
#                               policies set with setkey, the SAD and SPD
#                               dumped, traffic between them, the counters
#
# The guest's narration is printed as it arrives; the full harness output and
# the guest's kernel log stay in build/demo/.  Exit status: 0 when every
# check of the demo passed (a check that cannot run yet is reported as a
# SKIP with its reason, never as a pass).
#
# Environment: DEMO_KERNEL (6.1, default, or 6.12).
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KERNEL=${DEMO_KERNEL:-6.1}
OUT=$TOP/build/demo
mkdir -p "$OUT"

echo "demo: installing what is missing (scripts/deps.sh)"
if ! "$TOP/scripts/deps.sh" >"$OUT/deps.log" 2>&1; then
	tail -n 20 "$OUT/deps.log"
	echo "demo: scripts/deps.sh failed (log: $OUT/deps.log)" >&2
	exit 1
fi
echo "demo: building the tools"
if ! make -s -C "$TOP/tools" >"$OUT/tools.log" 2>&1; then
	tail -n 20 "$OUT/tools.log"
	echo "demo: make -C tools failed (log: $OUT/tools.log)" >&2
	exit 1
fi
echo "demo: building nfipsec.ko for Debian's $KERNEL kernel and booting it in QEMU (TCG: about a minute)"
echo

# The harness prefixes every guest line with "[kernel] test: "; the demo's
# narration is its TAP diagnostics ("# ..."): print those plainly, and the
# checks as they are.
"$TOP/selftests/run.sh" --kernel "$KERNEL" --script "$TOP/selftests/demo/demo.sh" \
	--keep-log "$OUT/logs" 2>&1 | tee "$OUT/run.log" |
	sed -un -e "s/^\[$KERNEL\] demo: \(# \{0,1\}\)\{0,1\}//p" \
		-e 's/^\(.*FAIL: .*\)$/\1/p' \
		-e 's/^\([0-9]* passed, .*\)$/\n\1/p'
rc=${PIPESTATUS[0]}
echo
if [ "$rc" = 0 ]; then
	echo "demo: done (harness output: $OUT/run.log, guest kernel log: $OUT/logs/$KERNEL/console.log)"
else
	echo "demo: FAILED (exit $rc); see $OUT/run.log and $OUT/logs/$KERNEL/console.log" >&2
fi
exit "$rc"
