#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 900
# nfipsec: kernels 6.1 6.12 debug
#
# ESP in UDP (RFC 3948; setkey's esp-udp, PF_KEY's NAT-T extensions)
# against Linux XFRM's "encap espinudp", across a NAT made with nftables
# masquerade, IPv4 and IPv6 (NAT66):
#
#   nf (nfipsec)          r (masquerade on vr2)            xf (XFRM)
#   vn 10.69.1.2/24 ---- vr1 10.69.1.1   vr2 10.69.2.1 ---- vx 10.69.2.2/24
#      fd69:1::2/64          fd69:1::1       fd69:2::1          fd69:2::2/64
#
# xf only ever sees r's address: its SAs run between 10.69.2.1 (or
# fd69:2::1) and itself, and a python socket with UDP_ENCAP_ESPINUDP on
# port 4500 hands XFRM what arrives there.  nf has no socket: nfipsec
# finds ESP in UDP on its SAs' ports by itself.
#
# Cases: transport v4 (aes-gcm-16), transport v6 (aes-cbc + hmac-sha256),
# tunnel v4 (aes-gcm-16, inner 172.16.69.1 <-> 172.16.69.2).  Each: ping
# and a TCP transfer both ways (TCP's checksum covers addresses the NAT
# changed: transport mode needs natt_cksum_policy's handling), UDP/4500
# and no bare ESP on xf's side (nft counters), nf's natt_in/natt_out.
# Then: natt_cksum_policy=1 (checksums recomputed) with TCP xf -> nf;
# SADB_X_NAT_T_NEW_MAPPING when the peer's port is not the SA's; UPDATE
# of live SAs to new ports (inbound and outbound), and of the type refused; hostile
# datagrams to nf's port 4500 from r (junk, short, bad UDP length, ESP
# with an unknown SPI; IKE and keepalives pass), each dropped or passed
# and counted.
# CI time: about 3 minutes a kernel alone; on the debug kernel pings
# only, no TCP.
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_require ip ping python3 timeout nft
[ -x "$SETKEY" ] || tap_skip_all "setkey not built ($SETKEY)"
grep -q '^nfipsec ' /proc/modules || tap_skip_all "nfipsec is not loaded"
grep -q '^natt_in ' /proc/net/nfipsec/stats ||
	tap_skip_all "nfipsec has no ESP in UDP (no natt_in in /proc/net/nfipsec/stats)"

SHORT=0
[ "${NFIPSEC_KERNEL:-6.1}" = debug ] && SHORT=1

ns_create nf r xf
ip link add vn netns nf type veth peer name vr1 netns r
ip link add vx netns xf type veth peer name vr2 netns r
ip -n nf addr add 10.69.1.2/24 dev vn
ip -n nf addr add fd69:1::2/64 dev vn nodad
ip -n r addr add 10.69.1.1/24 dev vr1
ip -n r addr add fd69:1::1/64 dev vr1 nodad
ip -n r addr add 10.69.2.1/24 dev vr2
ip -n r addr add fd69:2::1/64 dev vr2 nodad
ip -n xf addr add 10.69.2.2/24 dev vx
ip -n xf addr add fd69:2::2/64 dev vx nodad
for l in "nf vn" "r vr1" "r vr2" "xf vx"; do
	set -- $l
	ip -n "$1" link set "$2" up
done
# xf's policies cover everything between it and r's address, neighbour
# discovery included: permanent neighbours, so no ND crosses them.
MR=$(ip -n r -br link show vr2 | awk '{print $3}')
MX=$(ip -n xf -br link show vx | awk '{print $3}')
ip -n r neigh replace fd69:2::2 dev vr2 lladdr "$MX" nud permanent
ip -n xf neigh replace fd69:2::1 dev vx lladdr "$MR" nud permanent
ip -n nf route add default via 10.69.1.1
ip -n nf route add default via fd69:1::1
ip netns exec r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
ip netns exec r nft -f - <<'EOF'
table inet nat69 {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "vr2" masquerade
	}
}
EOF
tap_diag "nft masquerade in r: $?"
# What reaches xf: UDP to 4500, and bare ESP (there must be none).
# Anonymous counters with comments: the debug kernel has no nft_objref.
ip netns exec xf nft -f - <<'EOF'
table inet c69 {
	chain in {
		type filter hook input priority 0; policy accept;
		udp dport 4500 counter comment "udp4500"
		udp dport 4501 counter comment "udp4501"
		meta l4proto 50 counter comment "bare_esp"
	}
}
EOF
# Inner addresses of the tunnel case.
ip -n nf addr add 172.16.69.1/32 dev lo
ip -n xf addr add 172.16.69.2/32 dev lo
ip -n nf route add 172.16.69.2/32 via 10.69.1.1 src 172.16.69.1
ip -n xf route add 172.16.69.1/32 dev vx src 172.16.69.2

TMPD=$(mktemp -d)
tap_on_exit "rm -rf $TMPD"
# xf's encapsulation sockets (v4 and v6), as an IKE daemon opens them:
# UDP_ENCAP_ESPINUDP, and per-socket bypass policies both ways (XFRM
# checks a datagram against the "any" policies before the socket's encap
# handler sees it; charon and racoon set the same).
ip netns exec xf timeout 890 python3 -c '
import socket, struct, time
UDP_ENCAP, ESPINUDP = 100, 2
IP_IPSEC_POLICY, IPV6_IPSEC_POLICY, BYPASS = 16, 34, 4
socks = []
for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, 4500))
    for d in (1, 2):
        pol = struct.pack("=HHHBBII", 2, 18, BYPASS, d, 0, 0, 0)
        if fam == socket.AF_INET:
            s.setsockopt(socket.IPPROTO_IP, IP_IPSEC_POLICY, pol)
        else:
            s.setsockopt(socket.IPPROTO_IPV6, IPV6_IPSEC_POLICY, pol)
    s.setsockopt(socket.IPPROTO_UDP, UDP_ENCAP, ESPINUDP)
    socks.append(s)
print("encap sockets up", flush=True)
time.sleep(890)
' >"$TMPD/encap" 2>&1 &
disown
SIZE=65536
. "$NFIPSEC_ROOT/selftests/lib/xfer.sh"
. "$NFIPSEC_ROOT/selftests/lib/nfxf.sh"
xfer_setup "$TMPD" 5069 $SIZE 60
[ $SHORT = 1 ] || xfer_servers 890 nf xf || tap_bail "the TCP servers did not start"
for _ in $(seq 100); do
	grep -q 'encap sockets up' "$TMPD/encap" && break
	sleep 0.1
done
grep -q 'encap sockets up' "$TMPD/encap" || tap_bail "xf's UDP_ENCAP sockets: $(cat "$TMPD/encap")"

K20=0x$(printf '%02x' $(seq 1 20) | tr -d ' ')
K16=0x$(printf '%02x' $(seq 21 36) | tr -d ' ')
K32=0x$(printf '%02x' $(seq 41 72) | tr -d ' ')

xf_count() {	# COMMENT: packets its rule counted in xf
	ip netns exec xf nft list chain inet c69 in |
		awk -v c="\"$1\"" '$NF == c { for (i = 1; i <= NF; i++) if ($i == "packets") print $(i + 1) }'
}

dump() {
	ip netns exec nf "$SETKEY" -D | sed 's/^/#   nf: /'
	ip -n xf -s xfrm state | sed 's/^/#   xf: /'
	ip netns exec xf nft list table inet c69 | sed 's/^/#   xf: /'
	ip netns exec r conntrack -L 2>/dev/null | sed 's/^/#   r: /'
	grep -v ' 0$' /proc/net/nfipsec/stats 2>/dev/null | sed 's/^/#   stats: /'
}

# case NAME FAMILY NF-ADDR XF-ADDR SETKEY-CONF XFRM-BATCH XF-TO-NF-ADDR [pings]
# ("pings": no TCP transfers, for CI time where no checksum is at stake)
case_() {
	local name=$1 p="" f0 ni no u e
	[ "$2" = 6 ] && p=-6
	f0=$_TAP_FAILED
	tap_check "$name: configured (setkey esp-udp in nf, encap espinudp in xf)" configure "$5" "$6"
	ni=$(stat_of natt_in) no=$(stat_of natt_out) u=$(xf_count udp4500) e=$(xf_count bare_esp)
	tap_check "$name: ping nf -> xf" ip netns exec nf ping $p -n -c 2 -i 0.2 -W 2 -w 8 "$4"
	# xf can reach nf only through the mapping nf's packets opened in r.
	tap_check "$name: ping xf -> nf (through r's mapping)" \
		ip netns exec xf ping $p -n -c 2 -i 0.2 -W 2 -w 8 "$7"
	if [ $SHORT = 1 ]; then
		tap_skip "$name: $((SIZE / 1024)) KiB TCP nf -> xf" "debug kernel: pings only (CI time)"
		tap_skip "$name: $((SIZE / 1024)) KiB TCP xf -> nf" "debug kernel: pings only (CI time)"
	elif [ "${8:-}" != pings ]; then
		tap_check "$name: $((SIZE / 1024)) KiB TCP nf -> xf" tcp_xfer nf "$4"
		tap_check "$name: $((SIZE / 1024)) KiB TCP xf -> nf (a checksum over addresses the NAT changed)" \
			tcp_xfer xf "$7"
	fi
	tap_check "$name: nf sent ESP in UDP (natt_out $no -> $(stat_of natt_out))" \
		test "$(stat_of natt_out)" -ge $((no + 4))
	tap_check "$name: nf took ESP out of UDP (natt_in $ni -> $(stat_of natt_in))" \
		test "$(stat_of natt_in)" -ge $((ni + 4))
	tap_check "$name: xf received UDP/4500 (nft: $u -> $(xf_count udp4500)) and no bare ESP ($e -> $(xf_count bare_esp))" \
		test "$(xf_count udp4500)" -ge $((u + 4)) -a "$(xf_count bare_esp)" = "$e"
	[ "$_TAP_FAILED" = "$f0" ] || dump
}

N4=10.69.1.2 R4=10.69.2.1 X4=10.69.2.2
N6=fd69:1::2 R6=fd69:2::1 X6=fd69:2::2

# Transport mode IPv4, aes-gcm-16: nf's setkey script and xf's ip batch.
v4_transport() {	# SPI-OUT SPI-IN (of nf)
	NF_CONF="
add $N4[4500] $X4[4500] esp-udp $1 -m transport -E aes-gcm-16 $K20;
add $X4[4500] $N4[4500] esp-udp $2 -m transport -E aes-gcm-16 $K20;
spdadd $N4 $X4 any -P out ipsec esp/transport//require;
spdadd $X4 $N4 any -P in ipsec esp/transport//require;"
	XF_CONF="
xfrm state add src $R4 dst $X4 proto esp spi $1 mode transport aead rfc4106(gcm(aes)) $K20 128 encap espinudp 4500 4500 0.0.0.0
xfrm state add src $X4 dst $R4 proto esp spi $2 mode transport aead rfc4106(gcm(aes)) $K20 128 encap espinudp 4500 4500 0.0.0.0
xfrm policy add src $X4 dst $R4 dir out tmpl proto esp mode transport level required
xfrm policy add src $R4 dst $X4 dir in tmpl proto esp mode transport level required"
}

v4_transport 0x6901 0x6902
case_ "transport v4 aes-gcm-16" 4 $N4 $X4 "$NF_CONF" "$XF_CONF" $R4

case_ "transport v6 aes-cbc + hmac-sha256 (NAT66)" 6 $N6 $X6 "
add $N6[4500] $X6[4500] esp-udp 0x6903 -m transport -E aes-cbc $K16 -A hmac-sha256 $K32;
add $X6[4500] $N6[4500] esp-udp 0x6904 -m transport -E aes-cbc $K16 -A hmac-sha256 $K32;
spdadd $N6 $X6 any -P out ipsec esp/transport//require;
spdadd $X6 $N6 any -P in ipsec esp/transport//require;" "
xfrm state add src $R6 dst $X6 proto esp spi 0x6903 mode transport enc cbc(aes) $K16 auth-trunc hmac(sha256) $K32 128 encap espinudp 4500 4500 ::
xfrm state add src $X6 dst $R6 proto esp spi 0x6904 mode transport enc cbc(aes) $K16 auth-trunc hmac(sha256) $K32 128 encap espinudp 4500 4500 ::
xfrm policy add src $X6 dst $R6 dir out tmpl proto esp mode transport level required
xfrm policy add src $R6 dst $X6 dir in tmpl proto esp mode transport level required" $R6

I1=172.16.69.1 I2=172.16.69.2
case_ "tunnel v4 aes-gcm-16" 4 $I1 $I2 "
add $N4[4500] $X4[4500] esp-udp 0x6905 -m tunnel -E aes-gcm-16 $K20;
add $X4[4500] $N4[4500] esp-udp 0x6906 -m tunnel -E aes-gcm-16 $K20;
spdadd $I1 $I2 any -P out ipsec esp/tunnel/$N4-$X4/require;
spdadd $I2 $I1 any -P in ipsec esp/tunnel/$X4-$N4/require;" "
xfrm state add src $R4 dst $X4 proto esp spi 0x6905 mode tunnel aead rfc4106(gcm(aes)) $K20 128 encap espinudp 4500 4500 0.0.0.0
xfrm state add src $X4 dst $R4 proto esp spi 0x6906 mode tunnel aead rfc4106(gcm(aes)) $K20 128 encap espinudp 4500 4500 0.0.0.0
xfrm policy add src $I2 dst $I1 dir out tmpl src $X4 dst $R4 proto esp mode tunnel level required
xfrm policy add src $I1 dst $I2 dir in tmpl src $R4 dst $X4 proto esp mode tunnel level required" $I1 pings

# --- natt_cksum_policy 1: transport-mode checksums recomputed -------------------
SYS=/proc/sys/net/inet/ipsec/natt_cksum_policy
v4_transport 0x6907 0x6908
configure "$NF_CONF" "$XF_CONF"
ip netns exec nf sh -c "echo 1 > $SYS"
tap_is "natt_cksum_policy set to 1 in nf" "$(ip netns exec nf cat $SYS)" 1
ip netns exec nf ping -n -c 1 -W 2 -w 8 $X4 >/dev/null	# opens r's mapping
if [ $SHORT = 1 ]; then
	tap_check "natt_cksum_policy 1: ping xf -> nf" ip netns exec xf ping -n -c 2 -i 0.2 -W 2 -w 8 $R4
else
	tap_check "natt_cksum_policy 1: $((SIZE / 1024)) KiB TCP xf -> nf (checksums recomputed)" \
		tcp_xfer xf $R4
fi
ip netns exec nf sh -c "echo 0 > $SYS"

# --- NEW_MAPPING -----------------------------------------------------------------
# nf's inbound SA names the peer's port 4499; the peer sends from 4500.
ip netns exec nf "$SETKEY" -c <<<"delete $X4 $N4 esp 0x6908;
add $X4[4499] $N4[4500] esp-udp 0x6908 -m transport -E aes-gcm-16 $K20;"
OUT=$TMPD/listen
ip netns exec nf python3 "$NFIPSEC_ROOT/selftests/lib/pfkey_listen.py" --count 1 \
	--timeout 30 >"$OUT" 2>&1 &
LPID=$!
for _ in $(seq 100); do grep -q '^REGISTERED' "$OUT" 2>/dev/null && break; sleep 0.2; done
before=$(stat_of natt_new_mapping)
ip netns exec nf ping -n -c 3 -i 0.2 -W 2 $X4 >/dev/null
wait $LPID
tap_result $? "a NEW_MAPPING arrived at a registered socket"
sed 's/^/#   /' "$OUT"
tap_check "it names SA 0x6908 and the peer's address and port 4500 (af_key's layout)" \
	grep -q "^X_NAT_T_NEW_MAPPING satype=esp spi=0x6908 src=$X4 sport=4499 dst=$X4 dport=4500" "$OUT"
tap_is "one NEW_MAPPING for 3 packets from the new port (natt_new_mapping)" \
	"$(( $(stat_of natt_new_mapping) - before ))" 1

# --- UPDATE of a mature SA moves it to new ports ---------------------------------
# What an IKE daemon does after a NEW_MAPPING (strongSwan's kernel-pfkey:
# GET, then UPDATE with the new NAT-T ports; af_key copies them into the
# live state).  The inbound SA takes the peer's port 4500: no more
# NEW_MAPPING, and dumps show the port.
before=$(stat_of natt_new_mapping)
tap_check "UPDATE of the live inbound SA 0x6908 to the peer's port 4500" \
	ip netns exec nf "$SETKEY" -c <<<"update $X4[4500] $N4[4500] esp-udp 0x6908 -m transport -E aes-gcm-16 $K20;"
ip netns exec nf ping -n -c 3 -i 0.2 -W 2 $X4 >/dev/null
tap_is "no NEW_MAPPING for packets from that port any more (natt_new_mapping)" \
	"$(( $(stat_of natt_new_mapping) - before ))" 0
tap_check "setkey -D shows 0x6908 with sport 4500" \
	sh -c "ip netns exec nf '$SETKEY' -D | grep -q '^$X4\\[4500\\] $N4\\[4500\\]'"
# The outbound SA goes to port 4501 (nothing listens there on xf): the
# packets follow at once; then back to 4500, and traffic flows again.
u=$(xf_count udp4501)
tap_check "UPDATE of the live outbound SA 0x6907 to port 4501" \
	ip netns exec nf "$SETKEY" -c <<<"update $N4[4500] $X4[4501] esp-udp 0x6907 -m transport -E aes-gcm-16 $K20;"
ip netns exec nf ping -n -c 2 -i 0.2 -W 1 $X4 >/dev/null
tap_check "nf's ESP in UDP now reaches xf on port 4501 (nft: $u -> $(xf_count udp4501))" \
	test "$(xf_count udp4501)" -ge $((u + 2))
tap_check_fails "UPDATE of it without NAT-T (a change of encapsulation): refused, as af_key does" \
	ip netns exec nf "$SETKEY" -c <<<"update $N4 $X4 esp 0x6907 -m transport -E aes-gcm-16 $K20;"
tap_check "UPDATE of 0x6907 back to port 4500" \
	ip netns exec nf "$SETKEY" -c <<<"update $N4[4500] $X4[4500] esp-udp 0x6907 -m transport -E aes-gcm-16 $K20;"
tap_check "nf and xf talk again" ip netns exec nf ping -n -c 2 -i 0.2 -W 2 -w 8 $X4

# --- hostile datagrams to nf's port 4500, from r ------------------------------------
# From a random port of r's: only nf's destination port makes it a
# candidate.  bash's /dev/udp sends each printf as one datagram (a python
# start costs seconds in a TCG guest); the bad length needs a raw socket.
cat >"$TMPD/badlen.py" <<'EOF'
import socket, struct, sys
# IPv4 + UDP whose length field claims 200 bytes of 12.
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
dst = sys.argv[1]
body = struct.pack("!HHHH", 4500, 4500, 200, 0) + b"\x01\x02\x03\x04"
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 1, 0, 64, 17, 0,
                 socket.inet_aton("10.69.1.1"), socket.inet_aton(dst))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW).sendto(ip + body, (dst, 0))
EOF
hostile() {	# PAYLOAD (a printf format, or "badlen") COUNTER DESCRIPTION
	local b
	b=$(stat_of "$2")
	if [ "$1" = badlen ]; then
		ip netns exec r python3 "$TMPD/badlen.py" $N4
	else
		# shellcheck disable=SC2016 # expanded by the inner bash
		ip netns exec r bash -c 'printf "$1" >"/dev/udp/$2/4500"' _ "$1" $N4
	fi
	sleep 0.3
	tap_is "$3 ($2)" "$(( $(stat_of "$2") - b ))" 1
}
hostile '\x01\x02\x03' natt_bad "3 bytes of junk on port 4500: dropped"
hostile '\x12\x34\x56\x78\x00\x00' natt_bad "an SPI without a sequence number: dropped"
hostile badlen natt_bad "a UDP length beyond the packet: dropped"
hostile '\x00\x00\x69\x99\x00\x00\x00\x01%024d' in_no_sa "ESP in UDP with an unknown SPI: dropped"
hostile '\x00\x00\x00\x00%028d' natt_ike "IKE behind the non-ESP marker: left to the socket"
hostile '\xff' natt_keepalive "a NAT keepalive: left to the socket"
tap_check "nf still talks to xf after all that" ip netns exec nf ping -n -c 2 -i 0.2 -W 2 -w 8 $X4

# --- without NAT-T SAs, UDP/4500 is just UDP --------------------------------------
flush
b=$(stat_of natt_bad)
# shellcheck disable=SC2016 # expanded by the inner bash
ip netns exec r bash -c 'printf "\\x01\\x02\\x03" >"/dev/udp/$1/4500"' _ $N4
sleep 0.3
tap_is "no ESP-in-UDP SA left: port 4500 is not looked at (natt_bad)" "$(stat_of natt_bad)" "$b"
tap_done
