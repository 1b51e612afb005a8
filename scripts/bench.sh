#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# nfipsec benchmarks against the Linux reference (what `make bench` runs):
#
#   1. deps     scripts/deps.sh, only when something the run needs is missing
#   2. tools    make -C tools (setkey)
#   3. guest    selftests/run.sh --kernel K --script selftests/bench/control_plane.sh
#                   --script selftests/bench/spd_scaling.sh
#                   --script selftests/bench/esp_throughput.sh --keep-log build/bench/logs
#               (QEMU/TCG; the harness builds and loads nfipsec.ko; each
#               script measures nfipsec and the reference in the same boot)
#   4. results  the "# bench: name=... n=... nfipsec=... reference=...
#               ratio=... unit=... better=..." lines of each kernel's
#               stream.log -> build/bench/results-YYYYmmdd-HHMMSS.txt
#               (build/bench/latest.txt points to it), printed as a table;
#               the data path's lines (esp_*) also carry the cleartext
#               figure and more ratios, printed as a second table
#
# The guest's files never reach the host (its root is the host's, read-only,
# under a tmpfs overlay): results travel as those lines only.  What each
# figure means, and its caveats: Documentation/benchmarks.md.
#
# Exit status non-zero if the guest run failed (a test point, the harness,
# a kernel splat) or any expected result is missing or not a number.
#
# Environment: BENCH_KERNELS (default "6.1"; "6.1 6.12" for both).
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$TOP" || exit 1
KERNELS_TOP=$TOP
# shellcheck source=selftests/lib/kernels.sh
. "$TOP/selftests/lib/kernels.sh"

read -r -a KLIST <<<"${BENCH_KERNELS:-6.1}"
SCRIPTS=(selftests/bench/control_plane.sh selftests/bench/spd_scaling.sh
	 selftests/bench/esp_throughput.sh)
# Every result the scripts print (per kernel); a missing one is a failure.
EXPECTED=(setkey_noop sa_add sa_dump sa_flush sa_mem spd_add spd_dump spd_flush spd_mem
	  spd_pps_base spd_pps spd_pps_kept spd_pkt_ns spd_xfrm_base spd_rate spd_retention spd_lookup_ns)
for fig in tcp udp64; do
	for alg in gcm cbc; do
		for mode in transport tunnel; do
			EXPECTED+=("esp_${fig}_${alg}_$mode")
		done
	done
done
# The data path's extra fields, numbers too (esp_* lines).
ESP_FIELDS=(clear nf_clear ref_clear ratio_min ratio_max spread_nf spread_ref spread_clear)
OUT=$TOP/build/bench
LOGS=$OUT/logs
STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS=$OUT/results-$STAMP.txt

die() { echo "bench: $*" >&2; exit 1; }
[ ${#KLIST[@]} -gt 0 ] || die "BENCH_KERNELS is empty"
for k in "${KLIST[@]}"; do
	case $k in
	6.1|6.12) ;;
	*) die "BENCH_KERNELS: '$k' is not a benchmark kernel (6.1 or 6.12; the debug kernel's KASAN and lockdep would be measured)" ;;
	esac
done

# --- 1. dependencies, only if something is missing -----------------------------
missing() {
	local c k
	for c in qemu-system-x86_64 make cc python3 ip rsync cpio flock timeout awk; do
		command -v "$c" >/dev/null || echo "$c"
	done
	[ -x /bin/busybox ] || echo busybox-static
	for k in "${KLIST[@]}"; do
		kernel_resolve "$k" >/dev/null 2>&1 || echo "kernel-$k"
	done
}
T0=$(date +%s)
miss=$(missing | tr '\n' ' ')
if [ -n "$miss" ]; then
	echo "bench: missing: $miss-> scripts/deps.sh"
	"$TOP/scripts/deps.sh" || die "scripts/deps.sh failed"
	miss=$(missing | tr '\n' ' ')
	[ -z "$miss" ] || die "still missing after scripts/deps.sh: $miss"
fi

# --- 2. tools ------------------------------------------------------------------------
make -s -C "$TOP/tools" || die "make -C tools failed"

# --- 3. the guest run ---------------------------------------------------------------
mkdir -p "$OUT"
args=()
for k in "${KLIST[@]}"; do args+=(--kernel "$k"); done
for s in "${SCRIPTS[@]}"; do args+=(--script "$s"); done
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: selftests/run.sh ${args[*]} --keep-log build/bench/logs"
"$TOP/selftests/run.sh" "${args[@]}" --keep-log "$LOGS" 2>&1 | tee "$OUT/run-$STAMP.log"
rc=${PIPESTATUS[0]}
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
ELAPSED=$(( $(date +%s) - T0 ))

# --- 4. results -------------------------------------------------------------------------
num_re='^-?[0-9]+(\.[0-9]+)?$'
bad=()
{
	echo "# nfipsec benchmarks, $(date -d "@$T0" '+%Y-%m-%d %H:%M:%S %Z')"
	echo "# git $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$TOP" diff --quiet HEAD -- kmod tools selftests 2>/dev/null || echo ' (with uncommitted changes)')"
	echo "# host: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1); load average $LOAD0 at start, $LOAD1 at the end"
	echo "# run time ${ELAPSED}s; selftests/run.sh exit $rc"
	echo "# ratio = nfipsec / reference (af_key + XFRM); 'better' says which direction is good; '-' = not measured on that side"
	echo "# spd_pps*, spd_pkt_ns: the same UDP sender and policies through each stack, end to end (compare spd_pps_kept and spd_pkt_ns: the stacks run minutes apart); spd_rate, spd_retention, spd_lookup_ns: nfipsec = in-kernel lookup microbenchmark, reference = XFRM end to end (UDP packets/s): absolute rates are not comparable (Documentation/benchmarks.md)"
	echo "# esp_*: reference = XFRM alone (same SAs and policies through ip xfrm); clear = no IPsec; medians of n rounds; ratio_min..ratio_max = per-round nfipsec/XFRM; spread_* = (max - min) / median, %"
	for k in "${KLIST[@]}"; do
		stream=$LOGS/$k/stream.log
		rel=$(sed -n 's/^@@nfipsec info kernel [^ ]* (\([^)]*\)).*/\1/p' "$stream" 2>/dev/null | head -n 1)
		# The guest's machine, from the QEMU command line the harness used.
		qemu=$(tr ' ' '\n' <"$LOGS/$k/qemu.cmd" 2>/dev/null |
		       awk '/^-(accel|cpu|smp|m)$/ { o = $0; next } o { printf "%s %s ", o, $0; o = "" }')
		echo "# kernel $k: ${rel:-?}; QEMU ${qemu:-?}"
		sed -n 's/\r$//; s/^# bench: /kernel='"$k"' /p' "$stream" 2>/dev/null
	done
} >"$RESULTS"
ln -sfn "$(basename "$RESULTS")" "$OUT/latest.txt"

for k in "${KLIST[@]}"; do
	for name in "${EXPECTED[@]}"; do
		grep -q "^kernel=$k name=$name " "$RESULTS" || bad+=("[$k] $name: missing")
	done
done
# Every value is a number, or "-" where a side is not measured.
while read -r line; do
	fields=(nfipsec reference ratio)
	[[ $line == *" name=esp_"* ]] && fields+=("${ESP_FIELDS[@]}")
	for field in "${fields[@]}"; do
		v=$(sed -n "s/.* $field=\([^ ]*\).*/\1/p" <<<"$line")
		[ "$v" = - ] || [[ $v =~ $num_re ]] ||
			bad+=("$(cut -d' ' -f1-3 <<<"$line"): $field='$v'")
	done
done < <(grep '^kernel=' "$RESULTS")

echo
echo "==== bench: results ($RESULTS)"
grep '^# ' "$RESULTS"
grep '^kernel=' "$RESULTS" | awk '
	function f(k,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return substr($i, length(k) + 2) } return "" }
	BEGIN { printf "%-7s %-23s %7s %13s %13s %8s  %-22s %s\n", "kernel", "benchmark", "n", "nfipsec", "reference", "ratio", "unit", "better" }
	{ printf "%-7s %-23s %7s %13s %13s %8s  %-22s %s\n", f("kernel"), f("name"), f("n"), f("nfipsec"), f("reference"), f("ratio"), f("unit"), f("better") }'
if grep -q '^kernel=[^ ]* name=esp_' "$RESULTS"; then
	echo
	echo "==== bench: the data path, nfipsec against XFRM and cleartext (medians; spread = (max - min) / median)"
	grep '^kernel=[^ ]* name=esp_' "$RESULTS" | awk '
		function f(k,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return substr($i, length(k) + 2) } return "" }
		BEGIN { printf "%-7s %-23s %11s %11s %11s %13s %9s %9s %18s  %s\n", "kernel", "benchmark", "nfipsec", "XFRM", "clear",
			"nf/XFRM", "nf/clear", "XFRM/clr", "spread nf/XFRM/clr", "unit" }
		{ printf "%-7s %-23s %11s %11s %11s %5s %-7s %9s %9s %18s  %s\n", f("kernel"), f("name"), f("nfipsec"), f("reference"), f("clear"),
			f("ratio"), "(" f("ratio_min") "-" f("ratio_max") ")", f("nf_clear"), f("ref_clear"),
			f("spread_nf") "/" f("spread_ref") "/" f("spread_clear") "%", f("unit") }'
fi
echo "bench: total ${ELAPSED}s"
[ "$rc" = 0 ] || echo "bench: FAILED: selftests/run.sh exited $rc (logs in $LOGS)"
if [ ${#bad[@]} -gt 0 ]; then
	echo "bench: FAILED: results missing or not numbers:"
	printf '  %s\n' "${bad[@]}"
fi
[ "$rc" = 0 ] && [ ${#bad[@]} = 0 ] || exit 1
echo "bench: ok"
