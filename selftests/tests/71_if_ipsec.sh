#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 600
# nfipsec: kernels 6.1 6.12 debug
#
# if_ipsec (seed if_ipsec(4)): route-based tunnel interfaces, link kind
# "ipsec", configured with tools/ipsecif.  The seed's two-host example,
# translated: hosts A and B create ipsec0 with reqids 100 and 200, tunnel
# endpoints A -> B, inner addresses, SAs added with setkey -u; a subnet
# routed through ipsec0 passes traffic.  Then a second interface beside it
# (ipsec1, IPv6 endpoints, IPv4 and IPv6 inside), each counting only its
# own traffic; the interface's policies in the SPD (SPDDUMP, kept by
# SPDFLUSH, refused to SPDDELETE2); an ACQUIRE naming the interface's
# policy; a reqid change replacing the policies (the old SAs no longer
# apply, new ones do); errors (taken reqid, taken tunnel, bad arguments);
# the tunnel removed; interfaces deleted with their policies.
#
#   A  veth 10.71.0.1 fd71::1  ---  B  veth 10.71.0.2 fd71::2
#   ipsec0 10.1.1.1 peer 10.1.1.2 (outer 10.71.0.1 -> 10.71.0.2), route to
#          B's 172.16.71.0/24 (172.16.71.1 on B's lo) and back
#   ipsec1 10.2.2.1 peer 10.2.2.2, fd72::1 peer fd72::2 (outer fd71::1 -> fd71::2)
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_require ip ping tcpdump timeout python3
IPSECIF=${IPSECIF:-$NFIPSEC_ROOT/tools/build/ipsecif/ipsecif}
[ -x "$SETKEY" ] || tap_skip_all "setkey not built ($SETKEY)"
[ -x "$IPSECIF" ] || tap_skip_all "ipsecif not built ($IPSECIF)"
grep -q '^nfipsec ' /proc/modules || tap_skip_all "nfipsec is not loaded"
LISTEN=$NFIPSEC_ROOT/selftests/lib/pfkey_listen.py

ns_create A B
ns_veth A veth0 10.71.0.1/24 B veth0 10.71.0.2/24
ip -n A addr add fd71::1/64 dev veth0 nodad
ip -n B addr add fd71::2/64 dev veth0 nodad
ip -n B addr add 172.16.71.1/24 dev lo

ifc() {	# NS ARGS...: ipsecif in namespace NS
	local ns=$1
	shift
	ip netns exec "$ns" "$IPSECIF" "$@"
}

# --- the seed's example -------------------------------------------------------
tap_check "A: ipsecif ipsec0 create reqid 100 tunnel 10.71.0.1 10.71.0.2" \
	ifc A ipsec0 create reqid 100 tunnel 10.71.0.1 10.71.0.2
tap_check "B: ipsecif ipsec0 create reqid 200 tunnel 10.71.0.2 10.71.0.1" \
	ifc B ipsec0 create reqid 200 tunnel 10.71.0.2 10.71.0.1
ifc A ipsec0 | sed 's/^/#   A: /'
tap_check "A: ipsecif shows reqid 100 and the tunnel" \
	sh -c "ip netns exec A '$IPSECIF' ipsec0 | grep -q 'reqid 100' &&
	       ip netns exec A '$IPSECIF' ipsec0 | grep -q 'tunnel inet 10.71.0.1 --> 10.71.0.2'"
tap_check "ip -d link shows kind ipsec" \
	sh -c "ip -n A -d link show ipsec0 | grep -qw ipsec"
ip -n A addr add 10.1.1.1 peer 10.1.1.2 dev ipsec0
ip -n B addr add 10.1.1.2 peer 10.1.1.1 dev ipsec0
ip -n A link set ipsec0 up
ip -n B link set ipsec0 up
ip -n A route add 172.16.71.0/24 dev ipsec0 src 10.1.1.1

sas() {	# NS REQID: the seed's two SAs, A -> B 10000, B -> A 10001
	ip netns exec "$1" "$SETKEY" -c <<EOF
add 10.71.0.1 10.71.0.2 esp 10000 -m tunnel -u $2 -E rijndael-cbc "VerySecureKey!!1";
add 10.71.0.2 10.71.0.1 esp 10001 -m tunnel -u $2 -E rijndael-cbc "VerySecureKey!!2";
EOF
}
tap_check "A: setkey -c with the seed's SAs (-u 100)" sas A 100
tap_check "B: setkey -c with the seed's SAs (-u 200)" sas B 200

spd() { ip netns exec "$1" "$SETKEY" -DP; }
spd A | sed 's/^/#   A: /'
tap_is "A: the SPD lists ipsec0's four policies (out/in, IPv4/IPv6)" \
	"$(spd A | grep -c 'esp/tunnel/10.71.0.[12]-10.71.0.[12]/unique:100')" 4
tap_is "A: out: esp/tunnel/10.71.0.1-10.71.0.2, in: the reverse" \
	"$(spd A | grep -c 'esp/tunnel/10.71.0.1-10.71.0.2/unique:100') $(spd A | grep -c 'esp/tunnel/10.71.0.2-10.71.0.1/unique:100')" "2 2"

TMPD=$(mktemp -d)
tap_on_exit "rm -rf $TMPD"
ip netns exec A timeout 60 tcpdump -l -n -t --immediate-mode -s 128 -Q out -i veth0 \
	>"$TMPD/wire" 2>"$TMPD/wire.err" &
CAP=$!
for _ in $(seq 50); do grep -q 'listening on' "$TMPD/wire.err" && break; sleep 0.1; done

pingA() { ip netns exec A ping -n -c 2 -i 0.2 -W 2 -w 6 "$@"; }
tap_check "A -> B through ipsec0: ping 10.1.1.2" pingA 10.1.1.2
tap_check "A -> B's subnet routed through ipsec0: ping 172.16.71.1" pingA -I 10.1.1.1 172.16.71.1
sleep 0.3
kill $CAP 2>/dev/null
wait $CAP 2>/dev/null
tap_check "the wire carried ESP SPI 10000 (0x2710), no cleartext ICMP" \
	sh -c "grep -q 'ESP(spi=0x00002710' '$TMPD/wire' && ! grep -q 'ICMP echo' '$TMPD/wire'"
ifc A ipsec0 | sed 's/^/#   A: /'
stat_of() {	# NS IF FIELD
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"
}
tap_check "A's ipsec0 counted 4 packets out and 4 in ($(stat_of A ipsec0 tx_packets)/$(stat_of A ipsec0 rx_packets))" \
	test "$(stat_of A ipsec0 tx_packets)" -ge 4 -a "$(stat_of A ipsec0 rx_packets)" -ge 4
# The stack may add a packet of its own between two reads: at least.
n=$(stat_of A ipsec0 tx_packets)
shown=$(ifc A ipsec0 | sed -n 's/.*TX packets \([0-9]*\) .*/\1/p')
tap_check "ipsecif shows the counters (TX packets $shown; sysfs said $n just before)" \
	test "${shown:-0}" -ge "$n" -a "$n" -ge 4

# --- a second interface beside it ---------------------------------------------------
tap_check "A: ipsec1, IPv6 endpoints, reqid 101" \
	ifc A ipsec1 create reqid 101 tunnel fd71::1 fd71::2
tap_check "B: ipsec1, IPv6 endpoints, reqid 201" \
	ifc B ipsec1 create reqid 201 tunnel fd71::2 fd71::1
for h in "A 1 2 101" "B 2 1 201"; do
	set -- $h
	# Up first: IPv6 adds a peer address's route only on a running link.
	ip -n $1 link set ipsec1 up
	ip -n $1 addr add 10.2.2.$2 peer 10.2.2.$3 dev ipsec1
	ip -n $1 addr add fd72::$2 peer fd72::$3 dev ipsec1 nodad
	ip netns exec $1 "$SETKEY" -c <<EOF
add fd71::1 fd71::2 esp 20000 -m tunnel -u $4 -E aes-gcm-16 0x$(printf '%02x' $(seq 1 20) | tr -d ' ');
add fd71::2 fd71::1 esp 20001 -m tunnel -u $4 -E aes-gcm-16 0x$(printf '%02x' $(seq 21 40) | tr -d ' ');
EOF
done
tx0=$(stat_of A ipsec0 tx_packets) rx0=$(stat_of A ipsec0 rx_packets)
tap_check "A -> B through ipsec1: IPv4 over IPv6, ping 10.2.2.2" pingA 10.2.2.2
tap_check "A -> B through ipsec1: IPv6 over IPv6, ping fd72::2" pingA -6 fd72::2
tap_check "ipsec1 counted its 4 packets each way" \
	test "$(stat_of A ipsec1 tx_packets)" -ge 4 -a "$(stat_of A ipsec1 rx_packets)" -ge 4
# (Not "unchanged": the stack may send a packet of its own into ipsec0
# meanwhile, an IPv6 MLD report say; seen once on the debug kernel.)
tap_check "ipsec0 counted none of them (tx $tx0 -> $(stat_of A ipsec0 tx_packets), rx $rx0 -> $(stat_of A ipsec0 rx_packets))" \
	test "$(stat_of A ipsec0 tx_packets)" -lt $((tx0 + 4)) -a \
	     "$(stat_of A ipsec0 rx_packets)" -lt $((rx0 + 4))
tap_check "ipsec0 still carries its own: ping 10.1.1.2" pingA 10.1.1.2

# --- the policies belong to the interfaces -------------------------------------------
tap_check "A: setkey -FP (SPDFLUSH)" ip netns exec A "$SETKEY" -FP
tap_is "A: the interfaces' 8 policies survive SPDFLUSH" \
	"$(spd A | grep -c 'unique:10[01]')" 8
ID=$(spd A | sed -n 's/.*id=\([0-9]*\).*/\1/p' | head -1)
tap_check_fails "A: SPDDELETE2 of an interface's policy (id $ID) is refused" \
	ip netns exec A python3 - "$ID" <<'EOF'
import socket, struct, sys
s = socket.socket(15, socket.SOCK_RAW, 2)
pid = 4242
pol = struct.pack("=HHHBBII", 2, 18, 2, 1, 0, int(sys.argv[1]), 0)
msg = struct.pack("=BBBBHHII", 2, 22, 0, 0, (16 + len(pol)) // 8, 0, 7, pid) + pol
s.send(msg)
while True:
    r = s.recv(4096)
    if r[1] == 22 and struct.unpack("=I", r[12:16])[0] == pid:
        err = r[2]
        print("SPDDELETE2 errno", err)
        sys.exit(0 if err == 0 else 1)
EOF
tap_check "and ping through ipsec0 still works" pingA 10.1.1.2

# --- errors -----------------------------------------------------------------------------
tap_check_fails "a reqid another interface has is refused" ifc A ipsec2 create reqid 100
tap_check_fails "a tunnel another interface has is refused" \
	ifc A ipsec2 create tunnel 10.71.0.1 10.71.0.2
tap_check_fails "reqid 16384 is refused" ifc A ipsec2 create reqid 16384
tap_check_fails "mixed families are refused" ifc A ipsec2 create tunnel 10.71.0.1 fd71::2
tap_check "nothing of ipsec2 was left behind" sh -c "! ip -n A link show ipsec2 2>/dev/null"
tap_check "ip link add ipsec2 type ipsec: a reqid is assigned" ip -n A link add ipsec2 type ipsec
tap_check "ipsecif shows it (reqid 1, no tunnel)" \
	sh -c "ip netns exec A '$IPSECIF' ipsec2 | grep -q 'reqid 1\$' &&
	       ip netns exec A '$IPSECIF' ipsec2 | grep -q 'tunnel none'"
tap_check "ip link del ipsec2" ip -n A link del ipsec2

# --- ACQUIRE, and a new reqid -------------------------------------------------------------
ip netns exec A python3 "$LISTEN" --count 50 --timeout 6 >"$TMPD/acq" 2>&1 &
LP=$!
for _ in $(seq 100); do grep -q REGISTERED "$TMPD/acq" && break; sleep 0.1; done
tap_check "A: ipsecif ipsec0 reqid 150" ifc A ipsec0 reqid 150
tap_is "A: ipsec0's policies now say unique:150 (4), none unique:100" \
	"$(spd A | grep -c 'unique:150') $(spd A | grep -c 'unique:100')" "4 0"
tap_check_fails "the SAs of reqid 100 no longer carry ipsec0's traffic" \
	ip netns exec A ping -n -c 1 -W 2 10.1.1.2
wait $LP
cat "$TMPD/acq" | sed 's/^/#   /'
tap_check "an ACQUIRE for 10.71.0.1 -> 10.71.0.2 naming an out policy of ipsec0" \
	grep -q 'ACQUIRE .*src=10.71.0.1 dst=10.71.0.2 policy_id=[0-9]* dir=2' "$TMPD/acq"
ip netns exec A "$SETKEY" -c <<EOF
delete 10.71.0.1 10.71.0.2 esp 10000;
delete 10.71.0.2 10.71.0.1 esp 10001;
EOF
tap_check "A: the SAs again with -u 150" sas A 150
tap_check "ping 10.1.1.2 through ipsec0 with the new reqid" pingA 10.1.1.2

# --- no tunnel, destroy -------------------------------------------------------------------
d0=$(stat_of A ipsec1 tx_dropped)
tap_check "A: ipsecif ipsec1 -tunnel" ifc A ipsec1 -tunnel
tap_is "ipsec1's policies are gone" "$(spd A | grep -c 'fd71::')" 0
tap_check_fails "ipsec1 without a tunnel carries nothing" ip netns exec A ping -n -c 1 -W 1 10.2.2.2
tap_check "and counts it as dropped" test "$(stat_of A ipsec1 tx_dropped)" -gt "$d0"
tap_check "A: ipsecif ipsec1 tunnel fd71::1 fd71::2 (endpoints again)" \
	ifc A ipsec1 tunnel fd71::1 fd71::2
tap_is "ipsec1's four policies are back, with new ids" "$(spd A | grep -c 'fd71::.-fd71::./unique:101')" 4
tap_check "ipsec1 carries traffic again: ping 10.2.2.2" pingA 10.2.2.2
tap_check "A: ipsecif ipsec0 destroy" ifc A ipsec0 destroy
tap_is "A: ipsec0's policies went with it, ipsec1's stay" \
	"$(spd A | grep -c 'unique:150') $(spd A | grep -c 'unique:101')" "0 4"
tap_check "A: ip link del ipsec1" ip -n A link del ipsec1
tap_is "A: no interface policy is left" "$(spd A | grep -c 'unique:')" 0
tap_check "B: namespace deleted with its interfaces" ip netns del B
tap_done
