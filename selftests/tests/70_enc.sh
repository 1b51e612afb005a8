#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 600
# nfipsec: kernels 6.1 6.12 debug
#
# The enc0 interface (seed ipsec(4)): the cleartext of IPsec traffic seen
# and filtered on enc0, outbound before encryption, inbound after
# decapsulation; net.inet.ipsec.filtertunnel / net.inet6.ipsec6.filtertunnel.
#
#   a (nfipsec) veth 10.70.0.1 fd70::1  ---  b (nfipsec) 10.70.0.2 fd70::2
#   tunnel inner: a 172.16.70.1 fd70:1::1 (lo)    b 172.16.70.2 fd70:1::2
#
# Transport v4 (aes-gcm-16) between the veth addresses; tunnel v4 and v6
# (aes-cbc + hmac-sha256) between the inner addresses.  Checks, in a:
#   - enc0 exists in a new namespace, down; cannot be deleted or moved;
#     while it is down nothing crosses it
#   - up: tcpdump -i enc0 shows the echo requests leaving and the replies
#     arriving in cleartext (the veth shows only ESP); enc0's TX/RX count
#   - nftables netdev egress / ingress chains on enc0 drop the cleartext
#   - tunnel mode, filtertunnel 0: the inner packet arrives with iif enc0
#     (inet input rules see it there, not on the veth); an inet rule on
#     iif enc0 drops it; filtertunnel 1: it arrives by the veth, and enc0
#     still shows it; the same for IPv6 with net.inet6.ipsec6.filtertunnel
#   - transport mode arrives by the veth whatever filtertunnel says
#   - what the stack routes into enc0 is dropped and counted
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_require ip ping tcpdump timeout nft
[ -x "$SETKEY" ] || tap_skip_all "setkey not built ($SETKEY)"
grep -q '^nfipsec ' /proc/modules || tap_skip_all "nfipsec is not loaded"

ns_create a b m
tap_check "a new namespace has enc0, down" \
	sh -c "ip -n a -o link show enc0 | grep -v 'state UP' | grep -q enc0"
tap_check_fails "enc0 cannot be deleted" ip -n a link del enc0
tap_check_fails "enc0 cannot move to another namespace" ip -n a link set enc0 netns m

ns_veth a veth0 10.70.0.1/24 b veth0 10.70.0.2/24
ip -n a addr add fd70::1/64 dev veth0 nodad
ip -n b addr add fd70::2/64 dev veth0 nodad
ip -n a addr add 172.16.70.1/32 dev lo
ip -n b addr add 172.16.70.2/32 dev lo
ip -n a addr add fd70:1::1/128 dev lo
ip -n b addr add fd70:1::2/128 dev lo
ip -n a route add 172.16.70.2/32 via 10.70.0.2 src 172.16.70.1
ip -n b route add 172.16.70.1/32 via 10.70.0.1 src 172.16.70.2
ip -n a route add fd70:1::2/128 via fd70::2 src fd70:1::1
ip -n b route add fd70:1::1/128 via fd70::1 src fd70:1::2

K20=0x$(printf '%02x' $(seq 1 20) | tr -d ' ')
K16=0x$(printf '%02x' $(seq 21 36) | tr -d ' ')
K32=0x$(printf '%02x' $(seq 41 72) | tr -d ' ')

# One script for both sides: SPIs name the direction (odd a -> b, even
# b -> a); ME/PEER are the side's own addresses and the other's.
conf() {	# NS ME PEER ME6 PEER6 IN-ME IN-PEER IN6-ME IN6-PEER 1|2 (a or b)
	local ns=$1 me=$2 peer=$3 me6=$4 peer6=$5 im=$6 ip=$7 im6=$8 ip6=$9 o=${10} i=1
	[ "$o" = 1 ] && i=2
	ip netns exec "$ns" "$SETKEY" -c <<EOF
flush;
spdflush;
add $me $peer esp 0x700$o -m transport -E aes-gcm-16 $K20;
add $peer $me esp 0x700$i -m transport -E aes-gcm-16 $K20;
add $me $peer esp 0x700$((o + 2)) -m tunnel -E aes-cbc $K16 -A hmac-sha256 $K32;
add $peer $me esp 0x700$((i + 2)) -m tunnel -E aes-cbc $K16 -A hmac-sha256 $K32;
add $me6 $peer6 esp 0x700$((o + 4)) -m tunnel -E aes-cbc $K16 -A hmac-sha256 $K32;
add $peer6 $me6 esp 0x700$((i + 4)) -m tunnel -E aes-cbc $K16 -A hmac-sha256 $K32;
spdadd $me $peer icmp -P out ipsec esp/transport//require;
spdadd $peer $me icmp -P in ipsec esp/transport//require;
spdadd $im $ip any -P out ipsec esp/tunnel/$me-$peer/require;
spdadd $ip $im any -P in ipsec esp/tunnel/$peer-$me/require;
spdadd $im6 $ip6 any -P out ipsec esp/tunnel/$me6-$peer6/require;
spdadd $ip6 $im6 any -P in ipsec esp/tunnel/$peer6-$me6/require;
EOF
}
tap_check "SAs and policies in a (transport v4, tunnel v4 and v6)" \
	conf a 10.70.0.1 10.70.0.2 fd70::1 fd70::2 172.16.70.1 172.16.70.2 fd70:1::1 fd70:1::2 1
tap_check "SAs and policies in b" \
	conf b 10.70.0.2 10.70.0.1 fd70::2 fd70::1 172.16.70.2 172.16.70.1 fd70:1::2 fd70:1::1 2

ping_a() {	# [-6] DST: 2 echoes from a
	ip netns exec a ping -n -c 2 -i 0.2 -W 2 -w 6 "$@"
}

a_stat() { ip netns exec a cat "/sys/class/net/enc0/statistics/$1"; }

tap_check "enc0 down: transport ping a -> b" ping_a 10.70.0.2
tap_is "enc0 down: nothing crossed it" "$(a_stat rx_packets)/$(a_stat tx_packets)" 0/0

tap_check "ip link set enc0 up" ip -n a link set enc0 up

TMPD=$(mktemp -d)
tap_on_exit "rm -rf $TMPD"
CAPS=()
capture() {	# IF FILE [TCPDUMP-OPTION...]: tcpdump in a, until stop_captures
	local dev=$1 file=$2
	shift 2
	ip netns exec a timeout 120 tcpdump -l -n -t --immediate-mode -s 200 "$@" -i "$dev" \
		>"$file" 2>"$file.err" &
	CAPS+=($!)
	for _ in $(seq 50); do
		grep -q 'listening on' "$file.err" && return 0
		sleep 0.1
	done
	return 1
}
stop_captures() {
	sleep 0.3	# let tcpdump write the last packets
	kill "${CAPS[@]}" 2>/dev/null
	wait "${CAPS[@]}" 2>/dev/null
	CAPS=()
}

# --- taps and counters, transport mode ---------------------------------------
rx0=$(a_stat rx_packets) tx0=$(a_stat tx_packets)
capture enc0 "$TMPD/enc" && capture veth0 "$TMPD/veth" -Q out ||
	tap_bail "tcpdump did not start: $(cat "$TMPD"/*.err)"
tap_check "transport: ping a -> b with enc0 up" ping_a 10.70.0.2
stop_captures
tap_check "tcpdump -i enc0 saw the echo requests in cleartext" \
	grep -q '10.70.0.1 > 10.70.0.2: ICMP echo request' "$TMPD/enc"
tap_check "tcpdump -i enc0 saw the echo replies in cleartext" \
	grep -q '10.70.0.2 > 10.70.0.1: ICMP echo reply' "$TMPD/enc"
tap_check "a sent ESP on the veth, and no cleartext ICMP" \
	sh -c "grep -q 'ESP(spi=0x00007001' '$TMPD/veth' && ! grep -q 'ICMP echo' '$TMPD/veth'"
tap_check "enc0 counted 2 sent ($tx0 -> $(a_stat tx_packets)) and 2 received ($rx0 -> $(a_stat rx_packets))" \
	test "$(a_stat tx_packets)" -ge $((tx0 + 2)) -a "$(a_stat rx_packets)" -ge $((rx0 + 2))
sed 's/^/#   enc0: /' "$TMPD/enc" | head -8
sed 's/^/#   veth0 out: /' "$TMPD/veth" | head -8

# --- nftables on enc0 --------------------------------------------------------
d0=$(a_stat tx_dropped)
ip netns exec a nft -f - <<'EOF'
table netdev encout {
	chain out {
		type filter hook egress device "enc0" priority 0; policy accept;
		ip protocol icmp counter drop
	}
}
EOF
tap_check "nft: a netdev egress chain on enc0" ip netns exec a nft list table netdev encout
tap_check_fails "egress drop on enc0: ping a -> b fails" ping_a -c 1 -w 3 10.70.0.2
tap_check "the egress chain dropped the cleartext, enc0 counted it (tx_dropped $d0 -> $(a_stat tx_dropped))" \
	sh -c "ip netns exec a nft list table netdev encout | grep -q 'packets [1-9]' &&
	       test $(a_stat tx_dropped) -gt $d0"
ip netns exec a nft delete table netdev encout
tap_check "egress chain gone: ping a -> b" ping_a 10.70.0.2

ip netns exec a nft -f - <<'EOF'
table netdev encin {
	chain in {
		type filter hook ingress device "enc0" priority 0; policy accept;
		ip protocol icmp icmp type echo-reply counter drop
	}
}
EOF
tap_check_fails "ingress drop on enc0: the replies are lost" ping_a -c 1 -w 3 10.70.0.2
tap_check "the ingress chain dropped the decrypted replies" \
	sh -c "ip netns exec a nft list table netdev encin | grep -q 'packets [1-9]'"
ip netns exec a nft delete table netdev encin
tap_check "ingress chain gone: ping a -> b" ping_a 10.70.0.2

# --- filtertunnel: which interface the inet family sees --------------------------
# Anonymous counters with comments: the debug kernel has no nft_objref.
ip netns exec a nft -f - <<'EOF'
table inet seen {
	chain in {
		type filter hook input priority 0; policy accept;
		iifname "enc0" ip saddr 172.16.70.2 counter comment "enc4"
		iifname "veth0" ip saddr 172.16.70.2 counter comment "veth4"
		iifname "enc0" ip6 saddr fd70:1::2 counter comment "enc6"
		iifname "veth0" ip6 saddr fd70:1::2 counter comment "veth6"
		iifname "enc0" ip saddr 10.70.0.2 icmp type echo-reply counter comment "tr_enc"
		iifname "veth0" ip saddr 10.70.0.2 icmp type echo-reply counter comment "tr_veth"
	}
}
EOF
tap_check "nft: an inet input chain that counts by interface" ip netns exec a nft list table inet seen
seen() {	# COMMENT: packets its rule counted
	ip netns exec a nft list chain inet seen in |
		awk -v c="\"$1\"" '$NF == c { for (i = 1; i <= NF; i++) if ($i == "packets") print $(i + 1) }'
}
# filtertunnel 0 (the default): the inner packet is received on enc0.
tap_is "net.inet.ipsec.filtertunnel is 0 by default" \
	"$(ip netns exec a cat /proc/sys/net/inet/ipsec/filtertunnel)" 0
tap_check "tunnel v4, filtertunnel 0: ping 172.16.70.1 -> 172.16.70.2" ping_a -I 172.16.70.1 172.16.70.2
tap_is "tunnel v4, filtertunnel 0: the inner replies came in by enc0, not veth0" \
	"$(seen enc4)/$(seen veth4)" "2/0"
tap_check "tunnel v6, filtertunnel 0: ping fd70:1::1 -> fd70:1::2" ping_a -6 -I fd70:1::1 fd70:1::2
tap_is "tunnel v6, filtertunnel 0: the inner replies came in by enc0, not veth0" \
	"$(seen enc6)/$(seen veth6)" "2/0"
tap_check "transport: ping a -> b" ping_a 10.70.0.2
tap_is "transport: the replies came in by veth0 (after enc0's taps)" \
	"$(seen tr_enc)/$(seen tr_veth)" "0/2"

ip netns exec a nft add rule inet seen in iifname enc0 ip saddr 172.16.70.2 drop
tap_check_fails "an inet input rule on iif enc0 drops the tunnel's inner packets" \
	ping_a -c 1 -w 3 -I 172.16.70.1 172.16.70.2

# filtertunnel 1: the inner packet goes on to the interface it arrived by.
ip netns exec a sysctl -qw net.inet.ipsec.filtertunnel=1
ip netns exec a sysctl -qw net.inet6.ipsec6.filtertunnel=1
capture enc0 "$TMPD/enc2" || tap_bail "tcpdump did not start: $(cat "$TMPD"/enc2.err)"
c0="$(seen enc4)/$(seen veth4) $(seen enc6)/$(seen veth6)"
tap_check "tunnel v4, filtertunnel 1: ping passes the rule on iif enc0" \
	ping_a -I 172.16.70.1 172.16.70.2
tap_check "tunnel v6, filtertunnel 1: ping fd70:1::1 -> fd70:1::2" ping_a -6 -I fd70:1::1 fd70:1::2
stop_captures
set -- $(echo "$c0" | tr '/' ' ')
tap_is "filtertunnel 1: the inner replies came in by veth0 (v4 enc/veth, v6 enc/veth: before $c0)" \
	"$(($(seen enc4) - $1))/$(($(seen veth4) - $2)) $(($(seen enc6) - $3))/$(($(seen veth6) - $4))" \
	"0/2 0/2"
tap_check "filtertunnel 1: tcpdump -i enc0 still saw the inner replies" \
	sh -c "grep -q '172.16.70.2 > 172.16.70.1: ICMP echo reply' '$TMPD/enc2' &&
	       grep -q 'fd70:1::2 > fd70:1::1: ICMP6, echo reply' '$TMPD/enc2'"
ip netns exec a sysctl -qw net.inet.ipsec.filtertunnel=0
ip netns exec a sysctl -qw net.inet6.ipsec6.filtertunnel=0

# --- what the stack sends on enc0 ----------------------------------------------
d0=$(a_stat tx_dropped)
ip -n a route add 192.0.2.0/24 dev enc0
tap_check_fails "a route into enc0 leads nowhere" ping_a -c 1 -w 2 192.0.2.1
tap_check "enc0 counted what the stack sent on it as dropped ($d0 -> $(a_stat tx_dropped))" \
	test "$(a_stat tx_dropped)" -gt "$d0"

# --- down again: as before -----------------------------------------------------
ip -n a link set enc0 down
rx0=$(a_stat rx_packets) tx0=$(a_stat tx_packets)
tap_check "enc0 down again: tunnel v4 ping (no rule applies)" ping_a -I 172.16.70.1 172.16.70.2
tap_is "enc0 down: nothing crossed it" "$(a_stat rx_packets)/$(a_stat tx_packets)" "$rx0/$tx0"
ip -n a link set enc0 up
tap_check "namespace b deleted with its enc0" ip netns del b
tap_done
