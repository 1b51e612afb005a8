#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 900
# nfipsec: kernels 6.1 6.12
#
# Extended sequence numbers (RFC 4303 2.2.1, RFC 4302 2.5.1) against Linux
# XFRM: the high 32 bits of the sequence number enter the ICV, never the
# packet, so only a peer that puts them in the same place authenticates.
#
#   host "nf" (nfipsec, setkey -f esn)  vn 10.67.0.1/24 fd67::1/64
#   host "xf" (ip xfrm ... flag esn)    vx 10.67.0.2/24 fd67::2/64
#   permanent neighbours, so no ARP/ND crosses the policies
#
# Cases (one SA each way, replay window 128 on both sides):
#   ESN ESP aes-gcm-16 transport IPv4         (AAD SPI || seq-hi || seq-lo)
#   ESN ESP aes-cbc + hmac-sha256 tunnel IPv6 (authencesn: seq-hi after
#                                              the payload in the HMAC)
#   ESN AH hmac-sha256 transport IPv4         (seq-hi hashed after the packet)
# Points per case: configured, and setkey -D shows "esn"; a ping each way;
# a 64 KiB TCP transfer each way (a digest server in each host); both of
# nf's SAs counted packets and neither an authentication failure (setkey
# --json -D); nfipsec's in_auth_fail did not move.
# Negative: nfipsec with ESN, XFRM without: the ICVs differ even with
# seq-hi 0 (its 4 bytes are hashed), so pings fail both ways and nf's
# in_auth_fail and its inbound SA's drop_auth rise.
# CI time: not in CI on the debug kernel (KASAN, lockdep), where a full
# make check took 4745 s of CI's 5400.  On debug (widen the kernels line
# above to run it there) every case runs with its pings only, the same
# crypto and replay paths with the TCP points skipped, plus the ESP
# negative case: 32 points in 215 s, passed with no KASAN or lockdep
# report and kmemleak clean (make check of 2026-11-28); KUnit's
# nfipsec_esn suite still runs there.  6.1 and 6.12 run everything.  That the high bits
# have the right value once they are not 0 is KUnit's (esn_kunit.c): no
# peer can start an SA near 2^32 through PF_KEY.
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_require ip ping python3 timeout
[ -x "$SETKEY" ] || tap_skip_all "setkey not built ($SETKEY)"
grep -q '^nfipsec ' /proc/modules || tap_skip_all "nfipsec is not loaded"
grep -q '^esp_out ' /proc/net/nfipsec/stats ||
	tap_skip_all "nfipsec has no ESP packet path (no esp_out in /proc/net/nfipsec/stats)"

ns_create nf xf
ip link add vn netns nf type veth peer name vx netns xf
ip -n nf addr add 10.67.0.1/24 dev vn
ip -n xf addr add 10.67.0.2/24 dev vx
ip -n nf addr add fd67::1/64 dev vn nodad
ip -n xf addr add fd67::2/64 dev vx nodad
ip -n nf link set vn up
ip -n xf link set vx up
MN=$(ip -n nf -br link show vn | awk '{print $3}')
MX=$(ip -n xf -br link show vx | awk '{print $3}')
ip -n nf neigh replace 10.67.0.2 dev vn lladdr "$MX" nud permanent
ip -n xf neigh replace 10.67.0.1 dev vx lladdr "$MN" nud permanent
ip -n nf neigh replace fd67::2 dev vn lladdr "$MX" nud permanent
ip -n xf neigh replace fd67::1 dev vx lladdr "$MN" nud permanent
modprobe -q xfrm6_tunnel 2>/dev/null

K16=0x$(printf '%02x' $(seq 1 16) | tr -d ' ')
K20=0x$(printf '%02x' $(seq 1 20) | tr -d ' ')
K32=0x$(printf '%02x' $(seq 1 32) | tr -d ' ')
TMPD=$(mktemp -d)
tap_on_exit "rm -rf $TMPD"
SIZE=65536
SHORT=0
[ "${NFIPSEC_KERNEL:-6.1}" = debug ] && SHORT=1
. "$NFIPSEC_ROOT/selftests/lib/xfer.sh"
. "$NFIPSEC_ROOT/selftests/lib/nfxf.sh"
xfer_setup "$TMPD" 5067 $SIZE 40
# A TCP server in each host, up for the whole test.  None on the debug
# kernel (no TCP).
[ $SHORT = 1 ] || xfer_servers 590 nf xf || tap_bail "the TCP servers did not start"

# "PACKETS DROP_AUTH" of each of nf's SAs with the SPIs, on one line
# (setkey --json -D; one python: every process costs in a TCG guest).
sa_counters() {	# SPI...
	ip netns exec nf "$SETKEY" --json -D | python3 -c '
import json, sys
text, dec, i, sas = sys.stdin.read(), json.JSONDecoder(), 0, {}
while True:
    while i < len(text) and text[i] in " \t\r\n,[]":
        i += 1
    if i >= len(text):
        break
    o, i = dec.raw_decode(text, i)
    c = o.get("counters", {})
    sas[o.get("spi")] = "%d %d" % (c.get("packets", 0), c.get("drop_auth", 0))
print(" ".join(sas.get(int(a, 0), "0 0") for a in sys.argv[1:]))
' "$@"
}

dump() {
	ip netns exec nf "$SETKEY" -D | sed 's/^/#   nf: /'
	ip -n xf -s xfrm state | sed 's/^/#   xf: /'
	grep -v ' 0$' /proc/net/nfipsec/stats 2>/dev/null | sed 's/^/#   stats: /'
}

# case NAME FAMILY SPI-OUT SPI-IN SETKEY-CONF XFRM-BATCH
case_() {
	local name=$1 a=10.67.0.1 b=10.67.0.2 p="" f0 af o i d min
	[ "$2" = 6 ] && a=fd67::1 b=fd67::2 p=-6
	f0=$_TAP_FAILED
	tap_check "$name: configured (setkey -f esn in nf, flag esn in xf)" configure "$5" "$6"
	tap_check "$name: setkey -D shows esn for both SAs" \
		test "$(ip netns exec nf "$SETKEY" -D | grep -c 'replay=128 esn ')" = 2
	af=$(stat_of in_auth_fail)
	tap_check "$name: ping nf -> xf" ip netns exec nf ping $p -n -c 2 -i 0.2 -W 2 $b
	tap_check "$name: ping xf -> nf" ip netns exec xf ping $p -n -c 2 -i 0.2 -W 2 $a
	if [ $SHORT = 1 ]; then
		tap_skip "$name: $((SIZE / 1024)) KiB TCP nf -> xf" "debug kernel: pings only (CI time)"
		tap_skip "$name: $((SIZE / 1024)) KiB TCP xf -> nf" "debug kernel: pings only (CI time)"
		min=4	# 2 echoes and 2 replies each way
	else
		tap_check "$name: $((SIZE / 1024)) KiB TCP nf -> xf" tcp_xfer nf "$b"
		tap_check "$name: $((SIZE / 1024)) KiB TCP xf -> nf" tcp_xfer xf "$a"
		min=10
	fi
	read -r o _ i d <<<"$(sa_counters "$3" "$4")"
	tap_diag "nf: SA $3 (out) $o packets, SA $4 (in) $i packets"
	tap_check "$name: both of nf's SAs counted $min packets or more" test "$o" -ge $min -a "$i" -ge $min
	tap_is "$name: no authentication failure (SA $4 drop_auth)" "$d" 0
	tap_is "$name: nfipsec's in_auth_fail did not move" "$(stat_of in_auth_fail)" "$af"
	[ "$_TAP_FAILED" = "$f0" ] || dump
}

A4=10.67.0.1 B4=10.67.0.2 A6=fd67::1 B6=fd67::2
case_ "ESN ESP aes-gcm-16 transport IPv4" 4 0x6701 0x6702 "
add $A4 $B4 esp 0x6701 -m transport -f esn -r 128 -E aes-gcm-16 $K20;
add $B4 $A4 esp 0x6702 -m transport -f esn -r 128 -E aes-gcm-16 $K20;
spdadd $A4 $B4 any -P out ipsec esp/transport//require;
spdadd $B4 $A4 any -P in ipsec esp/transport//require;" "
xfrm state add src $A4 dst $B4 proto esp spi 0x6701 mode transport flag esn replay-window 128 aead rfc4106(gcm(aes)) $K20 128
xfrm state add src $B4 dst $A4 proto esp spi 0x6702 mode transport flag esn replay-window 128 aead rfc4106(gcm(aes)) $K20 128
xfrm policy add src $B4 dst $A4 dir out tmpl proto esp mode transport level required
xfrm policy add src $A4 dst $B4 dir in tmpl proto esp mode transport level required"

case_ "ESN ESP aes-cbc hmac-sha256 tunnel IPv6" 6 0x6703 0x6704 "
add $A6 $B6 esp 0x6703 -m tunnel -f esn -r 128 -E aes-cbc $K16 -A hmac-sha256 $K32;
add $B6 $A6 esp 0x6704 -m tunnel -f esn -r 128 -E aes-cbc $K16 -A hmac-sha256 $K32;
spdadd $A6 $B6 any -P out ipsec esp/tunnel/$A6-$B6/require;
spdadd $B6 $A6 any -P in ipsec esp/tunnel/$B6-$A6/require;" "
xfrm state add src $A6 dst $B6 proto esp spi 0x6703 mode tunnel flag esn replay-window 128 enc cbc(aes) $K16 auth-trunc hmac(sha256) $K32 128
xfrm state add src $B6 dst $A6 proto esp spi 0x6704 mode tunnel flag esn replay-window 128 enc cbc(aes) $K16 auth-trunc hmac(sha256) $K32 128
xfrm policy add src $B6 dst $A6 dir out tmpl src $B6 dst $A6 proto esp mode tunnel level required
xfrm policy add src $A6 dst $B6 dir in tmpl src $A6 dst $B6 proto esp mode tunnel level required"

case_ "ESN AH hmac-sha256 transport IPv4" 4 0x6705 0x6706 "
add $A4 $B4 ah 0x6705 -m transport -f esn -r 128 -A hmac-sha256 $K32;
add $B4 $A4 ah 0x6706 -m transport -f esn -r 128 -A hmac-sha256 $K32;
spdadd $A4 $B4 any -P out ipsec ah/transport//require;
spdadd $B4 $A4 any -P in ipsec ah/transport//require;" "
xfrm state add src $A4 dst $B4 proto ah spi 0x6705 mode transport flag esn replay-window 128 auth-trunc hmac(sha256) $K32 128
xfrm state add src $B4 dst $A4 proto ah spi 0x6706 mode transport flag esn replay-window 128 auth-trunc hmac(sha256) $K32 128
xfrm policy add src $B4 dst $A4 dir out tmpl proto ah mode transport level required
xfrm policy add src $A4 dst $B4 dir in tmpl proto ah mode transport level required"

# --- negative: ESN in nf only ----------------------------------------------
neg() {	# NAME SPI-IN SETKEY-CONF XFRM-BATCH
	local af d0
	tap_check "$1: configured (ESN in nf only)" configure "$3" "$4"
	af=$(stat_of in_auth_fail)
	tap_check_fails "$1: ping nf -> xf fails" \
		ip netns exec nf ping -n -c 2 -i 0.2 -W 1 10.67.0.2
	tap_check_fails "$1: ping xf -> nf fails" \
		ip netns exec xf ping -n -c 2 -i 0.2 -W 1 10.67.0.1
	read -r _ d0 <<<"$(sa_counters "$2")"
	tap_diag "in_auth_fail $af -> $(stat_of in_auth_fail), SA $2 drop_auth $d0"
	tap_check "$1: nfipsec's in_auth_fail rose" test "$(stat_of in_auth_fail)" -ge $((af + 2))
	tap_check "$1: nf's inbound SA counted the failures (drop_auth)" test "$d0" -ge 2
}

neg "ESN ESP aes-gcm-16 against XFRM without esn" 0x6712 "
add $A4 $B4 esp 0x6711 -m transport -f esn -r 128 -E aes-gcm-16 $K20;
add $B4 $A4 esp 0x6712 -m transport -f esn -r 128 -E aes-gcm-16 $K20;
spdadd $A4 $B4 any -P out ipsec esp/transport//require;
spdadd $B4 $A4 any -P in ipsec esp/transport//require;" "
xfrm state add src $A4 dst $B4 proto esp spi 0x6711 mode transport replay-window 128 aead rfc4106(gcm(aes)) $K20 128
xfrm state add src $B4 dst $A4 proto esp spi 0x6712 mode transport replay-window 128 aead rfc4106(gcm(aes)) $K20 128
xfrm policy add src $B4 dst $A4 dir out tmpl proto esp mode transport level required
xfrm policy add src $A4 dst $B4 dir in tmpl proto esp mode transport level required"

[ $SHORT = 1 ] ||
neg "ESN AH hmac-sha256 against XFRM without esn" 0x6714 "
add $A4 $B4 ah 0x6713 -m transport -f esn -r 128 -A hmac-sha256 $K32;
add $B4 $A4 ah 0x6714 -m transport -f esn -r 128 -A hmac-sha256 $K32;
spdadd $A4 $B4 any -P out ipsec ah/transport//require;
spdadd $B4 $A4 any -P in ipsec ah/transport//require;" "
xfrm state add src $A4 dst $B4 proto ah spi 0x6713 mode transport replay-window 128 auth-trunc hmac(sha256) $K32 128
xfrm state add src $B4 dst $A4 proto ah spi 0x6714 mode transport replay-window 128 auth-trunc hmac(sha256) $K32 128
xfrm policy add src $B4 dst $A4 dir out tmpl proto ah mode transport level required
xfrm policy add src $A4 dst $B4 dir in tmpl proto ah mode transport level required"

flush
tap_done
