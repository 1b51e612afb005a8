#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 900
#
# Hostile input to nfipsec's inbound ESP path: every forged, damaged,
# replayed, truncated, misrouted or unprotected packet is dropped, counted
# under its reason in /proc/net/nfipsec/stats of the receiver, and nothing
# splats (the harness scans the console).
#
#   namespace "a"  veth0 10.71.0.1/24 fd71::1/64 ---- veth0 10.71.0.2/24 fd71::2/64  namespace "b"
#   permanent neighbour entries both ways: no ARP/ND crosses the policies.
#
# Both sides are configured with the project's setkey:
#   IPv4  aes-gcm-16, transport              a->b SPI 0x1001, b->a 0x1002
#   IPv6  aes-cbc + hmac-sha256, transport   a->b SPI 0x2001, b->a 0x2002
#   null/null (framing only: nothing protects the trailer, anyone can
#   forge a packet that decrypts), inbound SAs in b only, a->b:
#         transport 0x3001 (IPv4), 0x3003 (IPv6); tunnel 0x3011, 0x3013
# and "require" policies for icmp / icmp6 both ways; in b only, inbound
# UDP to port 5555 requires ESP in transport mode and UDP to 5557 ESP in
# tunnel mode (a->b); port 5556 has no policy: the control that b's UDP
# listener works.  a has no UDP policy, so its UDP goes out in clear.
#
# Why policies for specific protocols and not "any": the forged packets
# are sent by python from a, through raw ESP sockets (socket(AF_INET,
# SOCK_RAW, IPPROTO_ESP) / socket(AF_INET6, SOCK_RAW, 50): the kernel
# builds the IP header).  They go through a's POST_ROUTING hook like any
# packet, and a transport policy with upper-layer protocol "any" covers
# proto 50 too: nfipsec in a would wrap them in a second ESP layer.  With
# policies for icmp/icmp6 (and udp in b) nothing in a covers proto 50,
# so the crafted bytes reach b's wire as written.
#
# "Real" packets are captured in b with an AF_PACKET socket on veth0 (the
# tap sees the frame before netfilter, so it is the ESP on the wire) while
# a pings b; b accepts the original, so resending it unchanged is a replay,
# and a tampered copy gets a fresh sequence number (the sequence number is
# authenticated too, and the replay check comes before the ICV check: a
# tampered copy with the old number would count as a replay instead).
#
# One python process per namespace (esp.py serve, written below) crafts,
# sends, captures, listens and reads b's counters, driven through FIFOs:
# under TCG every process start costs ~0.3 s and python's ~1 s.
#
# Every hostile case is checked by two TAP points:
#   "<case>: <counter> +N"        the counter of the expected reason rose
#                                 by at least the number of packets sent,
#                                 and no other in_* drop counter moved
#   "<case>: nothing got through" esp_in (ESP accepted) and esp_out (b
#                                 answered through ESP) unchanged in b
# plus, where it applies, that b's UDP listener got nothing (and did get
# the control) or that ping failed.
#
# Cases, IPv4 then IPv6 (run_family):
#   1 unknown SPI: random, 0, b's outbound SA's, the other family's
#                                                   in_no_sa
#   2 valid SPI: random ciphertext (+1 packet with IPv4 options / an IPv6
#     destination options header); random ciphertext of ~3000 bytes,
#     fragmented on the way and reassembled in b; a real packet with one
#     bit flipped in the ciphertext / in the ICV / only its sequence
#     number changed                                in_auth_fail
#   3 the real packet resent unchanged, a packet with sequence number 0
#                                                   in_replay
#   4 truncated: 4 bytes after the IP header; SPI+seq and less than
#     IV+ICV; (IPv6/CBC) ciphertext not a multiple of the block size
#                                                   in_malformed
#   5 null/null transport SA: well-formed hand-made packets (UDP inside,
#     one with IP options / destination options) are the control,
#     accepted and delivered; then pad lengths beyond the payload (255,
#     one past the limit, 200)                      in_bad_padding
#   5b the same SA for UDP to 5557, whose policy wants tunnel mode (not
#     delivered)                                    in_policy_violation
#   5c null/null tunnel SA: UDP to 5557 in an inner header is the control;
#     inner packets that are not IP, cut short, longer than their carrier,
#     of the wrong IP version                       in_malformed
#   5d the tunnel SA carrying one UDP datagram as two inner fragments, one
#     per ESP packet: head last, head first; both must be delivered
#     (the decrypted mark must survive reassembly).
#   6 cleartext UDP to 5555 (listener gets nothing, the control port
#     does); ICMP with a's outbound policy deleted (ping fails), then ping
#     through ESP again once it is back            in_policy_violation
# Then:
#   7 flood: 2000 (IPv4) + 1000 (IPv6) random ESP packets with the valid
#     SPIs and fresh sequence numbers from a tight loop: in_auth_fail
#     rises by all of them, then ping works over IPv4 and IPv6
#   8 in_error stayed where it was in b for the whole test.
#
# Until nfipsec has an inbound ESP path (the line esp_in in
# /proc/net/nfipsec/stats) the whole test SKIPs.
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_require ip ping python3
[ -x "$SETKEY" ] || tap_skip_all "setkey not built ($SETKEY)"
grep -q '^nfipsec ' /proc/modules || tap_skip_all "nfipsec is not loaded"
grep -q '^esp_in ' /proc/net/nfipsec/stats 2>/dev/null ||
	tap_skip_all "nfipsec has no inbound ESP packet path (no esp_in in /proc/net/nfipsec/stats)"

tap_plan 71

A4=10.71.0.1 B4=10.71.0.2 A6=fd71::1 B6=fd71::2
PORT_REQ=5555 PORT_CTL=5556 PORT_TUN=5557
IN_DROPS="in_no_sa in_auth_fail in_replay in_bad_padding in_malformed in_policy_violation in_error"

ns_create a b
ns_veth a veth0 $A4/24 b veth0 $B4/24
ip -n a addr add $A6/64 dev veth0 nodad
ip -n b addr add $B6/64 dev veth0 nodad
mac() { ip -n "$1" link show veth0 | awk '/link\/ether/ { print $2 }'; }
A_MAC=$(mac a) B_MAC=$(mac b)
ip -n a neigh replace $B4 lladdr "$B_MAC" dev veth0 nud permanent
ip -n a neigh replace $B6 lladdr "$B_MAC" dev veth0 nud permanent
ip -n b neigh replace $A4 lladdr "$A_MAC" dev veth0 nud permanent
ip -n b neigh replace $A6 lladdr "$A_MAC" dev veth0 nud permanent

TMPD=$(mktemp -d -p /var/tmp)
tap_on_exit "rm -rf $TMPD"
PY=$TMPD/esp.py CONF=$TMPD/conf RX=$TMPD/rx

# --- the packet forge -----------------------------------------------------------
cat >"$PY" <<'EOF'
# Hand-made ESP for 61_esp_hostile.sh: "serve" runs one command a line from
# stdin (python starts slowly under TCG: once per namespace), prints what it
# did, then "@@done STATUS".
import os, random, select, socket, struct, sys, threading, time, traceback

ESP = 50


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def send(dst, pkts, quiet=False, ipopts=b""):
    s = socket.socket(family(dst), socket.SOCK_RAW, ESP)
    if family(dst) == socket.AF_INET:
        # larger than the MTU: fragmented here, reassembled in b
        s.setsockopt(socket.IPPROTO_IP, 10, 0)	# IP_MTU_DISCOVER, IP_PMTUDISC_DONT
        if ipopts:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, ipopts)
            print("with IPv4 options %s" % ipopts.hex())
    elif ipopts:
        s.setsockopt(socket.IPPROTO_IPV6, 59, ipopts)	# IPV6_DSTOPTS
        print("with an IPv6 destination options header %s" % ipopts.hex())
    for p in pkts:
        s.sendto(p, (dst, 0))
    s.close()
    if not quiet:
        for p in pkts[:6]:
            print("sent %d bytes to %s: %s%s" % (len(p), dst, p[:24].hex(),
                                                  "..." if len(p) > 24 else ""))


def esp(spi, seq, body):
    return struct.pack("!II", spi, seq) + body


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def udp(src, dst, sport, dport, data):
    n = 8 + len(data)
    fam = family(dst)
    if fam == socket.AF_INET:
        ph = socket.inet_pton(fam, src) + socket.inet_pton(fam, dst) + struct.pack("!BBH", 0, 17, n)
    else:
        ph = socket.inet_pton(fam, src) + socket.inet_pton(fam, dst) + struct.pack("!I3xB", n, 17)
    c = csum(ph + struct.pack("!HHHH", sport, dport, n, 0) + data) or 0xffff
    return struct.pack("!HHHH", sport, dport, n, c) + data


def cmd_raw(dst, *hexes):		# raw DST HEX...: ESP payloads as given
    send(dst, [bytes.fromhex(h) for h in hexes])


def cmd_random(dst, spi, seq, size, count="1", opts=""):	# random DST SPI SEQ BODYLEN [COUNT [IPOPTS]]
    send(dst, [esp(int(spi, 0), int(seq, 0) + i, os.urandom(int(size)))
               for i in range(int(count))], ipopts=bytes.fromhex(opts))


def cmd_tamper(dst, path, seq, flip):	# tamper DST FILE SEQ|- OFFSET|-
    p = bytearray(bytes.fromhex(open(path).read().strip()))
    if seq != "-":
        p[4:8] = struct.pack("!I", int(seq, 0))
        print("sequence number set to %d" % int(seq, 0))
    if flip != "-":
        p[int(flip)] ^= 0x01
        print("bit 0 of byte %d (of %d) flipped" % (int(flip) % len(p), len(p)))
    send(dst, [bytes(p)])


def cmd_null(dst, spi, seq, padlen, datalen):	# null DST SPI SEQ PADLEN DATALEN: bogus trailer
    body = bytes(range(1, int(datalen) + 1)) + bytes([int(padlen), 17])
    send(dst, [esp(int(spi, 0), int(seq, 0), body)])


def cmd_nulludp(src, dst, spi, seq, dport, text, opts=""):	# nulludp SRC DST SPI SEQ PORT TEXT [IPOPTS]: valid null/null
    payload = udp(src, dst, 40000, int(dport), text.encode())
    pad = -(len(payload) + 2) % 4
    body = payload + bytes(range(1, pad + 1)) + bytes([pad, 17])
    send(dst, [esp(int(spi, 0), int(seq, 0), body)], ipopts=bytes.fromhex(opts))


def iphdr(src, dst, proto, payload):	# an inner IPv4/IPv6 header + payload
    fam = family(dst)
    if fam == socket.AF_INET:
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0x6161, 0, 64, proto, 0,
                        socket.inet_pton(fam, src), socket.inet_pton(fam, dst))
        return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), proto, 64,
                       socket.inet_pton(fam, src), socket.inet_pton(fam, dst)) + payload


def nullesp(spi, seq, nexthdr, payload):	# null/null framing
    pad = -(len(payload) + 2) % 4
    return esp(spi, seq, payload + bytes(range(1, pad + 1)) + bytes([pad, nexthdr]))


def cmd_tunudp(src, dst, spi, seq, dport, text):	# tunudp SRC DST SPI SEQ PORT TEXT: valid null/null tunnel
    inner = iphdr(src, dst, 17, udp(src, dst, 40000, int(dport), text.encode()))
    ipip = 4 if family(dst) == socket.AF_INET else 41
    send(dst, [nullesp(int(spi, 0), int(seq, 0), ipip, inner)])


def cmd_tunbad(src, dst, spi, seq):	# tunbad SRC DST SPI SEQ: 4 bad inner packets, seq..seq+3
    spi, seq = int(spi, 0), int(seq, 0)
    v4 = family(dst) == socket.AF_INET
    ipip = 4 if v4 else 41
    good = iphdr(src, dst, 17, udp(src, dst, 40000, 9, b"bad inner"))
    lenoff = 2 if v4 else 4		# tot_len / payload_len
    biglen = bytearray(good)
    biglen[lenoff:lenoff + 2] = struct.pack("!H", len(good) + 100)
    badver = bytearray(good)
    badver[0] = (badver[0] & 0x0f) | (0x60 if v4 else 0x40)
    pkts = [nullesp(spi, seq, 17, good[20 if v4 else 40:]),	# not an IP packet at all
            nullesp(spi, seq + 1, ipip, good[:10]),		# inner header cut short
            nullesp(spi, seq + 2, ipip, bytes(biglen)),		# inner length beyond the packet
            nullesp(spi, seq + 3, ipip, bytes(badver))]		# wrong IP version
    print("next headers %s, inner packets of %s bytes" %
          ([p[-1] for p in pkts], [len(good) - (20 if v4 else 40), 10, len(good), len(good)]))
    send(dst, pkts)


def cmd_tunfrag(src, dst, spi, seq, dport, text, order):	# tunfrag SRC DST SPI SEQ PORT TEXT 12|21
    # A UDP datagram in two inner fragments, one per ESP packet (tunnel mode),
    # sent head first ("12") or head last ("21").
    spi, seq = int(spi, 0), int(seq, 0)
    fam = family(dst)
    dgram = udp(src, dst, 40000, int(dport), ("x" * 60 + " " + text).encode())
    if fam == socket.AF_INET:
        def frag(off, mf, data):
            h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(data), 0x7100 + seq,
                            (off // 8) | (0x2000 if mf else 0), 64, 17, 0,
                            socket.inet_pton(fam, src), socket.inet_pton(fam, dst))
            return h[:10] + struct.pack("!H", csum(h)) + h[12:] + data
        ipip = 4
    else:
        def frag(off, mf, data):
            fh = struct.pack("!BBHI", 17, 0, off | (1 if mf else 0), 0x71710000 + seq)
            return struct.pack("!IHBB16s16s", 0x60000000, len(fh + data), 44, 64,
                               socket.inet_pton(fam, src), socket.inet_pton(fam, dst)) + fh + data
        ipip = 41
    f = {"1": frag(0, True, dgram[:32]), "2": frag(32, False, dgram[32:])}
    print("fragments in the order %s" % " ".join(order))
    send(dst, [nullesp(spi, seq + i, ipip, f[c]) for i, c in enumerate(order)])


def cmd_flood(dst, spi, count, align, minlen):	# flood DST SPI COUNT ALIGN MINLEN
    spi, count, align, minlen = int(spi, 0), int(count), int(align), int(minlen)
    rnd = random.Random(61)
    pkts = []
    for _ in range(count):
        n = minlen + align * rnd.randrange(0, 1400 // align - minlen // align)
        pkts.append(esp(spi, rnd.randrange(1 << 20, 1 << 32), os.urandom(n)))
    t = time.time()
    send(dst, pkts, quiet=True)
    print("flooded %s with %d packets (%d bytes) in %.2f s" %
          (dst, count, sum(len(p) for p in pkts), time.time() - t))


def cmd_udp(dst, port, text):		# udp DST PORT TEXT: plain UDP
    s = socket.socket(family(dst), socket.SOCK_DGRAM)
    s.sendto(text.encode(), (dst, int(port)))
    print("sent UDP '%s' to %s port %s" % (text, dst, port))


def cmd_listen(out, *ports):		# listen FILE PORT...: dual-stack UDP, one line per datagram
    socks = []
    for p in ports:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::", int(p)))
        socks.append(s)

    def loop():
        with open(out, "a") as f:
            while True:
                for s in select.select(socks, [], [])[0]:
                    data, addr = s.recvfrom(2048)
                    f.write("%d %s %s\n" % (s.getsockname()[1], addr[0],
                                            data.decode(errors="replace")))
                    f.flush()
    threading.Thread(target=loop, daemon=True).start()
    print("listening on UDP ports " + " ".join(ports))


def cmd_capture(ifname, spi, out, timeout):	# capture IF SPI FILE SECONDS ("@@ready" once bound)
    spi = int(spi, 0)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((ifname, 0))
    print("@@ready")
    end = time.time() + float(timeout)
    while time.time() < end:
        if not select.select([s], [], [], max(0, end - time.time()))[0]:
            break
        frame, addr = s.recvfrom(65535)
        if addr[2] == socket.PACKET_OUTGOING or len(frame) < 14:
            continue
        etype, l3 = struct.unpack("!H", frame[12:14])[0], frame[14:]
        if etype == 0x0800 and len(l3) >= 20 and l3[9] == ESP:
            p = l3[(l3[0] & 15) * 4:struct.unpack("!H", l3[2:4])[0]]
        elif etype == 0x86dd and len(l3) >= 40 and l3[6] == ESP:
            p = l3[40:40 + struct.unpack("!H", l3[4:6])[0]]
        else:
            continue
        if len(p) >= 8 and struct.unpack("!I", p[:4])[0] == spi:
            open(out, "w").write(p.hex() + "\n")
            print("captured ESP spi 0x%x seq %d, %d bytes" %
                  (spi, struct.unpack("!I", p[4:8])[0], len(p)))
            return 0
    print("no ESP packet with spi 0x%x within %s s" % (spi, timeout))
    return 1


def cmd_stats():			# stats: this namespace's nfipsec counters
    for line in open("/proc/net/nfipsec/stats"):
        if not line.startswith("pfkey_"):
            print(line, end="")


def cmd_serve():
    while True:
        line = sys.stdin.readline()
        if not line:
            return 0
        argv = line.split()
        try:
            rc = globals()["cmd_" + argv[0]](*argv[1:]) or 0
        except Exception:
            traceback.print_exc(file=sys.stdout)
            rc = 1
        print("@@done %d" % rc)


sys.exit(globals()["cmd_" + sys.argv[1]](*sys.argv[2:]))
EOF

# --- configuration ----------------------------------------------------------------
# Fixed keys, different per SA (every process costs ~0.3 s under TCG: this
# script runs as few as it can).
key() {	# VAR BYTES FIRST-BYTE
	local -n _k=$1
	local i
	_k=0x
	for ((i = 0; i < $2; i++)); do
		printf -v _k '%s%02x' "$_k" $((($3 + i * 7) & 255))
	done
}
key K_GCM_AB 20 1; key K_GCM_BA 20 2; key K_CBC_AB 16 3; key K_CBC_BA 16 4
key K_HMAC_AB 32 5; key K_HMAC_BA 32 6

write_conf() {	# SELF4 PEER4 SELF6 PEER6: the ICMP policies of one side
	cat <<-EOF
	flush;
	spdflush;
	add $A4 $B4 esp 0x1001 -m transport -r 64 -E aes-gcm-16 $K_GCM_AB;
	add $B4 $A4 esp 0x1002 -m transport -r 64 -E aes-gcm-16 $K_GCM_BA;
	add $A6 $B6 esp 0x2001 -m transport -r 64 -E aes-cbc $K_CBC_AB -A hmac-sha256 $K_HMAC_AB;
	add $B6 $A6 esp 0x2002 -m transport -r 64 -E aes-cbc $K_CBC_BA -A hmac-sha256 $K_HMAC_BA;
	spdadd $1 $2 icmp -P out ipsec esp/transport//require;
	spdadd $2 $1 icmp -P in ipsec esp/transport//require;
	spdadd $3 $4 icmp6 -P out ipsec esp/transport//require;
	spdadd $4 $3 icmp6 -P in ipsec esp/transport//require;
	EOF
}
write_conf $A4 $B4 $A6 $B6 >"$CONF"
tap_check "setkey -f in a (ESP SAs, icmp/icmp6 require policies)" n a "$SETKEY" -f "$CONF"
{
	write_conf $B4 $A4 $B6 $A6
	cat <<-EOF
	add $A4 $B4 esp 0x3001 -m transport -r 64 -E null;
	add $A6 $B6 esp 0x3003 -m transport -r 64 -E null;
	add $A4 $B4 esp 0x3011 -m tunnel -r 64 -E null;
	add $A6 $B6 esp 0x3013 -m tunnel -r 64 -E null;
	spdadd $A4 ${B4}[$PORT_REQ] udp -P in ipsec esp/transport//require;
	spdadd $A6 ${B6}[$PORT_REQ] udp -P in ipsec esp/transport//require;
	spdadd $A4 ${B4}[$PORT_TUN] udp -P in ipsec esp/tunnel/$A4-$B4/require;
	spdadd $A6 ${B6}[$PORT_TUN] udp -P in ipsec esp/tunnel/$A6-$B6/require;
	EOF
} >"$CONF"
tap_check "setkey -f in b (+ null/null SAs, udp $PORT_REQ/$PORT_TUN policies)" n b "$SETKEY" -f "$CONF"

# One python forge per namespace, commands in and answers out through
# FIFOs: a sends the packets, b captures them and listens on UDP.
declare -A PY_IN=() PY_OUT=()
declare -A PY_PID=()
start_py() {	# NS
	local ns=$1 fd
	mkfifo "$TMPD/$ns.in" "$TMPD/$ns.out"
	ip netns exec "$ns" python3 -u "$PY" serve <"$TMPD/$ns.in" >"$TMPD/$ns.out" 2>&1 &
	PY_PID[$ns]=$!
	exec {fd}>"$TMPD/$ns.in"
	PY_IN[$ns]=$fd
	exec {fd}<"$TMPD/$ns.out"
	PY_OUT[$ns]=$fd
}
py_send() {	# NS CMD ARGS...
	local ns=$1
	shift
	tap_diag "+ [$ns] esp.py $*"
	echo "$*" >&"${PY_IN[$ns]}"
}
# The answer, as diagnostics, up to "@@done STATUS" (returned) or UNTIL.
py_wait() {	# NS [UNTIL]
	local ns=$1 until=${2:-} l
	while IFS= read -r -t 60 -u "${PY_OUT[$ns]}" l; do
		case $l in
		"@@done "*) return "${l#@@done }" ;;
		"$until") [ -n "$until" ] && return 0 ;;
		esac
		echo "#   $l"
	done
	tap_diag "the python forge in $ns did not answer"
	return 1
}
forge() { py_send a "$@"; py_wait a; }
# At exit: end of input stops a forge (else ns_delete kills it, noisily).
stop_py() {
	local ns fd i
	for ns in "${!PY_IN[@]}"; do
		fd=${PY_IN[$ns]}
		exec {fd}>&-
	done
	for ns in "${!PY_PID[@]}"; do
		for ((i = 0; i < 20; i++)); do
			kill -0 "${PY_PID[$ns]}" 2>/dev/null || break
			nap 0.1
		done
	done
}
tap_on_exit stop_py
# sleep without a process: a read that times out on a FIFO nobody writes
mkfifo "$TMPD/nap"
exec {NAP_FD}<>"$TMPD/nap"
nap() { read -r -t "$1" -u "$NAP_FD" _ || :; }
start_py a
start_py b
py_send b listen "$RX" $PORT_REQ $PORT_CTL $PORT_TUN
py_wait b || tap_bail "no UDP listener in b"

tap_check "sanity: ping a -> b over IPv4 (ESP aes-gcm-16)" n a ping -c 2 -i 0.2 -W 2 $B4
tap_check "sanity: ping a -> b over IPv6 (ESP aes-cbc+hmac-sha256)" n a ping -6 -c 2 -i 0.2 -W 2 $B6

# --- counters ---------------------------------------------------------------------
declare -A BASE=() NOW=()
read_stats() {	# ARRAY-NAME: b's counters, read by b's forge
	local -n _a=$1
	local k v
	_a=()
	echo stats >&"${PY_IN[b]}"
	while read -r -t 60 -u "${PY_OUT[b]}" k v; do
		[ "$k" = @@done ] && return "$v"
		_a["$k"]=$v
	done
	tap_bail "cannot read b's counters"
}
D=0
delta() { D=$(( ${NOW[$1]:-0} - ${BASE[$1]:-0} )); }	# NAME: sets D
mark() { read_stats BASE; }
read_stats NOW
ERR0=${NOW[in_error]}

# After the packets of a case were sent (mark before): two TAP points.
expect_drop() {	# DESC COUNTER N
	local desc=$1 want=$2 n=$3 c i moved='' others='' got ein eout
	for ((i = 0; i < 30; i++)); do	# crypto may complete asynchronously
		read_stats NOW
		delta "$want"
		[ "$D" -ge "$n" ] && break
		nap 0.1
	done
	got=$D
	for c in $IN_DROPS; do
		delta "$c"
		[ "$D" = 0 ] && continue
		moved+=" $c+$D"
		[ "$c" = "$want" ] || others+=" $c+$D"
	done
	if [ "$got" -ge "$n" ] && [ -z "$others" ]; then
		tap_ok "$desc: $want +$n"
	else
		tap_fail "$desc: $want +$n"
	fi
	tap_diag "drop counters that moved in b:${moved:- none}"
	delta esp_in
	ein=$D
	delta esp_out
	eout=$D
	if [ "$ein" = 0 ] && [ "$eout" = 0 ]; then
		tap_ok "$desc: nothing got through"
	else
		tap_fail "$desc: nothing got through"
		tap_diag "in b: esp_in +$ein, esp_out +$eout (want +0 both)"
	fi
}

# Capture one real ESP packet of SPI in b while a pings b; b accepts it.
capture() {	# SPI FILE PING-ARGS...
	local spi=$1 file=$2
	shift 2
	py_send b capture veth0 "$spi" "$file" 10
	py_wait b @@ready || return 1
	n a ping -c 1 -W 2 "$@"
	py_wait b && [ -s "$file" ]
}

rx_has() {	# TEXT: the listener in b got it
	local rx
	rx=$'\n'$(<"$RX")$'\n'
	[[ $rx == *" $1"$'\n'* ]]
}
rx_wait() {	# TEXT: up to 2 s
	local i
	for ((i = 0; i < 20; i++)); do
		rx_has "$1" && return 0
		nap 0.1
	done
	return 1
}

# --- the cases, per address family ------------------------------------------------
# v4: aes-gcm-16, IV 8, ICV 16, block 4.  v6: aes-cbc+hmac-sha256, IV 16,
# ICV 16, block 16.  Random bodies are sized so that only the ICV can
# fail (length = IV + k*block + ICV).
run_family() {	# 4|6
	local v=$1 order which desc moved c dst src spi rspi ospi nspi tspi ping pol body big short mis opts optname cap real_seq fresh
	if [ "$v" = 4 ]; then
		dst=$B4 src=$A4 spi=0x1001 rspi=0x1002 ospi=0x2001 nspi=0x3001 tspi=0x3011
		ping=(-4 "$B4") pol=icmp body=64 big=2984 short=8 mis=''
		opts=01010100 optname="IP options"	# NOP NOP NOP EOL
	else
		dst=$B6 src=$A6 spi=0x2001 rspi=0x2002 ospi=0x1001 nspi=0x3003 tspi=0x3013
		ping=(-6 "$B6") pol=icmp6 body=80 big=3008 short=20 mis=49
		opts=0000010400000000 optname="a destination options header"	# PadN
	fi
	cap=$TMPD/real$v

	tap_diag "=== IPv$v ==="
	# 1. unknown SPI; SPI 0 (reserved); the SPI of b's outbound SA (b has
	# it, for destination a); the SPI of the other family's inbound SA.
	mark
	forge random "$dst" 0x7161dead 1 $body
	forge random "$dst" 0 1 $body
	forge random "$dst" $rspi 1 $body
	forge random "$dst" $ospi 1 $body
	expect_drop "IPv$v unknown SPI: random, 0, other direction's, other family's (4 packets)" in_no_sa 4

	# A real packet (an ICMP echo request a -> b), accepted by b.
	if capture $spi "$cap" "${ping[@]}"; then
		tap_ok "IPv$v: captured a real ESP packet (spi $spi) in b"
	else
		tap_fail "IPv$v: captured a real ESP packet (spi $spi) in b"
		tap_bail "no real ESP packet to tamper with"
	fi
	real_seq=$(<"$cap")
	real_seq=$((16#${real_seq:8:8}))
	fresh=$((real_seq + 1000))

	# 2. valid SPI, bad ICV
	mark
	forge random "$dst" $spi $fresh $body 3
	forge random "$dst" $spi $fresh $body 1 $opts
	expect_drop "IPv$v valid SPI, random ciphertext (3 packets + 1 with $optname)" in_auth_fail 4
	mark
	forge random "$dst" $spi $fresh $big 2
	expect_drop "IPv$v valid SPI, random ciphertext of $big bytes, fragmented on the way (2 packets)" in_auth_fail 2
	mark
	forge tamper "$dst" "$cap" $fresh 30	# a ciphertext bit
	forge tamper "$dst" "$cap" $fresh -1	# an ICV bit
	forge tamper "$dst" "$cap" $fresh -	# only the sequence number
	expect_drop "IPv$v real packet tampered: ciphertext bit, ICV bit, seq (3 packets)" in_auth_fail 3

	# 3. replay
	mark
	forge tamper "$dst" "$cap" - -
	forge tamper "$dst" "$cap" - -
	forge random "$dst" $spi 0 $body	# sequence number 0 is never sent
	expect_drop "IPv$v real packet replayed unchanged (2 packets, seq $real_seq) + 1 with seq 0" in_replay 3

	# 4. truncated / misaligned
	mark
	forge raw "$dst" "$(printf %08x $spi)"
	forge random "$dst" $spi $fresh $short
	if [ -n "$mis" ]; then
		forge random "$dst" $spi $fresh $mis
		expect_drop "IPv$v truncated: SPI only, SPI+seq+$short bytes; CBC body of $mis bytes (3 packets)" in_malformed 3
	else
		expect_drop "IPv$v truncated: SPI only, SPI+seq+$short bytes (2 packets)" in_malformed 2
	fi

	# 5. bad padding on the null/null SA (no ICV protects the pad length)
	# The controls: well-formed hand-made packets, one plain, one with
	# $optname before ESP (the trailer code moves those headers).
	mark
	forge nulludp "$src" "$dst" $nspi 1 $PORT_REQ "null$v-ok"
	forge nulludp "$src" "$dst" $nspi 2 $PORT_REQ "null$v-opts" $opts
	rx_wait "null$v-ok"
	rx_wait "null$v-opts"
	read_stats NOW
	delta esp_in
	if [ "$D" = 2 ] && rx_has "null$v-ok" && rx_has "null$v-opts"; then
		tap_ok "IPv$v null/null control: well-formed hand-made packets (one with $optname) are accepted and delivered"
	else
		tap_fail "IPv$v null/null control: well-formed hand-made packets (one with $optname) are accepted and delivered"
		tap_diag "esp_in +$D (want +2), listener got: $(<"$RX")"
	fi
	mark
	forge null "$dst" $nspi 3 255 2	# body 4 bytes, pad length 255
	forge null "$dst" $nspi 4 7 6	# body 8 bytes, pad length 7: 7 + 2 > 8
	forge null "$dst" $nspi 5 200 10
	expect_drop "IPv$v null/null SA, pad length beyond the payload (3 packets)" in_bad_padding 3

	# 5b. a valid SA used for traffic whose policy asks for another: b's
	# policy for UDP to $PORT_TUN wants ESP in tunnel mode, the packet
	# comes through the transport-mode null/null SA.
	mark
	forge nulludp "$src" "$dst" $nspi 6 $PORT_TUN "tun$v-mismatch"
	expect_drop "IPv$v UDP to port $PORT_TUN through a transport SA (policy: tunnel)" in_policy_violation 1
	if rx_has "tun$v-mismatch"; then
		tap_fail "IPv$v UDP to port $PORT_TUN through a transport SA: not delivered"
	else
		tap_ok "IPv$v UDP to port $PORT_TUN through a transport SA: not delivered"
	fi

	# 5c. the tunnel-mode null/null SA: the same UDP inside an inner IP
	# header is what that policy wants (the control); then inner packets
	# that are not IP, cut short, longer than what carries them, or of
	# the wrong IP version.
	mark
	forge tunudp "$src" "$dst" $tspi 1 $PORT_TUN "tun$v-ok"
	rx_wait "tun$v-ok"
	read_stats NOW
	delta esp_in
	if [ "$D" = 1 ] && rx_has "tun$v-ok"; then
		tap_ok "IPv$v null/null tunnel control: UDP to port $PORT_TUN in an inner header is accepted and delivered"
	else
		tap_fail "IPv$v null/null tunnel control: UDP to port $PORT_TUN in an inner header is accepted and delivered"
		tap_diag "esp_in +$D (want +1), listener got: $(<"$RX")"
	fi
	mark
	forge tunbad "$src" "$dst" $tspi 2
	expect_drop "IPv$v null/null tunnel SA, bad inner packets (4 packets)" in_malformed 4

	# 5d. inner fragments (Linux's XFRM fragments an inner packet too big
	# for the tunnel before it encrypts the pieces):
	# a UDP datagram to $PORT_TUN in two fragments, one per ESP packet,
	# head last, then head first.  Both must be reassembled and delivered.
	# Reassembly (inet_frag_reasm_prepare) morphs the fragment that
	# arrives last into the head, copying the head's cb: the decrypted
	# mark (pkt_flow.c) must not depend on which skb carries it.  It once
	# did (a hash of the skb's address), and head first was dropped as
	# cleartext under "require".
	for order in 21 12; do
		mark
		forge tunfrag "$src" "$dst" $tspi $((order == 21 ? 6 : 8)) $PORT_TUN "frag$v-$order" $order
		rx_wait "frag$v-$order"
		read_stats NOW
		which=last
		[ "$order" = 12 ] && which=first
		desc="IPv$v tunnel, inner UDP in 2 fragments, head $which: reassembled and delivered"
		if rx_has "frag$v-$order"; then
			tap_ok "$desc"
		else
			tap_fail "$desc"
		fi
		moved=''
		for c in $IN_DROPS; do
			delta "$c"
			[ "$D" = 0 ] || moved+=" $c+$D"
		done
		delta esp_in
		tap_diag "esp_in +$D, drop counters that moved in b:${moved:- none}"
	done

	# 6. cleartext where b requires ESP
	mark
	forge udp "$dst" $PORT_REQ "clear$v-req"
	forge udp "$dst" $PORT_CTL "clear$v-ctl"
	rx_wait "clear$v-ctl"
	expect_drop "IPv$v cleartext UDP to port $PORT_REQ (require in b)" in_policy_violation 1
	if rx_has "clear$v-ctl" && ! rx_has "clear$v-req"; then
		tap_ok "IPv$v cleartext UDP: the listener got the control (port $PORT_CTL), not port $PORT_REQ"
	else
		tap_fail "IPv$v cleartext UDP: the listener got the control (port $PORT_CTL), not port $PORT_REQ"
		tap_diag "listener in b got: $(<"$RX")"
	fi
	n a "$SETKEY" -c <<<"spddelete $src $dst $pol -P out;"
	mark
	tap_check_fails "IPv$v ping in clear (a's outbound policy deleted) gets no answer" \
		n a ping -c 1 -W 1 "${ping[@]}"
	expect_drop "IPv$v cleartext ICMP echo request" in_policy_violation 1
	n a "$SETKEY" -c <<<"spdadd $src $dst $pol -P out ipsec esp/transport//require;"
	tap_check "IPv$v ping through ESP again once a's policy is back" n a ping -c 1 -W 2 "${ping[@]}"
}

run_family 4
run_family 6

# --- 7. flood ---------------------------------------------------------------------
tap_diag "=== flood ==="
mark
forge flood $B4 0x1001 2000 4 28	# GCM: IV 8 + 4k + ICV 16
forge flood $B6 0x2001 1000 16 48	# CBC: IV 16 + 16k + ICV 16
expect_drop "flood: 2000 IPv4 + 1000 IPv6 random packets with the valid SPIs" in_auth_fail 3000
tap_check "after the flood: ping a -> b over IPv4" n a ping -c 2 -i 0.2 -W 2 $B4
tap_check "after the flood: ping a -> b over IPv6" n a ping -6 -c 2 -i 0.2 -W 2 $B6

read_stats NOW
tap_is "in_error in b stayed where it was (memory/crypto errors)" "${NOW[in_error]}" "$ERR0"
tap_diag "b's counters at the end (non-zero):"
nq b cat /proc/net/nfipsec/stats | awk '$2 != 0 && $1 !~ /^(pfkey|reject|msg)/ { print "#     " $0 }'
tap_diag "time: $SECONDS s"
tap_done
