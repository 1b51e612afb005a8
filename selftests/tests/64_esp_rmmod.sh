#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: noload
# nfipsec: timeout 600
#
# rmmod while ESP traffic flows (issue 5): two namespaces with ESP in
# transport (IPv4, AES-GCM) and tunnel mode (IPv6, AES-CBC + HMAC-SHA256)
# under TCP and flood-ping load, then rmmod nfipsec in the middle of it.
# The unload must succeed and wait for what is in flight (packets whose
# crypto has not completed, ACQUIREs queued, transforms freed from a work
# item), and remove enc0 from both namespaces while the cleartext crosses
# it; the harness then checks the console for splats and, on the debug
# kernel, kmemleak.  Loaded again, the module carries traffic again.
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_require ip ping python3
[ -x "$SETKEY" ] || tap_skip_all "setkey not built ($SETKEY)"

# Under TCG only: when the last netfilter hook of a (family, hook) pair is
# unregistered, the kernel patches the nf_hooks_needed jump labels with
# int3 breakpoints (text_poke_bp) while the other vCPU is inside those
# very sites with this test's traffic, and QEMU's TCG has let that vCPU
# run the int3 after the patching was over: "Oops: int3" in
# ip_local_deliver, a panic (seen once in CI on 6.12).  Real CPUs handle
# this; the emulator does not always.  Empty nftables base chains on every
# hook nfipsec uses (and nf_defrag_ipv6's) keep those keys enabled, so
# rmmod patches nothing.  They accept everything.
# (Chain names avoid nft keywords: "fwd" and "out" are ones, and a table
# that does not parse holds nothing, which went unnoticed for a while.)
if command -v nft >/dev/null 2>&1; then
	tap_check "nft holds the netfilter hooks" nft -f - <<-'NFT'
	table inet nfipsec_t64 {
		chain hold_pre { type filter hook prerouting priority 0; }
		chain hold_in { type filter hook input priority 0; }
		chain hold_fwd { type filter hook forward priority 0; }
		chain hold_out { type filter hook output priority 0; }
		chain hold_post { type filter hook postrouting priority 0; }
	}
	NFT
	tap_on_exit "nft delete table inet nfipsec_t64"
else
	tap_diag "no nft: rmmod under load may trip TCG's jump-label patching race"
fi

insmod "$NFIPSEC_KO" || tap_bail "insmod"
grep -q '^esp_out ' /proc/net/nfipsec/stats ||
	tap_skip_all "nfipsec has no ESP packet path (no esp_out in /proc/net/nfipsec/stats)"

ns_create a b
ip link add va netns a type veth peer name vb netns b
ip -n a addr add 10.74.0.1/24 dev va
ip -n b addr add 10.74.0.2/24 dev vb
ip -n a addr add fd74::1/64 dev va nodad
ip -n b addr add fd74::2/64 dev vb nodad
ip -n a link set va up
ip -n b link set vb up
ip -n a link set lo up
ip -n b link set lo up
ip -n a addr add fd75:1::1/128 dev lo
ip -n b addr add fd75:2::1/128 dev lo
ip -n a route add fd75:2::1/128 via fd74::2 src fd75:1::1
ip -n b route add fd75:1::1/128 via fd74::1 src fd75:2::1

G=0x$(printf '%02x' $(seq 1 20) | tr -d ' ')
E=0x$(printf '%02x' $(seq 31 46) | tr -d ' ')
A=0x$(printf '%02x' $(seq 61 92) | tr -d ' ')
conf() {	# SELF PEER SELF6 PEER6 INNER-SELF INNER-PEER
	cat <<-EOF
	add 10.74.0.1 10.74.0.2 esp 0x7401 -m transport -E aes-gcm-16 $G;
	add 10.74.0.2 10.74.0.1 esp 0x7402 -m transport -E aes-gcm-16 $G;
	add fd74::1 fd74::2 esp 0x7403 -m tunnel -E aes-cbc $E -A hmac-sha256 $A;
	add fd74::2 fd74::1 esp 0x7404 -m tunnel -E aes-cbc $E -A hmac-sha256 $A;
	spdadd $1 $2 any -P out ipsec esp/transport//require;
	spdadd $2 $1 any -P in ipsec esp/transport//require;
	spdadd $5 $6 any -P out ipsec esp/tunnel/$3-$4/require;
	spdadd $6 $5 any -P in ipsec esp/tunnel/$4-$3/require;
	EOF
}
configure() {
	conf 10.74.0.1 10.74.0.2 fd74::1 fd74::2 fd75:1::1 fd75:2::1 | ip netns exec a "$SETKEY" -c &&
	conf 10.74.0.2 10.74.0.1 fd74::2 fd74::1 fd75:2::1 fd75:1::1 | ip netns exec b "$SETKEY" -c
}
tap_check "both sides configured" configure
tap_check "ESP works over IPv4 (transport)" n a ping -c 2 -W 2 10.74.0.2
tap_check "ESP works over IPv6 (tunnel)" n a ping -6 -c 2 -W 2 fd75:2::1

# Load: a TCP stream each way family, and flood pings, until the rmmod
# (at most 40 s; killed after it).
LOAD=$(mktemp -p /var/tmp)
tap_on_exit "rm -f $LOAD"
cat >"$LOAD" <<'EOF'
import socket, sys, threading, time
fam = socket.AF_INET if ":" not in sys.argv[2] else socket.AF_INET6
if sys.argv[1] == "server":
    s = socket.socket(fam); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[2], 5004)); s.listen(4); s.settimeout(30)
    def sink(c):
        c.settimeout(5)
        try:
            while c.recv(65536): pass
        except OSError: pass
    end = time.time() + 45
    while time.time() < end:
        try: c, _ = s.accept()
        except OSError: break
        threading.Thread(target=sink, args=(c,), daemon=True).start()
else:
    end = time.time() + 40
    while time.time() < end:
        try:
            c = socket.create_connection((sys.argv[2], 5004), timeout=3)
            c.settimeout(3)
            while time.time() < end: c.sendall(bytes(16384))
        except OSError:
            time.sleep(0.2)
EOF
PIDS=()
# The cleartext crosses enc0 in both (b's tunnel packets stay on it) when
# the module goes, with a capture open on a's; a has an ipsec interface
# with its policies (no SAs) that the unload must take away.
ip -n a link set enc0 up
ip -n b link set enc0 up
IPSECIF=$NFIPSEC_ROOT/tools/build/ipsecif/ipsecif
[ -x "$IPSECIF" ] && ip netns exec a "$IPSECIF" ipsec0 create reqid 300 tunnel 10.74.0.1 10.74.0.3 &&
	ip -n a link set ipsec0 up
if command -v tcpdump >/dev/null 2>&1; then
	ip netns exec a timeout 60 tcpdump -n -i enc0 -w /dev/null 2>/dev/null &
	PIDS+=($!)
fi
ip netns exec b python3 "$LOAD" server 10.74.0.2 &
PIDS+=($!)
ip netns exec b python3 "$LOAD" server fd75:2::1 &
PIDS+=($!)
sleep 2
ip netns exec a python3 "$LOAD" client 10.74.0.2 &
PIDS+=($!)
ip netns exec a python3 "$LOAD" client fd75:2::1 &
PIDS+=($!)
ip netns exec a timeout 40 ping -q -f 10.74.0.2 >/dev/null 2>&1 &
PIDS+=($!)
ip netns exec b timeout 40 ping -q -f -6 -I fd75:2::1 fd75:1::1 >/dev/null 2>&1 &
PIDS+=($!)
esp_out() { ip netns exec a sed -n 's/^esp_out //p' /proc/net/nfipsec/stats; }
# 6 s of load at least, and on until more than 100 packets went out
# through ESP (python starts slowly on the debug kernel under TCG), at
# most 30 s.
t0=$SECONDS
for ((i = 0; i < 60; i++)); do
	before=$(esp_out)
	[ "${before:-0}" -gt 100 ] && [ $((SECONDS - t0)) -ge 6 ] && break
	sleep 0.5
done
tap_diag "esp_out in a after $((SECONDS - t0)) s of load: $before"
tap_check "traffic was flowing through ESP" test "${before:-0}" -gt 100
tap_check "and through enc0 in a and b" test \
	"$(ip netns exec a cat /sys/class/net/enc0/statistics/rx_packets)" -gt 0 -a \
	"$(ip netns exec b cat /sys/class/net/enc0/statistics/rx_packets)" -gt 0
t0=$(date +%s)
tap_check "rmmod nfipsec while the traffic flows" rmmod nfipsec
tap_diag "rmmod took $(( $(date +%s) - t0 )) s"
tap_check "nfipsec is gone" sh -c "! grep -q '^nfipsec ' /proc/modules"
kill "${PIDS[@]}" 2>/dev/null
wait
tap_check "insmod again" insmod "$NFIPSEC_KO"
tap_check "a has enc0 again, down" \
	sh -c "ip -n a -o link show enc0 | grep -v 'state UP' | grep -q enc0"
tap_check "configured again" configure
tap_check "ESP works again" n a ping -c 2 -W 2 10.74.0.2
tap_check "ESP was used" test "$(esp_out)" -gt 0
n a "$SETKEY" -F
n b "$SETKEY" -F
rmmod nfipsec
tap_done
