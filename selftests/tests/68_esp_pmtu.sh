#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 600
# nfipsec: kernels 6.1 6.12 debug
#
# Path-MTU feedback on the outbound path (pkt_out.c, out_too_big()): a
# packet too big for the route once protected is answered with ICMP
# "fragmentation needed" / ICMPv6 "packet too big" carrying the MTU left
# after the bundle's worst-case overhead, unless its sender allowed
# fragmentation (IPv4 without DF), in which case it is protected and the
# result fragmented as before.  All veths have MTU 1500.
#
#   a 10.68.0.1 fd68::1 ---- b 10.68.0.2 fd68::2
#     ESP transport: IPv4 aes-gcm-16, IPv6 aes-cbc + hmac-sha256
#
#   c 10.68.1.1 ---- 10.68.1.254 g 10.68.2.1 ---- 10.68.2.2 p
#     ESP tunnel g-p (aes-cbc + hmac-sha256) for 10.68.1.0/24 <-> 10.68.2.2
#
# Expected MTUs (esp.c: header 8 + IV + block-1 padding + 2 + ICV):
#   aes-gcm-16 transport        8 + 8 + 3 + 2 + 16            = 37 -> 1463
#   aes-cbc/sha256 transport v6 8 + 16 + 15 + 2 + 16          = 57 -> 1443
#   aes-cbc/sha256 tunnel v4    8 + 16 + 15 + 2 + 16 + 20     = 77 -> 1423
# Permanent neighbours everywhere, so no ARP/ND crosses the policies.
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_require ip ping python3 timeout
[ -x "$SETKEY" ] || tap_skip_all "setkey not built ($SETKEY)"
grep -q '^nfipsec ' /proc/modules || tap_skip_all "nfipsec is not loaded"
grep -q '^out_too_big ' /proc/net/nfipsec/stats ||
	tap_skip_all "nfipsec has no path-MTU feedback (no out_too_big in /proc/net/nfipsec/stats)"

ns_create a b c g p
ns_veth a va "10.68.0.1/24" b vb "10.68.0.2/24"
ns_veth c vc "10.68.1.1/24" g vgc "10.68.1.254/24"
ns_veth g vgp "10.68.2.1/24" p vp "10.68.2.2/24"
ip -n a addr add fd68::1/64 dev va nodad
ip -n b addr add fd68::2/64 dev vb nodad
ip -n c route add default via 10.68.1.254
ip -n p route add 10.68.1.0/24 via 10.68.2.1
ip netns exec g sysctl -qw net.ipv4.ip_forward=1

mac() { ip -n "$1" -br link show "$2" | awk '{print $3}'; }
neigh() {	# NS DEV ADDR PEER-NS PEER-DEV
	ip -n "$1" neigh replace "$3" lladdr "$(mac "$4" "$5")" dev "$2" nud permanent
}
neigh a va 10.68.0.2 b vb
neigh a va fd68::2 b vb
neigh b vb 10.68.0.1 a va
neigh b vb fd68::1 a va
neigh c vc 10.68.1.254 g vgc
neigh g vgc 10.68.1.1 c vc
neigh g vgp 10.68.2.2 p vp
neigh p vp 10.68.2.1 g vgp

G=0x$(printf '%02x' $(seq 1 20) | tr -d ' ')
E=0x$(printf '%02x' $(seq 31 46) | tr -d ' ')
A=0x$(printf '%02x' $(seq 61 92) | tr -d ' ')
conf_ab() {	# SELF PEER SELF6 PEER6
	cat <<-EOF
	add 10.68.0.1 10.68.0.2 esp 0x6801 -m transport -E aes-gcm-16 $G;
	add 10.68.0.2 10.68.0.1 esp 0x6802 -m transport -E aes-gcm-16 $G;
	add fd68::1 fd68::2 esp 0x6803 -m transport -E aes-cbc $E -A hmac-sha256 $A;
	add fd68::2 fd68::1 esp 0x6804 -m transport -E aes-cbc $E -A hmac-sha256 $A;
	spdadd $1 $2 any -P out ipsec esp/transport//require;
	spdadd $2 $1 any -P in ipsec esp/transport//require;
	spdadd $3 $4 any -P out ipsec esp/transport//require;
	spdadd $4 $3 any -P in ipsec esp/transport//require;
	EOF
}
conf_gp() {	# SELF PEER INNER-SELF INNER-PEER
	cat <<-EOF
	add 10.68.2.1 10.68.2.2 esp 0x6811 -m tunnel -E aes-cbc $E -A hmac-sha256 $A;
	add 10.68.2.2 10.68.2.1 esp 0x6812 -m tunnel -E aes-cbc $E -A hmac-sha256 $A;
	spdadd $3 $4 any -P out ipsec esp/tunnel/$1-$2/require;
	spdadd $4 $3 any -P in ipsec esp/tunnel/$2-$1/require;
	EOF
}
configure() {
	conf_ab 10.68.0.1 10.68.0.2 fd68::1 fd68::2 | nq a "$SETKEY" -c &&
	conf_ab 10.68.0.2 10.68.0.1 fd68::2 fd68::1 | nq b "$SETKEY" -c &&
	conf_gp 10.68.2.1 10.68.2.2 10.68.1.0/24 10.68.2.2/32 | nq g "$SETKEY" -c &&
	conf_gp 10.68.2.2 10.68.2.1 10.68.2.2/32 10.68.1.0/24 | nq p "$SETKEY" -c
}
tap_check "all sides configured" configure

counter() { nq "$1" sed -n "s/^$2 //p" /proc/net/nfipsec/stats; }
# shellcheck disable=SC2016 # awk fields
frag_creates() {	# NS: Ip FragCreates from /proc/net/snmp
	nq "$1" awk '/^Ip:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "FragCreates") c = i; h = 1 } else print $c }' /proc/net/snmp
}
# The first "mtu N" / "mtu=N" / "mtu = N" in some output.
mtu_of() { grep -o 'mtu[ =:]*[0-9]*' | grep -o '[0-9]*$' | head -n 1; }

# --- IPv4 transport a -> b --------------------------------------------------
tap_check "ESP transport IPv4: small ping" n a ping -c 2 -W 2 10.68.0.2
f0=$(frag_creates a)
tap_check "IPv4 without DF, 1500 bytes: passes (fragmented after ESP)" \
	n a ping -c 2 -W 3 -Mdont -s 1472 10.68.0.2
f1=$(frag_creates a)
tap_diag "IpFragCreates in a: $f0 -> $f1"
tap_check "  and was fragmented after protection" test "$f1" -gt "$f0"

# TCP, a -> b, 400 KiB: the server counts what it read.
TCP=$(mktemp -p /var/tmp)
tap_on_exit "rm -f $TCP"
cat >"$TCP" <<'EOF'
import socket, sys
if sys.argv[1] == "server":
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[2], 5068)); s.listen(1); s.settimeout(60)
    c, _ = s.accept(); c.settimeout(60); n = 0
    while True:
        b = c.recv(65536)
        if not b: break
        n += len(b)
    c.sendall(str(n).encode()); c.close()
else:
    c = socket.create_connection((sys.argv[2], 5068), timeout=60)
    c.sendall(bytes(int(sys.argv[3]))); c.shutdown(socket.SHUT_WR)
    print(c.recv(100).decode())
EOF
ip netns exec b timeout 90 python3 "$TCP" server 10.68.0.2 &
SRV=$!
sleep 1
big0=$(counter a out_too_big)
f0=$(frag_creates a)
got=$(nq a timeout 80 python3 "$TCP" client 10.68.0.2 409600)
wait "$SRV"
f1=$(frag_creates a)
big1=$(counter a out_too_big)
tap_diag "TCP: server read ${got:-nothing}; IpFragCreates in a: $f0 -> $f1; out_too_big: $big0 -> $big1"
tap_is "TCP over ESP transport: 400 KiB arrived" "$got" 409600
tap_check "  out_too_big rose" test "$big1" -gt "$big0"
tap_check "  IpFragCreates rose by at most 4" test $((f1 - f0)) -le 4
n a ip route get 10.68.0.2
learned=$(nq a ip route get 10.68.0.2 | mtu_of)
tap_diag "learned PMTU in a for 10.68.0.2: ${learned:-none}"
tap_is "  a's route to b learned PMTU 1500 - 37" "$learned" 1463
# With that PMTU learned, 1500 bytes without DF still pass: the stack
# fragments them only after POST_ROUTING (one skb with a frag_list until
# then), so transport mode protects the whole packet and the result is
# fragmented.
e0=$(counter a out_error)
tap_check "  1500 bytes without DF still pass after learning" \
	n a ping -c 2 -W 3 -Mdont -s 1472 10.68.0.2
tap_is "  and out_error did not move" "$(counter a out_error)" "$e0"

# --- IPv6 transport a -> b --------------------------------------------------
tap_check "ESP transport IPv6: small ping" n a ping -6 -c 2 -W 2 fd68::2
big0=$(counter a out_too_big)
out=$(nq a ping -6 -c 2 -W 2 -Mdo -s 1452 fd68::2 2>&1)
tap_diag "$out"
big1=$(counter a out_too_big)
tap_is "IPv6 1500 bytes: Packet Too Big with mtu 1500 - 57" "$(echo "$out" | mtu_of)" 1443
tap_check "  out_too_big rose" test "$big1" -gt "$big0"
tap_check "  -s 1395 (1443 bytes) passes" n a ping -6 -c 2 -W 2 -Mdo -s 1395 fd68::2

# --- IPv4 forwarded, tunnel g - p -------------------------------------------
tap_check "tunnel: small ping c -> p" n c ping -c 2 -W 2 10.68.2.2
tap_check "tunnel: 1500 bytes without DF pass" n c ping -c 2 -W 3 -Mdont -s 1472 10.68.2.2
big0=$(counter g out_too_big)
out=$(nq c ping -c 3 -W 2 -Mdo -s 1472 10.68.2.2 2>&1)
tap_diag "$out"
big1=$(counter g out_too_big)
got=$(echo "$out" | mtu_of)
tap_check "tunnel: DF 1500 bytes: Frag needed, 1400 <= mtu < 1500" \
	test "${got:-0}" -ge 1400 -a "${got:-0}" -lt 1500
tap_is "  mtu is 1500 - 77" "$got" 1423
tap_check "  g's out_too_big rose" test "$big1" -gt "$big0"
n c ip route get 10.68.2.2
tap_check "  -s 1395 (1423 bytes) with DF passes" n c ping -c 2 -W 2 -Mdo -s 1395 10.68.2.2

n a "$SETKEY" -F
n b "$SETKEY" -F
n g "$SETKEY" -F
n p "$SETKEY" -F
tap_done
