#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 600
#
# What `make demo` shows, run in the QEMU guest by scripts/demo.sh through
# selftests/run.sh --script (the harness has built and loaded nfipsec.ko):
#
#   namespace "left"  192.0.2.1  2001:db8:1::1 --veth-- 192.0.2.2  2001:db8:1::2  namespace "right"
#
#   1. each side configured with the project's setkey from one file:
#      ESP SAs both ways (AES-GCM-16 over IPv4, ChaCha20-Poly1305 over
#      IPv6: AEADs that Linux's af_key cannot install) and policies that
#      require ESP for everything between the two hosts;
#   2. setkey -D and -DP: the SAD and SPD as nfipsec holds them;
#   3. traffic: ping and a TCP transfer cross the link, tcpdump shows what
#      is on the wire;
#   4. the module's counters in /proc/net/nfipsec/stats and the SA's own.
#
# Lines starting "# " are the demo's narration, "ok"/"not ok" its checks;
# any failed check makes `make demo` exit non-zero.
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_require ip python3 ping
[ -x "$SETKEY" ] || tap_bail "setkey not built ($SETKEY)"
grep -q '^nfipsec ' /proc/modules || tap_bail "nfipsec is not loaded"

say() { echo "# $*"; }

say "== 1. two hosts: namespaces left and right over a veth pair"
ns_create left
ns_create right
ip link add veth-l netns left type veth peer name veth-r netns right
ip -n left addr add 192.0.2.1/24 dev veth-l
ip -n left addr add 2001:db8:1::1/64 dev veth-l nodad
ip -n right addr add 192.0.2.2/24 dev veth-r
ip -n right addr add 2001:db8:1::2/64 dev veth-r nodad
ip -n left link set veth-l up
ip -n right link set veth-r up
n left ip -brief addr show dev veth-l
n right ip -brief addr show dev veth-r

CONF=$(mktemp -p /var/tmp)
CAP=$(mktemp -p /var/tmp)
tap_on_exit "rm -f $CONF $CAP"

# One key file for both sides, as an administrator would copy it; only the
# direction of the policies differs.
GCMKEY=0x$(printf '%02x' $(seq 1 20) | tr -d ' ')
CHAKEY=0x$(printf '%02x' $(seq 101 136) | tr -d ' ')
write_conf() {	# SELF PEER SELF6 PEER6
	cat >"$CONF" <<-EOF
	# nfipsec demo: host $1
	flush;
	spdflush;

	# IPv4: ESP with AES-GCM, 128-bit ICV (RFC 4106); one SA per direction.
	add 192.0.2.1 192.0.2.2 esp 0x1001 -m transport -E aes-gcm-16 $GCMKEY;
	add 192.0.2.2 192.0.2.1 esp 0x1002 -m transport -E aes-gcm-16 $GCMKEY;
	# IPv6: ESP with ChaCha20-Poly1305 (RFC 7634), a 1024-packet replay window.
	add 2001:db8:1::1 2001:db8:1::2 esp 0x2001 -m transport -r 1024 -E chacha20-poly1305 $CHAKEY;
	add 2001:db8:1::2 2001:db8:1::1 esp 0x2002 -m transport -r 1024 -E chacha20-poly1305 $CHAKEY;

	# Everything between the two hosts must be ESP-protected.
	spdadd $1 $2 any -P out ipsec esp/transport//require;
	spdadd $2 $1 any -P in ipsec esp/transport//require;
	spdadd $3 $4 any -P out ipsec esp/transport//require;
	spdadd $4 $3 any -P in ipsec esp/transport//require;
	EOF
}

say
say "== 2. configure both sides with the project's setkey"
write_conf 192.0.2.1 192.0.2.2 2001:db8:1::1 2001:db8:1::2
say "left's configuration file:"
sed 's/^/#     /' "$CONF"
tap_check "setkey -f on left" n left "$SETKEY" -f "$CONF"
write_conf 192.0.2.2 192.0.2.1 2001:db8:1::2 2001:db8:1::1
tap_check "setkey -f on right" n right "$SETKEY" -f "$CONF"

say
say "== 3. the SAD and the SPD as nfipsec holds them (left)"
n left "$SETKEY" -D
tap_is "left's SAD holds the 4 SAs" "$(ip netns exec left "$SETKEY" -D | grep -cE '^[0-9a-f:.]+ [0-9a-f:.]+ *$')" 4
n left "$SETKEY" -DP
tap_is "left's SPD holds 4 policies (+2 fwd twins of the in policies)" \
	"$(ip netns exec left "$SETKEY" -DP | grep -c 'ipsec$')" 6
say "The same SA as JSON (setkey --json), with nfipsec's per-SA counters:"
n left "$SETKEY" --json -c <<<"get 192.0.2.1 192.0.2.2 esp 0x1001;"
tap_is "the namespaces are separate: right's SAD has its own 4 SAs" \
	"$(ip netns exec right "$SETKEY" -D | grep -cE '^[0-9a-f:.]+ [0-9a-f:.]+ *$')" 4

say
say "== 4. traffic between the hosts"
have_tcpdump=0
if command -v tcpdump >/dev/null; then
	have_tcpdump=1
	ip netns exec right tcpdump -l -n -i veth-r -c 6 'icmp or icmp6 or esp' >"$CAP" 2>/dev/null &
	CAP_PID=$!
	sleep 1
fi
tap_check "ping over IPv4 crosses the link" n left ping -c 3 -i 0.2 -W 2 192.0.2.2
tap_check "ping over IPv6 crosses the link" n left ping -6 -c 3 -i 0.2 -W 2 2001:db8:1::2
if command -v python3 >/dev/null; then
	ip netns exec right python3 -c '
import hashlib, socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.2", 5001)); s.listen(1); c, _ = s.accept()
h = hashlib.sha256(); n = 0
while True:
    b = c.recv(65536)
    if not b: break
    h.update(b); n += len(b)
print(n, h.hexdigest())' >"$CONF" &
	SRV=$!
	sleep 1
	want=$(ip netns exec left python3 -c '
import hashlib, socket
data = bytes(range(256)) * 4096
s = socket.create_connection(("192.0.2.2", 5001)); s.sendall(data); s.close()
print(len(data), hashlib.sha256(data).hexdigest())')
	wait $SRV
	tap_is "a 1 MiB TCP transfer arrives intact" "$(cat "$CONF")" "$want"
fi
if [ $have_tcpdump = 1 ]; then
	sleep 1
	kill "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	say "What tcpdump saw on right's veth-r:"
	sed 's/^/#     /' "$CAP"
	if grep -q 'ESP(spi=' "$CAP"; then
		tap_ok "the wire carries ESP"
	else
		say "No ESP on the wire: the packets above crossed in clear."
		tap_fail "the wire carries ESP"
	fi
	if grep -qE ': ICMP echo request|: ICMP6, echo request' "$CAP"; then
		say "(The cleartext ICMP lines are the decrypted packets: nfipsec hands them"
		say "back to the stack on the device they came in on, as Linux XFRM does, so"
		say "tcpdump on that device sees both.)"
	fi
fi

say
say "== 5. what the module reports"
say "\$ cat /proc/net/nfipsec/stats   (namespace left, the counters that are not 0)"
ip netns exec left sh -c 'cat /proc/net/nfipsec/stats' | awk '$2 != 0' | sed 's/^/#     /'
say "The SA left -> right after the traffic (setkey -D: 'current' bytes and"
say "'allocated' packets are what the packet path counted):"
ip netns exec left "$SETKEY" -c <<<"get 192.0.2.1 192.0.2.2 esp 0x1001;" | sed 's/^/#     /'
bytes=$(ip netns exec left "$SETKEY" --json -c <<<"get 192.0.2.1 192.0.2.2 esp 0x1001;" |
	python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["counters"]["bytes"])' 2>/dev/null)
tap_check "the SA's byte counter rose with the traffic ($bytes bytes)" test "${bytes:-0}" -gt 1000000

say
say "== 6. clean up: setkey -F / -FP"
tap_check "setkey -F and -FP on left" n left "$SETKEY" -F
ip netns exec left "$SETKEY" -FP
tap_is "left's SAD is empty again" "$(ip netns exec left "$SETKEY" -D)" "No SAD entries."
tap_done
