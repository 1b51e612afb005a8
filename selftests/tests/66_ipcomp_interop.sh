#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 900
#
# IPcomp (RFC 3173) against Linux XFRM, and hostile IPcomp packets.
#
#   host "nf" (nfipsec, configured with the project's setkey)
#     vn 10.66.0.1/24 fd66::1/64
#   host "xf" (Linux XFRM, configured with ip xfrm)
#     vx 10.66.0.2/24 fd66::2/64
#   permanent neighbours, so no ARP/ND crosses the policies
#
# Cases, each IPv4 and IPv6 (one SA per direction, "use" policies both ways,
# as setkey(8) advises for IPcomp since small packets are not compressed;
# XFRM refuses an optional tunnel template outbound, so its tunnel's OUT
# policy says required):
#   transport       CPI = SPI (setkey -R; what XFRM always does)
#   well-known CPI  nfipsec without -R sends CPI 2 (deflate) and finds its
#                   SA by the pair; XFRM's states have SPI 2
#   tunnel          uncompressed payloads cross as plain IP-in-IP, which
#                   each side takes as its IPcomp tunnel's
#   ipcomp+esp      "ipcomp/transport//use esp/transport//require": ESP
#                   outermost, IPcomp inside (transport)
# Points per case: configured; a small ping each way (16 bytes of data: under
# the 90-byte threshold even with a tunnel's inner IPv6 header, so no IPcomp
# header); a large compressible ping each way; the
# wire (tcpdump on each side's egress): nf sent IPcomp (proto 108) with
# its CPI, or ESP for the bundle, and xf did too; nfipsec's ipcomp_out,
# ipcomp_out_uncompressed and ipcomp_in moved.
# Then hostile packets at nf (xf's policies gone, sent from a raw socket):
# unknown CPI (in_no_sa), a payload that is not deflate and a truncated
# header (in_malformed); nothing reaches a listener, traffic still flows.
# CI time: 6.12 runs the IPv4 cases and the hostile part, the debug kernel
# IPv4 transport (-R) and the bundle and the hostile part; 6.1 runs it all.
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_require ip ping python3 tcpdump timeout
[ -x "$SETKEY" ] || tap_skip_all "setkey not built ($SETKEY)"
grep -q '^nfipsec ' /proc/modules || tap_skip_all "nfipsec is not loaded"
grep -q '^ipcomp_out ' /proc/net/nfipsec/stats ||
	tap_skip_all "nfipsec has no IPcomp packet path (no ipcomp_out in /proc/net/nfipsec/stats)"

ns_create nf xf
ip link add vn netns nf type veth peer name vx netns xf
ip -n nf addr add 10.66.0.1/24 dev vn
ip -n xf addr add 10.66.0.2/24 dev vx
ip -n nf addr add fd66::1/64 dev vn nodad
ip -n xf addr add fd66::2/64 dev vx nodad
ip -n nf link set vn up
ip -n xf link set vx up
MN=$(ip -n nf -br link show vn | awk '{print $3}')
MX=$(ip -n xf -br link show vx | awk '{print $3}')
ip -n nf neigh replace 10.66.0.2 dev vn lladdr "$MX" nud permanent
ip -n xf neigh replace 10.66.0.1 dev vx lladdr "$MN" nud permanent
ip -n nf neigh replace fd66::2 dev vn lladdr "$MX" nud permanent
ip -n xf neigh replace fd66::1 dev vx lladdr "$MN" nud permanent
# IPcomp over XFRM needs the IPIP/IP6IP6 handlers for its tunnel mode.
modprobe -q ipcomp 2>/dev/null; modprobe -q ipcomp6 2>/dev/null
modprobe -q xfrm4_tunnel 2>/dev/null; modprobe -q xfrm6_tunnel 2>/dev/null

K16=0x$(printf '%02x' $(seq 1 16) | tr -d ' ')
K32=0x$(printf '%02x' $(seq 1 32) | tr -d ' ')
CAP=$(mktemp -d)
tap_on_exit "rm -rf $CAP"

stat_of() {	# NAME: a counter of nfipsec in nf
	# shellcheck disable=SC2016 # awk's own $1/$2
	ip netns exec nf awk -v k="$1" '$1 == k { print $2 }' /proc/net/nfipsec/stats
}

flush() {
	ip netns exec nf "$SETKEY" -F
	ip netns exec nf "$SETKEY" -FP
	ip -n xf xfrm state flush
	ip -n xf xfrm policy flush
}

capture() {	# start tcpdump on both egresses
	local h dev
	for h in nf xf; do
		dev=vn
		[ $h = xf ] && dev=vx
		ip netns exec $h timeout 120 tcpdump -l -n -t -Q out -s 64 -i $dev \
			'ip proto 108 or ip6 proto 108 or ip proto 50 or ip6 proto 50 or ip proto 4 or ip6 proto 41 or icmp or icmp6' \
			>"$CAP/$h" 2>"$CAP/$h.err" &
	done
	for _ in $(seq 50); do
		grep -q listening "$CAP/nf.err" && grep -q listening "$CAP/xf.err" && return 0
		sleep 0.1
	done
	return 1
}

stop_capture() {
	sleep 0.3
	pkill -f "tcpdump -l -n -t -Q out -s 64" 2>/dev/null
	wait 2>/dev/null
}

# case NAME FAMILY SETKEY-CONF XFRM-BATCH WIRE-NF WIRE-XF
#   WIRE-*: a tcpdump fragment each side's capture must contain
case_() {
	local name=$1 fam=$2 a=10.66.0.1 b=10.66.0.2 p=""
	case $SHORT/$name in
	1/*well-known*|1/*tunnel*) return 0 ;;	# the debug kernel's share is smaller
	esac
	[ "$fam" = 6 ] && a=fd66::1 b=fd66::2 p=-6
	flush
	tap_check "$name: configured (setkey in nf, ip xfrm in xf)" sh -c "
		ip netns exec nf '$SETKEY' -c <<'E' && ip -n xf -batch - <<'F'
$3
E
$4
F"
	F0=$_TAP_FAILED
	co=$(stat_of ipcomp_out) cr=$(stat_of ipcomp_out_uncompressed) ci=$(stat_of ipcomp_in)
	capture || tap_diag "tcpdump did not start"
	tap_check "$name: small ping nf -> xf" ip netns exec nf ping $p -s 16 -c 1 -W 3 $b
	tap_check "$name: small ping xf -> nf" ip netns exec xf ping $p -s 16 -c 1 -W 3 $a
	tap_check "$name: compressible ping nf -> xf" ip netns exec nf ping $p -p ab -s 1400 -c 2 -W 3 $b
	tap_check "$name: compressible ping xf -> nf" ip netns exec xf ping $p -p ab -s 1400 -c 2 -W 3 $a
	stop_capture
	tap_check "$name: the wire: nf sent $5" grep -q -- "$5" "$CAP/nf"
	tap_check "$name: the wire: xf sent $6" grep -q -- "$6" "$CAP/xf"
	d_co=$(( $(stat_of ipcomp_out) - co )) d_cr=$(( $(stat_of ipcomp_out_uncompressed) - cr ))
	d_ci=$(( $(stat_of ipcomp_in) - ci ))
	tap_diag "ipcomp_out +$d_co, ipcomp_out_uncompressed +$d_cr, ipcomp_in +$d_ci"
	tap_check "$name: nfipsec compressed the large ones and not the small ones" \
		test "$d_co" -ge 2 -a "$d_cr" -ge 2 -a "$d_ci" -ge 2
	if [ "$_TAP_FAILED" != "$F0" ]; then
		ip netns exec nf "$SETKEY" -D | sed 's/^/#   nf: /'
		ip -n xf -s xfrm state | sed 's/^/#   xf: /'
		head -n 8 "$CAP/nf" "$CAP/xf" | sed 's/^/#   /'
	fi
}

FAMS="4 6"
[ "${NFIPSEC_KERNEL:-6.1}" = 6.1 ] || FAMS=4
SHORT=0
[ "${NFIPSEC_KERNEL:-6.1}" = debug ] && SHORT=1
for fam in $FAMS; do
	a=10.66.0.1 b=10.66.0.2
	[ "$fam" = 6 ] && a=fd66::1 b=fd66::2
	case_ "IPv$fam transport, CPI = SPI (-R)" "$fam" "
add $a $b ipcomp 0x6601 -m transport -C deflate -R;
add $b $a ipcomp 0x6602 -m transport -C deflate -R;
spdadd $a $b any -P out ipsec ipcomp/transport//use;
spdadd $b $a any -P in ipsec ipcomp/transport//use;" "
xfrm state add src $a dst $b proto comp spi 0x6601 mode transport comp deflate
xfrm state add src $b dst $a proto comp spi 0x6602 mode transport comp deflate
xfrm policy add src $b dst $a dir out tmpl proto comp mode transport level use
xfrm policy add src $a dst $b dir in tmpl proto comp mode transport level use" \
		"IPComp(cpi=0x6601)" "IPComp(cpi=0x6602)"
	case_ "IPv$fam transport, well-known CPI" "$fam" "
add $a $b ipcomp 0x6603 -m transport -C deflate;
add $b $a ipcomp 0x6604 -m transport -C deflate;
spdadd $a $b any -P out ipsec ipcomp/transport//use;
spdadd $b $a any -P in ipsec ipcomp/transport//use;" "
xfrm state add src $a dst $b proto comp spi 2 mode transport comp deflate
xfrm state add src $b dst $a proto comp spi 2 mode transport comp deflate
xfrm policy add src $b dst $a dir out tmpl proto comp mode transport level use
xfrm policy add src $a dst $b dir in tmpl proto comp mode transport level use" \
		"IPComp(cpi=0x0002)" "IPComp(cpi=0x0002)"
	case_ "IPv$fam tunnel" "$fam" "
add $a $b ipcomp 0x6605 -m tunnel -C deflate -R;
add $b $a ipcomp 0x6606 -m tunnel -C deflate -R;
spdadd $a $b any -P out ipsec ipcomp/tunnel/$a-$b/use;
spdadd $b $a any -P in ipsec ipcomp/tunnel/$b-$a/use;" "
xfrm state add src $a dst $b proto comp spi 0x6605 mode tunnel comp deflate
xfrm state add src $b dst $a proto comp spi 0x6606 mode tunnel comp deflate
xfrm policy add src $b dst $a dir out tmpl src $b dst $a proto comp mode tunnel level required
xfrm policy add src $a dst $b dir in tmpl src $a dst $b proto comp mode tunnel level use" \
		"IPComp(cpi=0x6605)" "IPComp(cpi=0x6606)"
	case_ "IPv$fam ipcomp+esp bundle" "$fam" "
add $a $b ipcomp 0x6607 -m transport -C deflate -R;
add $b $a ipcomp 0x6608 -m transport -C deflate -R;
add $a $b esp 0x6609 -m transport -E aes-cbc $K16 -A hmac-sha256 $K32;
add $b $a esp 0x660a -m transport -E aes-cbc $K16 -A hmac-sha256 $K32;
spdadd $a $b any -P out ipsec ipcomp/transport//use esp/transport//require;
spdadd $b $a any -P in ipsec ipcomp/transport//use esp/transport//require;" "
xfrm state add src $a dst $b proto comp spi 0x6607 mode transport comp deflate
xfrm state add src $b dst $a proto comp spi 0x6608 mode transport comp deflate
xfrm state add src $a dst $b proto esp spi 0x6609 mode transport enc cbc(aes) $K16 auth-trunc hmac(sha256) $K32 128
xfrm state add src $b dst $a proto esp spi 0x660a mode transport enc cbc(aes) $K16 auth-trunc hmac(sha256) $K32 128
xfrm policy add src $b dst $a dir out tmpl proto comp mode transport level use tmpl proto esp mode transport level required
xfrm policy add src $a dst $b dir in tmpl proto comp mode transport level use tmpl proto esp mode transport level required" \
		"ESP(spi=0x00006609" "ESP(spi=0x0000660a"
done

# --- hostile IPcomp at nf --------------------------------------------------
flush
ip netns exec nf "$SETKEY" -c <<E
add 10.66.0.2 10.66.0.1 ipcomp 0x6611 -m transport -C deflate -R;
add 10.66.0.1 10.66.0.2 ipcomp 0x6612 -m transport -C deflate -R;
spdadd 10.66.0.2 10.66.0.1 udp -P in ipsec ipcomp/transport//use;
E
LISTEN=$(mktemp)
tap_on_exit "rm -f $LISTEN"
ip netns exec nf timeout 400 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.66.0.1", 6666)); s.settimeout(300)	# four python starts on a loaded debug guest
n = 0
try:
    while True:
        s.recv(2000); n += 1
        s.settimeout(2)	# the well-formed one comes last
except socket.timeout:
    pass
open(sys.argv[1], "w").write(str(n))' "$LISTEN" &
LPID=$!
sleep 1
hostile() {	# DESCRIPTION COUNTER IPCOMP-BYTES-AS-PYTHON
	local before
	before=$(stat_of "$2")
	ip netns exec xf python3 -c "
import socket, struct, zlib
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 108)
s.sendto($3, ('10.66.0.1', 0))"
	sleep 0.5
	tap_check "hostile: $1 is dropped as $2" test "$(stat_of "$2")" -gt "$before"
}
# A UDP datagram to port 6666, as deflate would make it, behind an IPcomp header.
UDP='struct.pack("!HHHH", 5555, 6666, 8 + 400, 0) + b"x" * 400'
hostile "an unknown CPI" in_no_sa "struct.pack('!BBH', 17, 0, 0x4444) + zlib.compress($UDP)[2:-4]"
hostile "a payload that is not deflate" in_malformed "struct.pack('!BBH', 17, 0, 0x6611) + b'\\xff' * 64"
hostile "a truncated IPcomp header" in_malformed "struct.pack('!BB', 17, 0)"
# The same datagram well formed arrives (raw deflate, as RFC 2394 asks).
before=$(stat_of ipcomp_in)
ip netns exec xf python3 -c "
import socket, struct, zlib
c = zlib.compressobj(9, zlib.DEFLATED, -15)
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 108)
s.sendto(struct.pack('!BBH', 17, 0, 0x6611) + c.compress($UDP) + c.flush(), ('10.66.0.1', 0))"
sleep 0.5
tap_check "a well-formed IPcomp packet from a raw socket is decompressed" \
	test "$(stat_of ipcomp_in)" -gt "$before"
wait $LPID
tap_is "the listener got only the well-formed datagram" "$(cat "$LISTEN")" 1
flush

tap_done
