#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 1500
#
# PF_KEY control-plane figures, nfipsec against Linux's af_key (+ XFRM) in
# the same guest run (a benchmark for `make bench`; see
# Documentation/benchmarks.md).  The project's setkey drives both, in a
# fresh network namespace each:
#
#   setkey_noop  setkey -D of an empty SADB: one process start and one
#                PF_KEY round trip, included in every figure below   ms
#   sa_add     setkey -f with N SADB_ADDs of ESP SAs (aes-cbc + hmac-sha1,
#              transport, distinct addresses and SPIs)        SAs/s, higher
#   sa_dump    setkey -D of those N SAs (to a tmpfs file)      ms, lower
#   sa_flush   setkey -F of the N SAs                          ms, lower
#   sa_mem     kernel memory per SA: the growth of Slab + VmallocUsed +
#              Percpu (/proc/meminfo, caches dropped) over the adds,
#              divided by N                                 bytes, lower
#   spd_add    setkey -f with N SPDADDs (out policies of mixed prefixes,
#              ports and protocols)                     policies/s, higher
#   spd_dump   setkey -DP                                      ms, lower
#   spd_flush  setkey -FP                                      ms, lower
#   spd_mem    as sa_mem, per policy                        bytes, lower
#
# The harness has loaded nfipsec.ko; the script then alternates: a run on
# nfipsec, rmmod nfipsec + modprobe af_key, a run on af_key, rmmod af_key +
# insmod nfipsec (the same build: a copy in the guest's tmpfs), REPS times,
# so that both see the same moments of a shared host; it ends with nfipsec
# loaded for the harness.  Before the first run of each, one SA and one
# policy are added and flushed, so that the crypto API's one-time
# instantiation and self-test of the algorithms (about 14 s under TCG, on
# XFRM's first ESP SA) is not counted.  setkey runs from a copy in tmpfs:
# the 9p root's page cache is dropped for the memory figures, and rereading
# the binary would be timed.  Every run is in a fresh namespace; the best
# run is reported for times and rates (on a shared host, interference only
# ever slows a run down), the median for memory.  Results are "# bench:"
# lines on stdout (the guest's files do not reach the host);
# scripts/bench.sh collects them.  Knobs (for manual runs): BENCH_SA_N
# (5000), BENCH_SP_N (5000), BENCH_REPS (4).
#
# Caveat printed with the results: nfipsec does not allocate crypto
# transforms for an SA yet (no packet path); XFRM does, at SADB_ADD.
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_require ip python3 awk modinfo
[ -x "$SETKEY" ] || tap_skip_all "setkey not built ($SETKEY)"
grep -q '^nfipsec ' /proc/modules || tap_skip_all "nfipsec is not loaded"
modinfo -n af_key >/dev/null 2>&1 || tap_skip_all "no af_key module in this kernel"

NSA=${BENCH_SA_N:-5000}
NSP=${BENCH_SP_N:-5000}
REPS=${BENCH_REPS:-4}

W=$(mktemp -d -p /var/tmp bench-cp.XXXXXX)
tap_on_exit "rm -rf $W"
KO=$W/nfipsec.ko
cp "$NFIPSEC_KO" "$KO"
SK=$W/setkey
cp "$SETKEY" "$SK"

# shellcheck source=selftests/bench/modules.sh
. "$NFIPSEC_ROOT/selftests/bench/modules.sh"
# Whatever happens, leave the guest as the harness expects it.
tap_on_exit "unload af_key; reload_nfipsec"

median() {	# NUMBER...
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
lowest() { printf '%s\n' "$@" | sort -g | head -n 1; }
highest() { printf '%s\n' "$@" | sort -g | tail -n 1; }
sane() { awk -v x="$1" 'BEGIN { exit !(x + 0 > 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.3f", a / b; else print "nan" }'; }
# Microseconds, without forking (date(1) costs a process start, ~0.2 s here).
now_us() { echo "${EPOCHREALTIME/./}"; }
ms_since() { awk -v a="$1" -v b="$(now_us)" 'BEGIN { printf "%.1f", (b - a) / 1e3 }'; }
per_s() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / ((b - a) / 1e6) }'; }
# Kernel memory in kB (Slab + VmallocUsed + Percpu) once caches are dropped.
kmem() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	awk '/^(Slab|VmallocUsed|Percpu):/ { kb += $2 } END { print kb }' /proc/meminfo
}

# --- the input files ------------------------------------------------------------
python3 - "$NSA" "$NSP" "$W/sa.conf" "$W/sp.conf" <<'PY'
import sys
nsa, nsp = int(sys.argv[1]), int(sys.argv[2])
with open(sys.argv[3], "w") as f:
    for i in range(nsa):
        enc = ("%08x" % (0x5a000000 + i)) * 4
        auth = ("%08x" % (0xa5000000 + i)) * 5
        f.write("add 10.%d.%d.%d 10.255.0.1 esp %d -m transport -E aes-cbc 0x%s -A hmac-sha1 0x%s;\n"
                % ((i >> 16) & 255, (i >> 8) & 255, i & 255, 0x1000 + i, enc, auth))
with open(sys.argv[4], "w") as f:
    for i in range(nsp):
        a, b, c = (i >> 16) & 255, (i >> 8) & 255, i & 255
        kind = i % 4
        if kind == 0:
            f.write("spdadd 10.%d.%d.%d 172.16.0.0/12 any -P out none;\n" % (a, b, c))
        elif kind == 1:
            f.write("spdadd 10.%d.%d.%d/32[500] 192.168.0.0/16[any] udp -P out none;\n" % (a, b, c))
        elif kind == 2:
            f.write("spdadd 10.%d.%d.0/24 198.18.%d.0/24 tcp -P out prio %d discard;\n" % (a, b, c, c & 7))
        else:
            f.write("spdadd 10.%d.%d.%d/32 100.64.0.0/10 icmp -P out ipsec esp/transport//require;\n"
                    % (a, b, c))
PY
tap_is "generated $NSA SAs and $NSP policies" "$(cat "$W/sa.conf" "$W/sp.conf" | wc -l)" "$((NSA + NSP))"
head -n 1 "$W/sa.conf" >"$W/warm.conf"
head -n 1 "$W/sp.conf" >>"$W/warm.conf"

# --- one run of one implementation ----------------------------------------------------
# Every run's figures are appended to V[<impl>.<metric>] (space-separated)
# and shown as a diagnostic; OK[<impl>] becomes 0 if anything went wrong.
declare -A V OK R
sk() { ip netns exec bench "$SK" "$@"; }
bad() { OK[$impl]=0; tap_diag "$impl: $*"; }

run_once() {	# IMPL (nfipsec | af_key: whichever owns PF_KEY now)
	local impl=$1 t0 t1 m0 m1 n noop add dump flush mem padd pdump pflush pmem name
	ns_create bench
	t0=$(now_us)
	sk -D >"$W/out" 2>&1
	noop=$(ms_since "$t0")
	[ "$(cat "$W/out")" = "No SAD entries." ] || bad "-D on an empty SADB: $(cat "$W/out")"

	# SADB
	m0=$(kmem)
	t0=$(now_us)
	sk -f "$W/sa.conf" >"$W/out" 2>&1 || bad "-f sa.conf: $(head -n 3 "$W/out")"
	t1=$(now_us)
	m1=$(kmem)
	add=$(per_s "$NSA" "$t0" "$t1")
	mem=$(( (m1 - m0) * 1024 / NSA ))
	t0=$(now_us)
	sk -D >"$W/dump" 2>&1 || bad "-D failed"
	dump=$(ms_since "$t0")
	n=$(grep -c $'^\tesp mode=transport' "$W/dump")
	[ "$n" = "$NSA" ] || bad "-D listed $n of $NSA SAs"
	t0=$(now_us)
	sk -F || bad "-F failed"
	flush=$(ms_since "$t0")
	[ "$(sk -D 2>&1)" = "No SAD entries." ] || bad "-F left SAs"

	# SPD
	m0=$(kmem)
	t0=$(now_us)
	sk -f "$W/sp.conf" >"$W/out" 2>&1 || bad "-f sp.conf: $(head -n 3 "$W/out")"
	t1=$(now_us)
	m1=$(kmem)
	padd=$(per_s "$NSP" "$t0" "$t1")
	pmem=$(( (m1 - m0) * 1024 / NSP ))
	t0=$(now_us)
	sk -DP >"$W/dump" 2>&1 || bad "-DP failed"
	pdump=$(ms_since "$t0")
	n=$(grep -c $'^\tout prio' "$W/dump")
	[ "$n" = "$NSP" ] || bad "-DP listed $n of $NSP policies"
	t0=$(now_us)
	sk -FP || bad "-FP failed"
	pflush=$(ms_since "$t0")
	[ "$(sk -DP 2>&1)" = "No SPD entries." ] || bad "-FP left policies"
	ns_delete bench

	for name in noop add dump flush mem padd pdump pflush pmem; do
		V[$impl.$name]+="${!name} "
	done
	tap_diag "$impl: noop $noop ms; sa: add $add/s dump $dump ms flush $flush ms" \
		"  mem $mem B/SA; spd: add $padd/s dump $pdump ms flush $pflush ms mem $pmem B/policy"
}

warm_up() {	# IMPL: the algorithms' first instantiation, the namespace code
	local impl=$1
	OK[$impl]=1
	ns_create bench
	sk -f "$W/warm.conf" >"$W/out" 2>&1 || bad "warm-up: $(cat "$W/out")"
	if ! { sk -F && sk -FP; }; then
		bad "warm-up flush failed"
	fi
	ns_delete bench
}

to_af_key() { unload nfipsec && modprobe af_key; }
to_nfipsec() { unload af_key && reload_nfipsec; }

# --- the runs: nfipsec and af_key alternate, so both see the same host ------------------
tap_diag "kernel $(uname -r), $(nproc) CPU(s); $NSA SAs, $NSP policies;" \
	"$REPS runs each, alternating; best run for times and rates, median for memory"
warm_up nfipsec
tap_check "rmmod nfipsec, modprobe af_key" to_af_key
warm_up af_key
swaps=0
for _ in $(seq "$REPS"); do
	to_nfipsec || { swaps=1; break; }
	run_once nfipsec
	to_af_key || { swaps=1; break; }
	run_once af_key
done
tap_is "nfipsec and af_key swapped $REPS times" "$swaps" 0
tap_check "rmmod af_key, insmod nfipsec again" to_nfipsec

for impl in nfipsec af_key; do
	for name in noop add dump flush mem padd pdump pflush pmem; do
		read -r -a vals <<<"${V[$impl.$name]:-}"
		if [ ${#vals[@]} = 0 ]; then
			R[$impl.$name]=
			continue
		fi
		case $name in
		add|padd) R[$impl.$name]=$(highest "${vals[@]}") ;;
		mem|pmem) R[$impl.$name]=$(median "${vals[@]}") ;;
		*) R[$impl.$name]=$(lowest "${vals[@]}") ;;
		esac
		# Rates, times and memory must be positive numbers.
		sane "${R[$impl.$name]}" || { OK[$impl]=0; tap_diag "$impl: $name = '${R[$impl.$name]}'"; }
	done
	tap_result $((1 - ${OK[$impl]:-0})) "$impl: $NSA SAs and $NSP policies added, dumped, flushed ($REPS runs)"
done

# --- results ----------------------------------------------------------------------
bench() {	# NAME N METRIC UNIT BETTER
	local nf=${R[nfipsec.$3]} ref=${R[af_key.$3]}
	printf '# bench: name=%s n=%s nfipsec=%s reference=%s ratio=%s unit=%s better=%s\n' \
		"$1" "$2" "$nf" "$ref" "$(ratio "$nf" "$ref")" "$4" "$5"
	if sane "$nf" && sane "$ref"; then
		tap_ok "$1: nfipsec $nf, af_key $ref $4 ($5 is better)"
	else
		tap_fail "$1: nfipsec '$nf', af_key '$ref'"
	fi
}
tap_diag "reference = Linux's af_key + XFRM; ratio = nfipsec / reference." \
	"Caveat: XFRM allocates the SA's crypto transforms at SADB_ADD; nfipsec does not" \
	"yet (no packet path), which favours nfipsec in sa_add and sa_mem."
bench setkey_noop 0 noop ms lower
bench sa_add "$NSA" add SAs/s higher
bench sa_dump "$NSA" dump ms lower
bench sa_flush "$NSA" flush ms lower
bench sa_mem "$NSA" mem bytes/SA lower
bench spd_add "$NSP" padd policies/s higher
bench spd_dump "$NSP" pdump ms lower
bench spd_flush "$NSP" pflush ms lower
bench spd_mem "$NSP" pmem bytes/policy lower

tap_done
