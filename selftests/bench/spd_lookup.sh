#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SPD lookups per second at 1, 1,000 and 100,000 policies: the engine's
# microbenchmark (kmod/spd_bench.c), run through nfipsec.ko's spd_bench
# parameter.  Run as root inside a guest (it boots nothing itself):
#
#   selftests/bench/spd_lookup.sh [path/to/nfipsec.ko]
#
# The module comes from the argument, else $NFIPSEC_KO, else modprobe; one
# that is already loaded is used as it is (and left loaded).  Output, one
# line per run, then a "#" line of details (trie nodes, hits, insert rate):
#
#   spd_lookup entries=N lookups_per_sec=X            IPv4, mixed selectors
#   spd_lookup6 entries=N lookups_per_sec=X           IPv6, mixed
#   spd_lookup_uniform entries=N lookups_per_sec=X    IPv4, uniform stress
#   spd_lookup6_uniform entries=N lookups_per_sec=X   IPv6, uniform stress
#
# "mixed" is a large gateway's policy set (road warriors, site-to-site
# subnets of every size, host-to-host with ports, 64 wide policies);
# "uniform" draws every prefix length equally often, so that a packet lies
# in a fixed share of all policies (spd_bench.h says more).  Knobs:
# SPD_BENCH_SIZES ("1 1000 100000"), SPD_BENCH_FAMILIES ("inet inet6"),
# SPD_BENCH_MIXES ("mixed uniform"), SPD_BENCH_MS (1000 per run).
set -eu

KO=${1:-${NFIPSEC_KO:-}}
SIZES=${SPD_BENCH_SIZES:-1 1000 100000}
FAMILIES=${SPD_BENCH_FAMILIES:-inet inet6}
MIXES=${SPD_BENCH_MIXES:-mixed uniform}
MS=${SPD_BENCH_MS:-1000}
PARAM=/sys/module/nfipsec/parameters/spd_bench

[ "$(id -u)" = 0 ] || { echo "spd_lookup: must run as root" >&2; exit 1; }

loaded_here=0
cleanup() {
	if [ $loaded_here = 1 ]; then
		rmmod nfipsec || echo "spd_lookup: rmmod nfipsec failed" >&2
	fi
}
trap cleanup EXIT

if ! grep -q '^nfipsec ' /proc/modules; then
	if [ -n "$KO" ]; then
		insmod "$KO"
	else
		modprobe nfipsec
	fi
	loaded_here=1
fi
[ -w "$PARAM" ] || { echo "spd_lookup: $PARAM missing: nfipsec.ko without the SPD benchmark?" >&2; exit 1; }

echo "# spd_lookup: kernel $(uname -r), $(nproc) CPU(s), ${MS} ms per run"
for mix in $MIXES; do
	for fam in $FAMILIES; do
		for n in $SIZES; do
			echo "$n $fam $mix $MS" > "$PARAM"
			cat "$PARAM"
		done
	done
done
