#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 600
# nfipsec: kernels 6.1
#
# Per-socket policies on the wire (issue 4): what IKE daemons rely on.
# racoon and charon set "bypass" on their IKE sockets with
# setsockopt(IP_IPSEC_POLICY / IPV6_IPSEC_POLICY) so that IKE crosses the
# "any" policies they install.  Here a UDP socket of each kind sends from
# a to b, where "any" transport policies require ESP, and what b receives
# (in clear or decrypted) and what the counters say is checked:
#
#   out bypass, in bypass        arrives, in clear (no ESP used)
#   out bypass, no in policy     dropped by b as cleartext under require
#   no socket policy             ESP per the SPD, arrives
#   out discard                  never leaves (XFRM refuses it: EPERM)
#   out ipsec esp/transport      ESP even where the SPD has no policy
#   out entrust                  the SPD decides (ESP)
#
# On 6.1 only: the packet paths it drives are those of 60-62, which run
# on every kernel; this one is mostly python start-up under TCG (~200 s).
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_require ip python3
[ -x "$SETKEY" ] || tap_skip_all "setkey not built ($SETKEY)"
grep -q '^nfipsec ' /proc/modules || tap_skip_all "nfipsec is not loaded"
grep -q '^esp_out ' /proc/net/nfipsec/stats ||
	tap_skip_all "nfipsec has no ESP packet path yet (no esp_out in /proc/net/nfipsec/stats)"

ns_create a b
ip link add va netns a type veth peer name vb netns b
ip -n a addr add 10.73.0.1/24 dev va
ip -n b addr add 10.73.0.2/24 dev vb
ip -n a addr add fd73::1/64 dev va nodad
ip -n b addr add fd73::2/64 dev vb nodad
ip -n a link set va up
ip -n b link set vb up
ip -n a neigh replace 10.73.0.2 dev va lladdr "$(ip -n b -br link show vb | awk '{print $3}')" nud permanent
ip -n b neigh replace 10.73.0.1 dev vb lladdr "$(ip -n a -br link show va | awk '{print $3}')" nud permanent
ip -n a neigh replace fd73::2 dev va lladdr "$(ip -n b -br link show vb | awk '{print $3}')" nud permanent
ip -n b neigh replace fd73::1 dev vb lladdr "$(ip -n a -br link show va | awk '{print $3}')" nud permanent

K=0x$(printf '%02x' $(seq 1 20) | tr -d ' ')
conf() {	# SELF PEER SELF6 PEER6
	cat <<-EOF
	add 10.73.0.1 10.73.0.2 esp 0x7301 -m transport -E aes-gcm-16 $K;
	add 10.73.0.2 10.73.0.1 esp 0x7302 -m transport -E aes-gcm-16 $K;
	add fd73::1 fd73::2 esp 0x7303 -m transport -E aes-gcm-16 $K;
	add fd73::2 fd73::1 esp 0x7304 -m transport -E aes-gcm-16 $K;
	spdadd $1 $2 any -P out ipsec esp/transport//require;
	spdadd $2 $1 any -P in ipsec esp/transport//require;
	spdadd $3 $4 any -P out ipsec esp/transport//require;
	spdadd $4 $3 any -P in ipsec esp/transport//require;
	EOF
}
tap_check "setkey on a" sh -c "ip netns exec a '$SETKEY' -c <<'E'
$(conf 10.73.0.1 10.73.0.2 fd73::1 fd73::2)
E"
tap_check "setkey on b" sh -c "ip netns exec b '$SETKEY' -c <<'E'
$(conf 10.73.0.2 10.73.0.1 fd73::2 fd73::1)
E"

# One python per side: b receives (with or without an inbound bypass on
# its socket), a sends one datagram per call with the policy asked for.
PY=$(mktemp -p /var/tmp)
OUT=$(mktemp -p /var/tmp)
tap_on_exit "rm -f $PY $OUT $OUT.ready"
cat >"$PY" <<'EOF'
import socket, struct, sys
IP_IPSEC_POLICY, IPV6_IPSEC_POLICY = 16, 34
TYPES = {"discard": 0, "none": 1, "ipsec": 2, "entrust": 3, "bypass": 4}
def policy(kind, direction):
    body = b""
    if kind == "ipsec":	# esp/transport//require
        body = struct.pack("=HHBBHII", 16, 50, 1, 2, 0, 0, 0)
    return struct.pack("=HHHBBII", (16 + len(body)) // 8, 18, TYPES[kind],
                       direction, 0, 0, 0) + body
def setpol(s, fam, kind, direction):
    if kind != "-":
        lvl, opt = ((socket.IPPROTO_IP, IP_IPSEC_POLICY) if fam == socket.AF_INET
                    else (socket.IPPROTO_IPV6, IPV6_IPSEC_POLICY))
        s.setsockopt(lvl, opt, policy(kind, direction))
role, fam, addr, port, kind = sys.argv[1:6]
fam = socket.AF_INET if fam == "4" else socket.AF_INET6
s = socket.socket(fam, socket.SOCK_DGRAM)
if role == "recv":
    setpol(s, fam, kind, 1)		# IPSEC_DIR_INBOUND
    s.bind((addr, int(port))); s.settimeout(10)
    open(sys.argv[6], "w").close()	# bound: the sender may go
    try:
        print(s.recv(100).decode())
    except socket.timeout:
        print("nothing")
else:
    setpol(s, fam, kind, 2)		# IPSEC_DIR_OUTBOUND
    try:
        s.sendto(b"hello-" + kind.encode(), (addr, int(port)))
    except OSError as e:
        print("send:", e.strerror)
EOF
stat_of() {	# NS NAME
	# shellcheck disable=SC2016 # awk's own $1/$2
	ip netns exec "$1" awk -v k="$2" '$1 == k { print $2 }' /proc/net/nfipsec/stats
}
# case FAMILY SEND-KIND RECV-KIND: prints what b got, and the counters moved
case_() {
	local fam=$1 skind=$2 rkind=$3 dst=10.73.0.2 port=$((5000 + RANDOM % 1000)) i
	[ "$fam" = 6 ] && dst=fd73::2
	eo=$(stat_of a esp_out) ei=$(stat_of b esp_in) pv=$(stat_of b in_policy_violation)
	dd=$(stat_of a out_policy_discard)
	rm -f "$OUT.ready"
	ip netns exec b python3 "$PY" recv "$fam" "$dst" "$port" "$rkind" "$OUT.ready" >"$OUT" &
	for ((i = 0; i < 100; i++)); do
		[ -e "$OUT.ready" ] && break
		sleep 0.1
	done
	sent=$(ip netns exec a python3 "$PY" send "$fam" "$dst" "$port" "$skind")
	wait
	got=$(cat "$OUT")
	d_eo=$(( $(stat_of a esp_out) - eo )) d_ei=$(( $(stat_of b esp_in) - ei ))
	d_pv=$(( $(stat_of b in_policy_violation) - pv ))
	d_dd=$(( $(stat_of a out_policy_discard) - dd ))
	tap_diag "IPv$fam send=$skind recv=$rkind: a said '$sent', b got '$got'; esp_out+$d_eo esp_in+$d_ei in_policy_violation+$d_pv out_policy_discard+$d_dd"
}

for fam in 4 6; do
	case_ "$fam" bypass bypass
	tap_check "IPv$fam: bypass both ends: arrives in clear" \
		test "$got/$d_eo/$d_ei" = "hello-bypass/0/0"
	case_ "$fam" bypass -
	tap_check "IPv$fam: bypass out, no socket policy in b: dropped as cleartext" \
		test "$got/$d_pv" = "nothing/1"
	case_ "$fam" - -
	tap_check "IPv$fam: no socket policy: ESP per the SPD, arrives" \
		test "$got/$d_eo/$d_ei" = "hello--/1/1"
	case_ "$fam" entrust -
	tap_check "IPv$fam: entrust: the SPD decides (ESP)" \
		test "$got/$d_eo/$d_ei" = "hello-entrust/1/1"
	# XFRM itself blocks a discard socket policy (sockpolicy.c compiles it
	# to XFRM_POLICY_BLOCK) before the packet reaches nfipsec's hook:
	# sendto() fails with EPERM, or nfipsec drops it (out_policy_discard).
	case_ "$fam" discard bypass
	tap_check "IPv$fam: discard: never leaves" \
		test "$got/$d_eo" = "nothing/0" -a \( "$sent" = "send: Operation not permitted" -o "$d_dd" = 1 \)
done

# Without SPD policies on a, a socket's own ipsec policy still protects it.
n a "$SETKEY" -FP
case_ 4 - bypass
tap_check "no SPD policy on a: a plain socket sends in clear" test "$got/$d_eo" = "hello--/0"
case_ 4 ipsec -
tap_check "a socket's own 'ipsec esp/transport//require' sends ESP" \
	test "$got/$d_eo/$d_ei" = "hello-ipsec/1/1"
tap_done
