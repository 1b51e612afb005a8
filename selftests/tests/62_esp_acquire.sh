#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 600
#
# Traffic and the key manager (issue 5): ACQUIRE and lifetimes under load.
#
#   - A require policy without SA: the first packet is dropped and one
#     SADB_ACQUIRE (with the policy id and a proposal) reaches a registered
#     socket; more packets while it is pending send no more; a larval SA
#     with the ACQUIRE's sequence is listed.  A small responder
#     (selftests/lib/pfkey_listen.py --on-acquire) then adds the SAs with
#     setkey, and traffic flows.
#   - Byte lifetimes counted by the packet path: an SA with -bs/-bh fires a
#     soft then a hard EXPIRE under a TCP transfer, and is gone after it.
#
#   a 10.72.0.1 / fd72::1  --veth--  b 10.72.0.2 / fd72::2
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_require ip python3 ping
[ -x "$SETKEY" ] || tap_skip_all "setkey not built ($SETKEY)"
grep -q '^nfipsec ' /proc/modules || tap_skip_all "nfipsec is not loaded"
grep -q '^acquire ' /proc/net/nfipsec/stats ||
	tap_skip_all "nfipsec sends no ACQUIRE for traffic yet (no 'acquire' in /proc/net/nfipsec/stats)"

LISTEN=$NFIPSEC_ROOT/selftests/lib/pfkey_listen.py
ns_create a b
ip link add va netns a type veth peer name vb netns b
ip -n a addr add 10.72.0.1/24 dev va
ip -n b addr add 10.72.0.2/24 dev vb
ip -n a link set va up
ip -n b link set vb up
ip -n a neigh replace 10.72.0.2 dev va lladdr "$(ip -n b -br link show vb | awk '{print $3}')" nud permanent
ip -n b neigh replace 10.72.0.1 dev vb lladdr "$(ip -n a -br link show va | awk '{print $3}')" nud permanent

# Larval SAs live 30 s by default: a slow (debug, loaded) guest must not
# see one expire between the ACQUIRE and the checks below.
ip netns exec a sysctl -qw net.key.larval_lifetime=300
OUT=$(mktemp -p /var/tmp)
tap_on_exit "rm -f $OUT"
registered() {	# wait until the listener writing $OUT has registered
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q '^REGISTERED' "$OUT" && return 0
		sleep 0.2
	done
	return 1
}
stat_of() {	# NS NAME
	# shellcheck disable=SC2016 # awk's own $1/$2
	ip netns exec "$1" awk -v k="$2" '$1 == k { print $2 }' /proc/net/nfipsec/stats
}
stat_reaches() {	# NS NAME VALUE: within 10 s (ACQUIREs leave from a work item)
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(stat_of "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.2
	done
	return 1
}
K=0x$(printf '%02x' $(seq 1 20) | tr -d ' ')
SAS="add 10.72.0.1 10.72.0.2 esp 0x7001 -m transport -E aes-gcm-16 $K;
add 10.72.0.2 10.72.0.1 esp 0x7002 -m transport -E aes-gcm-16 $K;"

# --- ACQUIRE -----------------------------------------------------------------
n b "$SETKEY" -c <<<"$SAS
spdadd 10.72.0.2 10.72.0.1 any -P out ipsec esp/transport//require;
spdadd 10.72.0.1 10.72.0.2 any -P in ipsec esp/transport//require;"
n a "$SETKEY" -c <<<"spdadd 10.72.0.1 10.72.0.2 any -P out ipsec esp/transport//require;
spdadd 10.72.0.2 10.72.0.1 any -P in ipsec esp/transport//require;"

# The responder answers the first ACQUIRE after a pause long enough for
# the pings below to hit the larval SA, as an IKE exchange would.
ip netns exec a python3 "$LISTEN" --count 1 --timeout 60 \
	--on-acquire "sleep 3; $SETKEY -c <<'EOF'
$SAS
EOF" >"$OUT" 2>&1 &
LPID=$!
registered
tap_diag "pinging a -> b with no SA: the first packets are dropped while the responder works"
n a ping -c 8 -i 0.5 -W 1 10.72.0.2 >/dev/null 2>&1
wait $LPID
tap_result $? "the responder got an ACQUIRE and answered it"
sed 's/^/#   /' "$OUT"
tap_check "the ACQUIRE names the addresses and the outbound policy" \
	grep -qE '^ACQUIRE seq=[1-9][0-9]* satype=esp src=10.72.0.1 dst=10.72.0.2 policy_id=[1-9][0-9]* dir=2 combs=[1-9]' "$OUT"
pid=$(ip netns exec a "$SETKEY" -DP | awk '/^10.72.0.1\[any\] 10.72.0.2\[any\]/ {o=1} o && /spid=/ {sub(/.*spid=/, ""); print $1; exit}')
tap_diag "outbound policy id per setkey -DP: $pid"
tap_check "the ACQUIRE carries the policy's id" grep -q "policy_id=$pid " "$OUT"
# strongSwan's kernel-pfkey reads events into 4096 bytes (PFKEY_BUFFER_SIZE)
# and drops longer messages: a longer ACQUIRE never starts a negotiation.
len=$(sed -n 's/^ACQUIRE .* len=\([0-9]*\).*/\1/p' "$OUT" | head -n 1)
tap_check "the ACQUIRE fits in 4096 bytes (charon's buffer): ${len:-?} bytes" test "${len:-99999}" -le 4096
tap_is "one ACQUIRE for 8 packets (acquire counter)" "$(stat_of a acquire)" 1
tap_check "ping a -> b crosses ESP once the SAs exist" n a ping -c 2 -W 2 10.72.0.2
tap_check "the packets went out as ESP (esp_out > 0)" test "$(stat_of a esp_out)" -gt 0
tap_check "ACQUIRE's larval SA was superseded by the ADD (none left)" \
	sh -c "! ip netns exec a '$SETKEY' -D | grep -q larval"

# --- no responder: the larval SA stays, no ACQUIRE storm ----------------------
n a "$SETKEY" -F
before=$(stat_of a acquire)
n a ping -c 5 -i 0.2 -W 1 10.72.0.2 >/dev/null 2>&1
stat_reaches a acquire $((before + 1))
sleep 1
tap_is "without SA again: 5 packets, 1 more ACQUIRE" "$(stat_of a acquire)" $((before + 1))
tap_check "the larval SA is listed (setkey -D shows it larval)" \
	sh -c "ip netns exec a '$SETKEY' -D | grep -q 'state=larval'"
tap_check "the packets were dropped and counted (out_no_sa)" test "$(stat_of a out_no_sa)" -ge 5

# --- byte lifetimes under traffic ---------------------------------------------
n a "$SETKEY" -F
n b "$SETKEY" -F
LT="-bs 60000 -bh 120000"
n a "$SETKEY" -c <<<"add 10.72.0.1 10.72.0.2 esp 0x7101 -m transport $LT -E aes-gcm-16 $K;
add 10.72.0.2 10.72.0.1 esp 0x7102 -m transport -E aes-gcm-16 $K;"
n b "$SETKEY" -c <<<"add 10.72.0.1 10.72.0.2 esp 0x7101 -m transport -E aes-gcm-16 $K;
add 10.72.0.2 10.72.0.1 esp 0x7102 -m transport -E aes-gcm-16 $K;"
ip netns exec a python3 "$LISTEN" --count 2 --timeout 60 >"$OUT" 2>&1 &
LPID=$!
registered
ip netns exec b python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.72.0.2", 5002)); s.listen(1); s.settimeout(30); c, _ = s.accept()
c.settimeout(5)   # the hard limit cuts the flow: no FIN will come
try:
    while c.recv(65536): pass
except OSError: pass' &
SRV=$!
sleep 0.5
ip netns exec a timeout 30 python3 -c '
import socket
s = socket.create_connection(("10.72.0.2", 5002), timeout=5)
s.settimeout(5)
try:
    for _ in range(64): s.sendall(bytes(4096))
except OSError: pass
s.close()' 2>/dev/null
wait $SRV 2>/dev/null
wait $LPID
tap_result $? "two EXPIREs arrived under traffic"
sed 's/^/#   /' "$OUT"
tap_check "the soft EXPIRE came first, after 60000 bytes" \
	sh -c "head -n 2 '$OUT' | sed -n 2p | grep -q '^EXPIRE soft satype=esp spi=0x7101'"
tap_check "then the hard EXPIRE, after 120000 bytes" grep -q '^EXPIRE hard satype=esp spi=0x7101' "$OUT"
sleep 1
tap_check "the hard-expired SA carries no more traffic" \
	sh -c "! ip netns exec a ping -c 1 -W 1 10.72.0.2 >/dev/null"
tap_done
