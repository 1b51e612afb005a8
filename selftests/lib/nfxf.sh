# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for interop selftests between a host "nf" (nfipsec, configured
# with the project's setkey) and a host "xf" (Linux XFRM, ip xfrm); sourced
# after tap.sh.
#
#   stat_of NAME                 a counter of /proc/net/nfipsec/stats in nf
#   configure SETKEY-CONF BATCH  flush both, then setkey -c in nf and
#                                ip -batch in xf

stat_of() {	# NAME: a counter of nfipsec in nf
	# shellcheck disable=SC2016 # awk's own $1/$2
	ip netns exec nf awk -v k="$1" '$1 == k { print $2 }' /proc/net/nfipsec/stats
}

flush() {	# both hosts' SAs and policies
	ip netns exec nf "$SETKEY" -F
	ip netns exec nf "$SETKEY" -FP
	ip -n xf xfrm state flush
	ip -n xf xfrm policy flush
}

configure() {	# SETKEY-CONF XFRM-BATCH
	flush
	ip netns exec nf "$SETKEY" -c <<<"$1" || return 1
	ip -n xf -batch - <<<"$2"
}
