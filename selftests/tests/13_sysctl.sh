#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: kernels 6.1 6.12
#
# Not on the debug kernel: some 120 processes that only read and write
# /proc took 330 s there (every fork is slow under KASAN and TCG), and the
# handlers are the kernel's proc_dointvec_minmax.  The per-namespace
# tables nfipsec copies and registers are made and freed by every test
# that creates a namespace there.
#
# The sysctls of the seeds, under their BSD names, per network namespace:
# every name exists with the default FreeBSD's ipsec(4) documents, writes
# inside the range stick, writes outside it are refused and change
# nothing, and a namespace's values are its own.
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

# name default min max
SYSCTLS="
inet/ipsec/def_policy 1 0 1
inet/ipsec/esp_trans_deflev 1 1 2
inet/ipsec/esp_net_deflev 1 1 2
inet/ipsec/ah_trans_deflev 1 1 2
inet/ipsec/ah_net_deflev 1 1 2
inet/ipsec/ah_cleartos 1 0 1
inet/ipsec/ah_offsetmask 0 0 65535
inet/ipsec/dfbit 0 0 2
inet/ipsec/ecn 0 0 1
inet/ipsec/debug 0 0 1
inet/ipsec/natt_cksum_policy 0 0 1
inet/ipsec/check_policy_history 0 0 1
inet/ipsec/filtertunnel 0 0 1
inet6/ipsec6/def_policy 1 0 1
inet6/ipsec6/esp_trans_deflev 1 1 2
inet6/ipsec6/esp_net_deflev 1 1 2
inet6/ipsec6/ah_trans_deflev 1 1 2
inet6/ipsec6/ah_net_deflev 1 1 2
inet6/ipsec6/ecn 0 0 1
inet6/ipsec6/debug 0 0 1
inet6/ipsec6/filtertunnel 0 0 1
inet/esp/esp_enable 1 0 1
inet/ah/ah_enable 1 0 1
inet/ipcomp/ipcomp_enable 1 0 1
key/larval_lifetime 30 1 3600
"
count=$(echo "$SYSCTLS" | grep -c .)
tap_plan $((count * 4 + 2))

ns_create other
while read -r name def min max; do
	[ -n "$name" ] || continue
	f=/proc/sys/net/$name
	tap_is "net.${name//\//.} defaults to $def" "$(cat "$f" 2>&1)" "$def"
	echo "$max" >"$f" 2>/dev/null
	tap_is "net.${name//\//.} accepts $max" "$(cat "$f")" "$max"
	echo $((max + 1)) >"$f" 2>/dev/null
	low=$((min - 1))
	echo "$low" >"$f" 2>/dev/null
	tap_is "net.${name//\//.} refuses $((max + 1)) and $low" "$(cat "$f")" "$max"
	tap_is "net.${name//\//.} in another netns keeps its default" \
		"$(nq other cat "$f")" "$def"
	echo "$def" >"$f"
done <<<"$SYSCTLS"

tap_is "sysctl(8) reads the BSD names" "$(sysctl -n net.inet.ipsec.dfbit)" 0
tap_check_fails "sysctl(8) refuses dfbit=3" sysctl -q -w net.inet.ipsec.dfbit=3
tap_done
