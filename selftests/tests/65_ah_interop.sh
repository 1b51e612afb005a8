#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 1200
#
# AH (RFC 4302) interoperability with Linux's own XFRM stack: every
# integrity algorithm, transport and tunnel mode, IPv4 and IPv6 (and
# tunnels of one family in the other), ESP+AH bundles, traffic both ways,
# with the IP header fields AH must leave out of its ICV (TOS/traffic
# class, flow label, the Record Route option) set to non-zero values.
#
#   host "nf" (under test: configured only with the project's setkey)
#     veth0 10.65.0.1/24 fd65::1/64     lo 10.65.1.1/32 fd65:1::1/128 (tunnel inner)
#   host "xf" (Linux XFRM: configured only with ip xfrm state/policy)
#     veth0 10.65.0.2/24 fd65::2/64     lo 10.65.2.1/32 fd65:2::1/128 (tunnel inner)
#   permanent neighbour entries both ways, so no ARP/ND crosses the policies;
#   routes to the peer's inner address via its veth address, src = own inner
#   address, so tunnel-mode traffic is inner to inner.
#
# Each case (one algorithm in one mode/family, or one bundle) flushes both
# sides, installs one SA per direction and protocol (SPIs and keys
# different per direction and per case) and "require" policies both ways,
# then checks, one TAP point each:
#   1 both sides configured (setkey -c in nf; ip -batch of ip xfrm in xf)
#   2 ping nf -> xf                 3 ping xf -> nf
#   4 ping -Q 0xb8 nf -> xf         5 ping -Q 0xb8 xf -> nf
#     (DSCP EF in the IPv4 TOS / IPv6 traffic class: mutable, not in the ICV)
#   6 nf -> xf, 7 xf -> nf: a ping with an IPv4 Record Route option
#     (ping -R; an option routers and the receiver rewrite: AH zeroes it
#     for the ICV; the receiving stack itself writes its address into it
#     before any hook or XFRM sees the packet) when the inner family is
#     IPv4, else a ping with flow label 0x656NN, NN the case number (ping -F;
#     mutable in IPv6; a label per case, since a released exclusive label
#     lingers 6 s or more and ping -F would get EPERM).
#     SKIP naming why if the guest's ping cannot send it (probed).
#   8 256 KiB TCP nf -> xf          9 256 KiB TCP xf -> nf  (sha256 checked
#     by a server in the peer that answers "bytes digest")
#  10 the wire: tcpdump -v on veth0's egress in each host saw nf send AH
#     (IPv4 protocol / IPv6 next header 51, after any extension headers)
#     with its SPI and xf with its own (for a bundle: AH with ESP inside,
#     each with that host's SPI), each host's AH packets carrying the
#     marked TOS/traffic class and RR option/flow label of points 4-7 (not
#     for the tunnel bundle, whose inner header is encrypted), and no
#     packet whose outermost protocol after the IP header (and IPv6
#     extension headers) is TCP or ICMP between the case's addresses
#     (later fragments of AH packets fragmented after encapsulation are
#     counted as such)
#  11 XFRM's packet counters (ip -s xfrm state) > 0 for every SA in xf
#  12 the current byte counts of every SA in nf's setkey -D > 0 (fresh SAs)
# The two directions of points 2-9 and points 11-12 run at the same time
# (the guest has two CPUs), one duration for both.  Each point's (pair's)
# duration follows it as a diagnostic, point 10 the packets it saw (and
# the AH header sizes); a failed case is
# followed by setkey -D/-DP in nf, ip -s xfrm state/policy in xf, nfipsec's
# non-zero counters and the first packets each host sent.
# An algorithm the guest kernel's crypto API lacks (ip xfrm state add says
# ENOSYS in a probe) makes its cases SKIP, naming it.
#
# ICVs: HMAC-SHA-256/384/512 at RFC 4868's 128/192/256 bits (nfipsec's),
# the others at 96.  XFRM pads the AH header to a multiple of 64 bits in
# IPv4 too (ah4.c, unless the state has XFRM_STATE_ALIGN4, which PF_KEY
# cannot ask for) and accepts only that length: with sha256/384/512 over
# IPv4 (ICV 16/24/32 bytes, AH 28/36/44 bytes unpadded) a peer that pads
# to 32 bits only does not interoperate with Linux.
#
# The bundles, aes-cbc + hmac-sha256 ESP inside hmac-sha1 AH ("esp/...
# ah/..." in setkey and "tmpl proto esp ... tmpl proto ah" in ip xfrm:
# both list the transforms inner to outer):
#   transport v4, transport v6    esp/transport//require ah/transport//require
#   tunnel v4                     esp/tunnel/A-B/require ah/transport//require
#                                 (ESP tunnel, then AH in transport mode on
#                                 the outer header between the same hosts)
#
# Scope, by $NFIPSEC_KERNEL (or AH_INTEROP_SCOPE=full|pairs|shifted|diagonal|short):
#   full         (knob only) 6 algorithms x {transport, tunnel} x {v4, v6},
#                plus tunnel 4-in-6 and 6-in-4 for hmac-sha256, plus the
#                3 bundles: 29 cases, 348 points
#   pairs        (knob) each algorithm in both modes and both families, as
#                two opposite combinations (transport v4 + tunnel v6 for
#                even rows, transport v6 + tunnel v4 for odd ones), plus
#                4-in-6/6-in-4 for hmac-sha256 and the 3 bundles: 17 cases,
#                204 points
#   debug        short: hmac-sha256 transport v4 and the transport v4
#                bundle: 2 cases (CI time: KASAN and lockdep make each case
#                slow)
#   6.1          shifted: algorithm i in combination (i + 3) mod 6 (so that
#                with 6.12's diagonal each algorithm is seen in two), plus
#                the 3 bundles: 9 cases (CI time)
#   6.12         diagonal: algorithm i in combination i of (transport v4,
#                transport v6, tunnel v4, tunnel v6, tunnel 4-in-6,
#                tunnel 6-in-4), plus the 3 bundles: 9 cases, 108 points
# plus the hostile section (20 points) in every scope.
#
# Hostile section (nfipsec mode; SKIPs otherwise): one AH transport IPv4
# SA pair, hmac-sha1-96 (AH 24 bytes, so no 32/64-bit padding question),
# replay window 32, and in nf a third SA xf -> nf for the forged packets
# (the pair's sequence numbers stay xf's own),
# "require" for everything both ways, a UDP listener in nf.  A python
# process in xf builds whole frames (Ethernet, IPv4, AH with the ICV
# computed with hmac, UDP) and sends them on xf's veth0 through an
# AF_PACKET socket, past xf's own XFRM; one in nf listens and reads
# /proc/net/nfipsec/stats.  Points:
#   1 configured
#   2 control: a well-formed forged packet (sequence number 1) is
#     delivered (ah_in +1)
#   3 control: the same with TOS 0xb8, TTL 5, DF and a Record Route option
#     holding addresses, all set after the ICV was computed over zeroes
#   then two points per kind of bad packet, as in 61_esp_hostile.sh,
#   "<kind>: <counter> +N" (that counter rose by the packets sent, no other
#   in_* drop counter moved) and "<kind>: nothing got through" (ah_in
#   unchanged, the listener got none of them):
#     unknown SPI (random; nf's outbound SPI)               in_no_sa
#     a bit flipped in the ICV                              in_auth_fail
#     two 16-bit words of the UDP payload swapped (the UDP
#     checksum still right: only AH can tell)               in_auth_fail
#     the IPv4 ID (immutable) changed, checksum redone      in_auth_fail
#     control 1 resent twice; a valid packet with seq 0     in_replay
#     AH payload length beyond the end of the packet        in_malformed
#     AH payload length shorter than the ICV (AH 12, 16 bytes)  in_malformed
#     AH header cut short (8 and 11 bytes after IPv4)       in_malformed
#  20 ping nf -> xf and xf -> nf through the SA pair afterwards (1 point)
#
# Until nfipsec has AH (the line ah_out in /proc/net/nfipsec/stats) the
# whole test SKIPs in nfipsec mode: it must neither pass nor fail.
#
# Developer knobs (environment): AH_INTEROP_SCOPE=full|pairs|shifted|diagonal|short, and
# AH_INTEROP_ONLY=REGEX to run only the cases whose label ("hmac-sha256
# tunnel 4-in-6", "esp+ah bundle transport v6", "hostile transport v4")
# matches.
#
# Developer knob, to validate this script against a known-good stack:
# AH_INTEROP_NF=afkey (default nfipsec) unloads nfipsec, loads Linux's
# af_key and runs the very same setkey commands in nf, which then configure
# XFRM through af_key; xf then uses af_key's ICV lengths (it truncates
# HMAC-SHA-256 to 96 bits), and tunnels of one family in the other SKIP (af_key
# cannot set them up).  AH_INTEROP_NF=xfrm configures nf with ip xfrm
# instead (the mirror of xf's batch, counters from ip -s xfrm state).  The
# hostile section SKIPs in both, unless AH_INTEROP_HOSTILE_XFRM=1 with
# AH_INTEROP_NF=xfrm: then it runs against nf's XFRM, reading XFRM's
# counters (/proc/net/xfrm_stat: in_no_sa = XfrmInNoStates, in_auth_fail
# = XfrmInStateProtoError, in_replay = XfrmInStateSeqError, in_malformed =
# XfrmInHdrError + XfrmInStateProtoError; no check of the other counters
# or ah_in), which checks the forge itself.  The harness does not pass
# the environment into the guest; use a wrapper with run.sh --script, e.g.
#   #!/bin/bash
#   # nfipsec: timeout 1200
#   AH_INTEROP_NF=xfrm exec bash "$NFIPSEC_ROOT/selftests/tests/65_ah_interop.sh"
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

NF_IMPL=${AH_INTEROP_NF:-nfipsec}

tap_require ip ping python3 tcpdump timeout sha256sum
[ -x "$SETKEY" ] || tap_skip_all "setkey not built ($SETKEY)"

unload_module() {	# NAME: rmmod, retrying while RCU/netns references drain
	local _
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		grep -q "^$1 " /proc/modules || return 0
		rmmod "$1" 2>/dev/null && return 0
		sleep 1
	done
	! grep -q "^$1 " /proc/modules
}

HOSTILE=nfipsec		# whose counters the hostile section reads, or "" (SKIP)
case $NF_IMPL in
nfipsec)
	grep -q '^nfipsec ' /proc/modules || tap_skip_all "nfipsec is not loaded"
	grep -q '^ah_out' /proc/net/nfipsec/stats 2>/dev/null ||
		tap_skip_all "nfipsec has no AH yet (no ah_out in /proc/net/nfipsec/stats)"
	;;
afkey)
	unload_module nfipsec || tap_bail "AH_INTEROP_NF=afkey: cannot rmmod nfipsec"
	modprobe af_key 2>/dev/null || tap_skip_all "AH_INTEROP_NF=afkey: af_key is not available"
	tap_on_exit "unload_module af_key"
	HOSTILE=""
	;;
xfrm)
	unload_module nfipsec || tap_bail "AH_INTEROP_NF=xfrm: cannot rmmod nfipsec"
	HOSTILE=""
	[ "${AH_INTEROP_HOSTILE_XFRM:-0}" = 1 ] && HOSTILE=xfrm
	;;
*)
	tap_bail "AH_INTEROP_NF must be nfipsec, afkey or xfrm, not '$NF_IMPL'" ;;
esac

# --- the matrix -------------------------------------------------------------
# One row per algorithm:  setkey -A | key bytes | XFRM auth-trunc | ICV bits
ALGS=(
	"hmac-md5|16|hmac(md5)|96"
	"hmac-sha1|20|hmac(sha1)|96"
	"hmac-sha256|32|hmac(sha256)|128"
	"hmac-sha384|48|hmac(sha384)|192"
	"hmac-sha512|64|hmac(sha512)|256"
	"aes-xcbc-mac|16|xcbc(aes)|96"
)
# Algorithms also run as tunnels of one family in the other.
MIXED_ALGS=("hmac-sha256")
# Mode, inner family, outer family.
COMBOS=("transport 4 4" "transport 6 6" "tunnel 4 4" "tunnel 6 6" "tunnel 4 6" "tunnel 6 4")
COMBO_NAMES=("transport v4" "transport v6" "tunnel v4" "tunnel v6" "tunnel 4-in-6" "tunnel 6-in-4")
# The bundles (ESP aes-cbc-128 + hmac-sha256 inside AH hmac-sha1), as
# combination indexes: transport v4, transport v6, tunnel v4.
BUNDLES=(0 1 2)
BUNDLE_ESP="aes-cbc|16|cbc(aes)|hmac-sha256|32|hmac(sha256)|128"
BUNDLE_AH=1	# row of ALGS
# The test points of a case (5 and 6: the option ping's name is per family).
POINT_NAMES=("configure (setkey in nf, ip xfrm in xf)" "ping nf -> xf" "ping xf -> nf"
	"ping -Q 0xb8 nf -> xf (TOS/traffic class)" "ping -Q 0xb8 xf -> nf (TOS/traffic class)"
	"OPTION nf -> xf" "OPTION xf -> nf"
	"256 KiB TCP nf -> xf arrives intact" "256 KiB TCP xf -> nf arrives intact"
	"the wire carries AH both ways with the marked fields, no cleartext"
	"XFRM counted packets on every SA in xf"
	"every SA's current bytes rose in nf (setkey -D)")
POINTS=${#POINT_NAMES[@]}
HOSTILE_POINTS=20

# af_key's ICV lengths (Linux's xfrm_algo.c: HMAC-SHA-256 truncated to 96
# bits, an old draft's value, not RFC 4868's 128).  In afkey mode the SA in
# nf gets these, so xf must use the same to interoperate.
declare -A AFKEY_ICV=([hmac-md5]=96 [hmac-sha1]=96 [hmac-sha256]=96 [hmac-sha384]=192
	[hmac-sha512]=256 [aes-xcbc-mac]=96)

alg_index() {	# NAME
	local i
	for i in "${!ALGS[@]}"; do
		[ "${ALGS[i]%%|*}" = "$1" ] && { echo "$i"; return; }
	done
	tap_bail "no algorithm row named $1"
}

SCOPE=${AH_INTEROP_SCOPE:-}
if [ -z "$SCOPE" ]; then
	SCOPE=diagonal
	[ "${NFIPSEC_KERNEL:-6.1}" = 6.1 ] && SCOPE=shifted
	[ "${NFIPSEC_KERNEL:-6.1}" = debug ] && SCOPE=short
fi
CASES=()	# "ah ALG-INDEX COMBO-INDEX" or "bundle - COMBO-INDEX"
case $SCOPE in
full)
	for a in "${!ALGS[@]}"; do
		for c in 0 1 2 3; do
			CASES+=("ah $a $c")
		done
	done
	for name in "${MIXED_ALGS[@]}"; do
		a=$(alg_index "$name")
		CASES+=("ah $a 4" "ah $a 5")
	done ;;
pairs)
	for a in "${!ALGS[@]}"; do
		if [ $((a % 2)) = 0 ]; then
			CASES+=("ah $a 0" "ah $a 3")
		else
			CASES+=("ah $a 1" "ah $a 2")
		fi
	done
	for name in "${MIXED_ALGS[@]}"; do
		a=$(alg_index "$name")
		CASES+=("ah $a 4" "ah $a 5")
	done ;;
diagonal)
	for a in "${!ALGS[@]}"; do
		CASES+=("ah $a $((a % ${#COMBOS[@]}))")
	done ;;
shifted)
	for a in "${!ALGS[@]}"; do
		CASES+=("ah $a $(((a + 3) % ${#COMBOS[@]}))")
	done ;;
short)
	# hmac-sha256 (padded AH) in transport v4 and one bundle: the debug
	# kernel's share.
	CASES=("ah 2 0")
	BUNDLES=(0) ;;
*)
	tap_bail "AH_INTEROP_SCOPE must be full, pairs, shifted, diagonal or short, not '$SCOPE'" ;;
esac
for c in "${BUNDLES[@]}"; do
	CASES+=("bundle - $c")
done

case_label() {	# VAR KIND ALG-INDEX COMBO-INDEX
	if [ "$2" = bundle ]; then
		printf -v "$1" '%s' "esp+ah bundle ${COMBO_NAMES[$4]}"
	else
		printf -v "$1" '%s' "${ALGS[$3]%%|*} ${COMBO_NAMES[$4]}"
	fi
}

# Developer knob: only the cases whose label matches this extended
# regular expression.
HOSTILE_LABEL="hostile transport v4"
RUN_HOSTILE=1
if [ -n "${AH_INTEROP_ONLY:-}" ]; then
	sel=()
	for c in "${CASES[@]}"; do
		read -r kind a k <<<"$c"
		case_label l "$kind" "$a" "$k"
		[[ $l =~ $AH_INTEROP_ONLY ]] && sel+=("$c")
	done
	[[ $HOSTILE_LABEL =~ $AH_INTEROP_ONLY ]] || RUN_HOSTILE=0
	[ ${#sel[@]} -gt 0 ] || [ $RUN_HOSTILE = 1 ] ||
		tap_skip_all "no case matches AH_INTEROP_ONLY='$AH_INTEROP_ONLY'"
	CASES=("${sel[@]}")
fi

# --- the two hosts ------------------------------------------------------------
NF4=10.65.0.1 XF4=10.65.0.2 NF6=fd65::1 XF6=fd65::2
NFI4=10.65.1.1 XFI4=10.65.2.1 NFI6=fd65:1::1 XFI6=fd65:2::1
PORT=5065 UPORT=5066
SIZE=262144
FLOWLABEL=0x65600	# run_case makes it 0x656NN

ns_create nf xf
ns_veth nf veth0 $NF4/24 xf veth0 $XF4/24
mac() {	# VAR NS
	local _l
	_l=$(ip -o -n "$2" link show veth0)
	[[ $_l =~ link/ether\ ([0-9a-f:]+) ]] || tap_bail "no MAC address on $2's veth0: $_l"
	printf -v "$1" '%s' "${BASH_REMATCH[1]}"
}
mac NF_MAC nf
mac XF_MAC xf
host_batch() {	# NS SELF6 SELF-INNER4 SELF-INNER6 PEER4 PEER6 PEER-MAC PEER-INNER4 PEER-INNER6
	ip -n "$1" -batch - <<-EOF || tap_bail "cannot set up host $1"
	addr add $2/64 dev veth0 nodad
	addr add $3/32 dev lo
	addr add $4/128 dev lo
	neigh replace $5 lladdr $7 dev veth0 nud permanent
	neigh replace $6 lladdr $7 dev veth0 nud permanent
	route add $8/32 via $5 src $3
	route add $9/128 via $6 src $4
	EOF
}
host_batch nf $NF6 $NFI4 $NFI6 $XF4 $XF6 "$XF_MAC" $XFI4 $XFI6
host_batch xf $XF6 $XFI4 $XFI6 $NF4 $NF6 "$NF_MAC" $NFI4 $NFI6

TMPD=$(mktemp -d -p /var/tmp)
tap_on_exit "rm -rf $TMPD"
DATA=$TMPD/data OUTF=$TMPD/out CAP=$TMPD/cap PY=$TMPD/ah.py RX=$TMPD/rx
head -c $SIZE /dev/urandom >"$DATA"
DATA_SHA=$(sha256sum "$DATA" | cut -d' ' -f1)

cat >"$PY" <<'EOF'
# The helper of 65_ah_interop.sh in each host ("serve PORT SIZE"): a TCP
# server that reads SIZE bytes and answers "BYTES SHA256" (dual-stack, one
# thread per connection), then one command a line from stdin, answered
# with what it did and "@@done STATUS" (python starts slowly under TCG:
# once per namespace).  The commands make AH by hand for the hostile
# section: xf forges and sends, nf listens and reads its counters.
import hashlib, hmac, socket, socketserver, struct, sys, threading

AH = 51
SA = {}
LAST = {}


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def udp(src, dst, sport, dport, data):
    n = 8 + len(data)
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, n)
    c = csum(ph + struct.pack("!HHHH", sport, dport, n, 0) + data) or 0xffff
    return struct.pack("!HHHH", sport, dport, n, c) + data


def iphdr(tos, ipid, frag, ttl, total, opts):
    ihl = 5 + len(opts) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, total, ipid, frag, ttl, AH, 0,
                    socket.inet_aton(SA["src"]), socket.inet_aton(SA["dst"])) + opts
    return h[:10] + struct.pack("!H", csum(h)) + h[12:]


def cmd_setup(ifname, dstmac, src, dst, spi, key, icvlen, port):
    # setup IF DSTMAC SRC DST SPI KEYHEX ICV-BYTES UDP-PORT (hmac-sha1)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    SA.update(sock=s, src=src, dst=dst, spi=int(spi, 0), key=bytes.fromhex(key),
              icv=int(icvlen), port=int(port), id=0x6500,
              eth=bytes.fromhex(dstmac.replace(":", "")) + s.getsockname()[4][:6] + b"\x08\x00")
    print("AF_PACKET on %s, %s -> %s, SPI 0x%x, UDP port %s" % (ifname, src, dst, SA["spi"], port))


def build(seq, text, spi=None, mutable=False):
    """A valid AH packet (IPv4 transport, UDP inside) as a bytearray, and
    the offsets of its AH header and its payload."""
    spi = SA["spi"] if spi is None else spi
    SA["id"] += 1
    payload = udp(SA["src"], SA["dst"], 40065, SA["port"], text.encode())
    icvlen = SA["icv"]
    ahlen = 12 + icvlen
    ah = bytearray(struct.pack("!BBHII", 17, ahlen // 4 - 2, 0, spi, seq) + bytes(icvlen))
    # Record Route, 9 slots, then EOL: 40 bytes of options, zero for the ICV
    rr = bytes([7, 39, 12]) + socket.inet_aton("192.0.2.7") + socket.inet_aton("198.51.100.9") + bytes(28)
    opts = rr + b"\0" if mutable else b""
    total = 20 + len(opts) + ahlen + len(payload)
    # For the ICV: TOS, flags+offset, TTL, checksum and mutable options zero
    zero = bytearray(iphdr(0, SA["id"], 0, 0, total, bytes(len(opts))))
    zero[10:12] = b"\0\0"
    icv = hmac.new(SA["key"], bytes(zero) + bytes(ah) + payload, hashlib.sha1).digest()[:icvlen]
    ah[12:12 + icvlen] = icv
    if mutable:
        ip = iphdr(0xb8, SA["id"], 0x4000, 5, total, opts)
    else:
        ip = iphdr(0, SA["id"], 0, 64, total, opts)
    return bytearray(ip + ah + payload), len(ip), len(ip) + ahlen


def fix_ip(p, ihl):			# a new IPv4 header checksum (and length)
    p[2:4] = struct.pack("!H", len(p))
    p[10:12] = b"\0\0"
    p[10:12] = struct.pack("!H", csum(bytes(p[:ihl])))


def send(pkts):
    for p in pkts:
        SA["sock"].send(SA["eth"] + bytes(p))
        print("sent %d bytes: %s%s" % (len(p), bytes(p[:36]).hex(), "..." if len(p) > 36 else ""))


def cmd_ah(kind, seq, text):		# ah KIND SEQ TEXT
    seq = int(seq, 0)
    if kind.startswith("spi:"):
        p, a, d = build(seq, text, spi=int(kind[4:], 0))
    else:
        p, a, d = build(seq, text, mutable=(kind == "mutable"))
    if kind in ("ok", "mutable"):
        LAST[kind] = bytes(p)
    elif kind == "icv":
        p[a + 12] ^= 0x01
    elif kind == "payload":		# the first two 16-bit words of the UDP
        p[d + 8:d + 12] = p[d + 10:d + 12] + p[d + 8:d + 10]	# data swapped: same checksum
    elif kind == "ipid":
        p[4:6] = struct.pack("!H", SA["id"] ^ 0x5a5a)
        fix_ip(p, a)
    elif kind == "biglen":		# AH claims 248 bytes
        p[a + 1] = 60
    elif kind.startswith("short:"):	# payload length N: AH of (N + 2) * 4 bytes
        p[a + 1] = int(kind[6:])
    elif kind.startswith("trunc:"):	# only the first N bytes of AH
        del p[a + int(kind[6:]):]
        fix_ip(p, a)
    elif not kind.startswith("spi:") and kind != "seq0":
        raise ValueError("unknown kind " + kind)
    print("%s: seq %d, AH at %d, payload at %d" % (kind, seq, a, d))
    send([p])


def cmd_replay(kind, count):		# replay KIND COUNT: the last "ah KIND" again
    send([LAST[kind]] * int(count))


def cmd_listen(out, port):		# listen FILE PORT: UDP, one line per datagram
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", int(port)))

    def loop():
        with open(out, "a") as f:
            while True:
                data, addr = s.recvfrom(2048)
                f.write("%s %s\n" % (addr[0], data.decode(errors="replace")))
                f.flush()
    threading.Thread(target=loop, daemon=True).start()
    print("listening on UDP port %s" % port)


# XFRM's counters under nfipsec's names (AH_INTEROP_HOSTILE_XFRM=1)
XFRM = {"in_no_sa": ["XfrmInNoStates"], "in_auth_fail": ["XfrmInStateProtoError"],
        "in_replay": ["XfrmInStateSeqError"],
        "in_malformed": ["XfrmInHdrError", "XfrmInStateProtoError"]}


def cmd_stats(which):			# stats nfipsec|xfrm: this namespace's counters
    if which == "nfipsec":
        for line in open("/proc/net/nfipsec/stats"):
            if not line.startswith("pfkey_"):
                print(line, end="")
        return
    x = dict((l.split()[0], int(l.split()[1])) for l in open("/proc/net/xfrm_stat"))
    for name, srcs in XFRM.items():
        print(name, sum(x.get(s, 0) for s in srcs))


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        c = self.request
        c.settimeout(30)
        h, n = hashlib.sha256(), 0
        try:
            while n < SIZE:
                b = c.recv(min(65536, SIZE - n))
                if not b:
                    break
                h.update(b)
                n += len(b)
            c.sendall(("%d %s\n" % (n, h.hexdigest())).encode())
        except OSError:
            pass


class Server(socketserver.ThreadingTCPServer):
    address_family = socket.AF_INET6
    allow_reuse_address = True
    daemon_threads = True

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def cmd_serve(port, size):
    global SIZE, STAMP
    SIZE = int(size)
    # Keep Linux's netstamp_needed_key static branch enabled for the whole
    # test: every ping (SO_TIMESTAMP) would otherwise flip it on and off,
    # and under TCG the text patching (int3 first) raced with the other
    # vCPU running the branch in dev_queue_xmit_nit (tcpdump's tap):
    # "Oops: int3" on 6.12 with pings both ways at once.
    STAMP = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    STAMP.setsockopt(socket.SOL_SOCKET, 29, 1)	# SO_TIMESTAMP (asm-generic)
    threading.Thread(target=Server(("::", int(port)), Handler).serve_forever, daemon=True).start()
    print("TCP server on port %s" % port)
    print("@@done 0")
    while True:
        line = sys.stdin.readline()
        if not line:
            return 0
        argv = line.split()
        try:
            rc = globals()["cmd_" + argv[0]](*argv[1:]) or 0
        except Exception:
            import traceback
            traceback.print_exc(file=sys.stdout)
            rc = 1
        print("@@done %d" % rc)


sys.exit(globals()["cmd_" + sys.argv[1]](*sys.argv[2:]))
EOF

# One python per host, commands in and answers out through FIFOs.
declare -A PY_IN=() PY_OUT=() PY_PID=()
start_py() {	# NS
	local ns=$1 fd
	mkfifo "$TMPD/$ns.in" "$TMPD/$ns.out"
	ip netns exec "$ns" python3 -S -u "$PY" serve $PORT $SIZE <"$TMPD/$ns.in" >"$TMPD/$ns.out" 2>&1 &
	PY_PID[$ns]=$!
	disown $!	# no "Killed" notice if ns_delete has to
	exec {fd}>"$TMPD/$ns.in"
	PY_IN[$ns]=$fd
	exec {fd}<"$TMPD/$ns.out"
	PY_OUT[$ns]=$fd
}
py_send() {	# NS CMD ARGS...
	local ns=$1
	shift
	tap_diag "+ [$ns] ah.py $*"
	echo "$*" >&"${PY_IN[$ns]}"
}
py_wait() {	# NS: the answer, as diagnostics, up to "@@done STATUS" (returned)
	local l
	while IFS= read -r -t 60 -u "${PY_OUT[$1]}" l; do
		case $l in
		"@@done "*) return "${l#@@done }" ;;
		esac
		echo "#   $l"
	done
	tap_diag "the python helper in $1 did not answer"
	return 1
}
forge() { py_send xf "$@"; py_wait xf; }
stop_py() {	# at exit: end of input stops a helper (else ns_delete kills it, noisily)
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
# sleep without a process: a read that times out on a FIFO nobody writes
mkfifo "$TMPD/nap"
exec {NAP_FD}<>"$TMPD/nap"
nap() { read -r -t "$1" -u "$NAP_FD" _ || :; }

wait_for() {	# TRIES CMD...: poll every 0.2 s
	local i
	for ((i = 0; i < $1; i++)); do
		"${@:2}" && return 0
		nap 0.2
	done
	return 1
}
start_py nf
start_py xf
tap_on_exit stop_py
# What each host puts on the wire: a verbose capture of veth0's egress in
# nf and in xf, for the whole test (each case reads the lines it added).
# Not the ingress: XFRM (and a stack that re-injects decapsulated packets)
# hands a tunnel-mode packet's inner packet to the stack as received again
# on veth0.  Every unicast IP packet, not "ah or tcp or icmp": pcap's
# "ip6 proto" looks at the fixed header's next header only, and AH may
# follow extension headers.  -v: TOS, traffic class, flow label and IP
# options are printed.  Multicast (MLD, router solicitations) is not ours.
for h in nf xf; do
	ip netns exec $h tcpdump -l -n -t -v --immediate-mode -Q out -s 256 -i veth0 \
		'(ip or ip6) and not ip multicast and not ip6 multicast' >"$CAP.$h" 2>"$CAP.$h.err" &
	disown $!
done
capture_up() { grep -q 'listening on' "$CAP.nf.err" && grep -q 'listening on' "$CAP.xf.err"; }

# What the guest's ping can send (each probe on nf's loopback; -Q is in
# every iputils).
RR_OK="" FL_OK=""
ip netns exec nf ping -n -R -c 1 -W 2 127.0.0.1 >"$OUTF" 2>&1 && grep -q 'RR:' "$OUTF" ||
	RR_OK="the guest's ping cannot send a Record Route option: $(tail -n 3 "$OUTF" | tr '\n' ' ')"
ip netns exec nf ping -6 -n -F $FLOWLABEL -c 1 -W 2 ::1 >"$OUTF" 2>&1 ||
	FL_OK="the guest's ping cannot set a flow label: $(tail -n 3 "$OUTF" | tr '\n' ' ')"
[ -n "$RR_OK" ] && tap_diag "$RR_OK"
[ -n "$FL_OK" ] && tap_diag "$FL_OK"
py_wait nf || tap_bail "the python helper in nf did not start"
py_wait xf || tap_bail "the python helper in xf did not start"
wait_for 50 capture_up || tap_bail "tcpdump did not start: $(cat "$CAP".*.err)"

# --- helpers --------------------------------------------------------------------
# The helpers below set variables rather than print: a $(...) forks, and
# a fork costs in a TCG guest.
# N bytes of key as hex digits (deterministic, different per seed).
hexkey() {	# VAR BYTES SEED
	local _i _b _s=""
	for ((_i = 0; _i < ${2:-0}; _i++)); do
		printf -v _b '%02x' $(((_i * 13 + $3 * 7 + 1) & 255))
		_s+=$_b
	done
	printf -v "$1" '%s' "$_s"
}

# An algorithm row into A_* (A_XICV: the ICV bits xf uses).
load_row() {	# ALG-INDEX
	IFS='|' read -r A_NAME A_KLEN A_XAUTH A_ICV <<<"${ALGS[$1]}"
	A_XICV=$A_ICV
	[ "$NF_IMPL" = afkey ] && A_XICV=${AFKEY_ICV[$A_NAME]}
}

# Which algorithms the guest kernel has: a scratch SA in xf per algorithm.
# XFRM answers ENOSYS when the crypto API cannot instantiate the transform;
# any other failure is this script's bug and makes the cases fail.
declare -A UNAVAILABLE=() PROBE_ERR=()
ak="" batch=""
for a in "${!ALGS[@]}"; do
	load_row "$a"
	hexkey ak "$A_KLEN" 2
	batch+="xfrm state add src 192.0.2.1 dst 192.0.2.2 proto ah spi $((a + 1)) mode transport auth-trunc \"$A_XAUTH\" 0x$ak $A_XICV
"
done
# One batch; if it fails (ip xfrm exits at the first error), one per
# algorithm to tell which.
if ! ip -n xf -batch - >"$OUTF" 2>&1 <<<"$batch"; then
	ip -n xf xfrm state flush
	a=0
	while IFS= read -r l; do
		if ! ip -n xf -batch - >"$OUTF" 2>&1 <<<"$l"; then
			load_row "$a"
			if grep -q 'Function not implemented' "$OUTF"; then
				UNAVAILABLE[$a]="the guest kernel's crypto API has no $A_XAUTH"
			else
				PROBE_ERR[$a]=$(cat "$OUTF")
			fi
			tap_diag "probe of $A_NAME: $(cat "$OUTF")"
		fi
		a=$((a + 1))
	done <<<"${batch%$'\n'}"
fi
ip -n xf xfrm state flush

tap_diag "nf side: $NF_IMPL; scope: $SCOPE (${#CASES[@]} cases on kernel ${NFIPSEC_KERNEL:-?}); set up in $SECONDS s"
PLAN=$((${#CASES[@]} * POINTS))
[ $RUN_HOSTILE = 1 ] && PLAN=$((PLAN + HOSTILE_POINTS))
tap_plan $PLAN

elapsed() {	# VAR START (an $EPOCHREALTIME): seconds since, one decimal
	local _us=$((${EPOCHREALTIME/./} - ${2/./}))
	printf -v "$1" '%d.%d' $((_us / 1000000)) $((_us / 100000 % 10))
}

CASE_FAILED=0
# A test point from a command run quietly; its output is shown on failure.
point() {	# DESCRIPTION CMD...
	local desc=$1 t0=$EPOCHREALTIME
	shift
	if "$@" >"$OUTF" 2>&1; then
		tap_ok "$desc"
		elapsed t0 "$t0"
		tap_diag "  ($t0 s)"
	else
		point_failed "$desc" "$OUTF" "$@"
		return 1
	fi
}
point_failed() {	# DESCRIPTION OUTPUT-FILE CMD...
	tap_fail "$1"
	[ "$3" = ping_peer ] && PINGS_FAILED=$((PINGS_FAILED + 1))
	tap_diag "+ ${*:3}"
	sed 's/^/#   /' "$2"
	CASE_FAILED=1
}
# Two test points from two commands run at the same time (the first in
# the background): both directions of a check at once, on two CPUs.
point_pair() {	# DESC-1 DESC-2 CMD-1... -- CMD-2...
	local d1=$1 d2=$2 c1=() t0=$EPOCHREALTIME pid rc1 rc2
	shift 2
	while [ "$1" != -- ]; do
		c1+=("$1")
		shift
	done
	shift
	"${c1[@]}" >"$OUTF.1" 2>&1 &
	pid=$!
	"$@" >"$OUTF.2" 2>&1
	rc2=$?
	wait "$pid"
	rc1=$?
	elapsed t0 "$t0"
	if [ $rc1 = 0 ]; then tap_ok "$d1"; else point_failed "$d1" "$OUTF.1" "${c1[@]}"; fi
	if [ $rc2 = 0 ]; then tap_ok "$d2"; else point_failed "$d2" "$OUTF.2" "$@"; fi
	tap_diag "  (both: $t0 s)"
}

configure() {	# NF-SCRIPT XF-BATCH NF-BATCH
	local rc=0
	if [ "$NF_IMPL" = xfrm ]; then
		echo "[nf] ip -batch - <<<"
		ip -n nf -batch - <<<"$3" 2>&1 || rc=1
	else
		echo "[nf] setkey -c <<<"
		ip netns exec nf "$SETKEY" -c <<<"$1" 2>&1 || rc=1
	fi
	echo "[xf] ip -batch - <<<"
	ip -n xf -batch - <<<"$2" 2>&1 || rc=1
	if [ $rc != 0 ]; then
		if [ "$NF_IMPL" = xfrm ]; then
			printf '%s\n' "nf batch:" "$3"
		else
			printf '%s\n' "nf script:" "$1"
		fi
		printf '%s\n' "xf batch:" "$2"
	fi
	return $rc
}

ping_peer() {	# NS FAMILY ADDR [PING-ARGS...]
	local six=()
	[ "$2" = 6 ] && six=(-6)
	ip netns exec "$1" ping "${six[@]}" -n -c 2 -i 0.2 -W 2 -w 5 "${@:4}" "$3"
}
# One echo with PING-ARGS (the mutable fields); -R: the reply must carry
# the option back.
ping_mark() {	# NS FAMILY ADDR PING-ARGS...
	local six=() out rc
	[ "$2" = 6 ] && six=(-6)
	# -w: one echo a second until a reply, so one packet lost on a
	# loaded guest is not a failure.
	out=$(ip netns exec "$1" ping "${six[@]}" -n -c 1 -W 3 -w 8 "${@:4}" "$3" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	[ $rc = 0 ] || return $rc
	[ "$4" = -R ] || return 0
	[[ $out == *RR:* ]] && return 0
	echo "no RR: in ping's output (the reply lost the option?)"
	return 1
}

# SIZE bytes from $DATA to the server at ADDR; its answer must match.
# TCP_TIMEOUT: seconds for the whole transfer.
tcp_xfer() {	# FROM-NS ADDR
	local got
	# shellcheck disable=SC2016 # expanded by the inner bash
	got=$(timeout "$TCP_TIMEOUT" ip netns exec "$1" bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		cat "$3" >&3 || exit 1
		IFS= read -r -t 15 r <&3
		echo "$r"' _ "$2" $PORT "$DATA")
	echo "sent $SIZE bytes, sha256 $DATA_SHA; the server read: ${got:-nothing}"
	[ "$got" = "$SIZE $DATA_SHA" ]
}

# The capture lines past MARK ("NF-LINES XF-LINES").  tcpdump -v prints an
# IPv4 header on a line of its own and the rest of the packet on indented
# lines: they are joined into one record per packet.  In a record, the
# first "A > B: " is the outermost header's addresses and what follows
# it the outermost protocol: "AH(spi=..." (possibly after IPv6 extension
# headers such as "frag (0|1232) "), a later fragment ("ip-proto-51" in
# IPv4, "frag (OFFSET|LEN)" alone in IPv6), or something else; TCP
# ("Flags [") or ICMP before any "AH(" between the case's outer or inner
# addresses is cleartext.  Wants per sender: AH with its SPI (and, for a
# bundle, ESP with its ESP SPI right inside), and among those the marks
# asked for: "tos 0xb8"/"class 0xb8", "options (RR", "flowlabel $FLOWLABEL".
# One awk for both files: every process costs in a TCG guest.
cap_mark() { wc -l "$CAP.nf" "$CAP.xf" | awk 'NR < 3 { printf "%s ", $1 }'; }
wire_check() {	# MARK "AH-OUT ESP-OUT" "AH-IN ESP-IN" TRAFFIC-A TRAFFIC-B OUTER-A OUTER-B MARKS
	local m
	read -r -a m <<<"$1"
	sleep 0.3	# let tcpdump write the last packets
	awk -v mn="${m[0]}" -v mx="${m[1]}" -v spis_nf="$2" -v spis_xf="$3" \
	    -v a="$4" -v b="$5" -v c="$6" -v d="$7" -v marks="$8" -v flt="flowlabel $FLOWLABEL" '
		function is(x, h) { return x == h || index(x, h ".") == 1 }
		function pair(s, t, h1, h2) { return (is(s, h1) && is(t, h2)) || (is(s, h2) && is(t, h1)) }
		function first(s, p,   i) { i = index(s, p); return i ? i : 1e9 }
		function record(h, r,   rest, s, t, ia, ic, ok, k, e, ahp) {
			if (r == "") return
			sent[h]++
			if (!match(r, /[0-9a-f.:]+ > [0-9a-f.:]+: /)) { other[h]++; return }
			split(substr(r, RSTART, RLENGTH - 2), st, " > ")
			s = st[1]; t = st[2]
			rest = substr(r, RSTART + RLENGTH)
			ia = first(rest, "AH(")
			ic = first(rest, "Flags [")
			if (first(rest, "ICMP") < ic) ic = first(rest, "ICMP")
			if (ia < 1e9 && ia < ic) {
				# tcpdump -v: "AH(length=4(24-bytes),spi=0x...,seq=0x1,icv=0x...): "
				k = substr(rest, ia)
				e = index(k, "): ")
				ahp = e ? substr(k, 1, e) : k
				ok = index(ahp, "spi=" ahspi[h] ",") > 0
				if (ok && espspi[h] != "")
					ok = e && index(substr(k, e + 3), "ESP(spi=" espspi[h] ",") == 1
				if (!ok) { if (++wrong[h] <= 3) print h " sent AH not as expected: " r; return }
				mine[h]++
				if (match(ahp, /[0-9]+-bytes/) && !index(lens[h], " " substr(ahp, RSTART, RLENGTH)))
					lens[h] = lens[h] " " substr(ahp, RSTART, RLENGTH)
				if (index(r, "tos 0xb8") || index(r, "class 0xb8")) tos[h]++
				if (r ~ /options \((NOP,)*RR /) rr[h]++
				if (index(r, flt)) fl[h]++
				return
			}
			if (index(rest, "ip-proto-51") == 1 || rest ~ /^frag \([0-9]+\|[0-9]+\)$/) { frag[h]++; return }
			if (ic < 1e9 && (pair(s, t, a, b) || pair(s, t, c, d))) {
				clear[h]++
				if (clear[h] <= 5) print h " sent in clear: " r
				return
			}
			other[h]++
		}
		BEGIN {
			split(spis_nf, x, " "); ahspi["nf"] = x[1]; espspi["nf"] = x[2]
			split(spis_xf, x, " "); ahspi["xf"] = x[1]; espspi["xf"] = x[2]
		}
		FNR == 1 {
			if (h != "") record(h, rec)
			rec = ""
			h = (FILENAME ~ /nf$/) ? "nf" : "xf"; skip = (h == "nf") ? mn : mx
		}
		FNR <= skip { next }
		/^[ \t]/ { sub(/^[ \t]+/, ""); rec = rec " " $0; next }
		{ record(h, rec); rec = $0 }
		END {
			record(h, rec)
			bad = 0
			for (i = 1; i <= 2; i++) {
				h = i == 1 ? "nf" : "xf"
				printf "%s sent %d packets: AH with spi %s%s x%d (AH size%s; marked: tos/tclass 0xb8 x%d, RR x%d, flow label x%d), other AH x%d, later fragments x%d, in clear x%d, other x%d\n",
					h, sent[h], ahspi[h], espspi[h] == "" ? "" : " + ESP spi " espspi[h], mine[h],
					lens[h] == "" ? " -" : lens[h], tos[h], rr[h], fl[h], wrong[h], frag[h], clear[h], other[h]
				if (mine[h] == 0 || wrong[h] > 0 || clear[h] > 0) bad = 1
				if (index(marks, "tos") && tos[h] == 0) { bad = 1; print h ": no AH packet with TOS/traffic class 0xb8" }
				if (index(marks, "rr") && rr[h] == 0) { bad = 1; print h ": no AH packet with a Record Route option" }
				if (index(marks, "fl") && fl[h] == 0) { bad = 1; print h ": no AH packet with " flt }
			}
			exit bad
		}' "$CAP.nf" "$CAP.xf"
}

# Packets XFRM counted on SAs (ip -s xfrm state, "lifetime current").
xfrm_counters() {	# NS SPI...
	ip -n "$1" -s xfrm state | awk -v ns="$1" -v spis="${*:2}" '
		/proto (esp|ah) spi/ { for (i = 1; i <= NF; i++) if ($i == "spi") { cur = $(i + 1); sub(/\(.*/, "", cur) } }
		/lifetime current:/ { lc = 1; next }
		lc && /\(packets\)/ { s = $0; sub(/\(packets\).*/, "", s); sub(/.* /, "", s); pk[cur] = s + 0; lc = 0 }
		END {
			n = split(spis, w, " "); ok = 1; line = ns ":"
			for (i = 1; i <= n; i++) { line = line sprintf(" SA %s %d packets;", w[i], pk[w[i]]); if (pk[w[i]] <= 0) ok = 0 }
			print line
			exit !ok
		}'
}

# The current byte counts of SAs in nf's setkey -D (fresh SAs: > 0 means
# they rose).
nf_counters() {	# SPI...
	if [ "$NF_IMPL" = xfrm ]; then
		xfrm_counters nf "$@"
		return
	fi
	ip netns exec nf "$SETKEY" -D 2>&1 | awk -v spis="$*" '
		{ dump = dump $0 "\n" }
		/ spi=[0-9]+\(0x/ { s = $0; sub(/.* spi=[0-9]+\(/, "", s); sub(/\).*/, "", s); cur = s }
		/current: [0-9]+\(bytes\)/ { s = $0; sub(/.*current: /, "", s); sub(/\(bytes\).*/, "", s); by[cur] = s + 0 }
		END {
			n = split(spis, w, " "); ok = 1; line = "nf:"
			for (i = 1; i <= n; i++) { line = line sprintf(" SA %s current %d bytes;", w[i], by[w[i]]); if (by[w[i]] <= 0) ok = 0 }
			print line
			if (!ok) printf "%s", dump
			exit !ok
		}'
}

diagnostics() {	# MARK
	local m
	tap_diag "--- state after the failure"
	if [ "$NF_IMPL" = xfrm ]; then
		n nf ip -s xfrm state
		n nf ip -s xfrm policy
	else
		n nf "$SETKEY" -D
		n nf "$SETKEY" -DP
	fi
	n xf ip -s xfrm state
	n xf ip -s xfrm policy
	if [ -r /proc/net/nfipsec/stats ]; then
		tap_diag "nf: /proc/net/nfipsec/stats (counters that are not 0)"
		ip netns exec nf cat /proc/net/nfipsec/stats | awk '$2 != 0' | sed 's/^/#   /'
	fi
	tap_diag "nf, xf: /proc/net/xfrm_stat (counters that are not 0)"
	ip netns exec nf cat /proc/net/xfrm_stat | awk '$2 != 0 { print "#   nf " $0 }'
	ip netns exec xf cat /proc/net/xfrm_stat | awk '$2 != 0 { print "#   xf " $0 }'
	tap_diag "what nf and xf sent in this case (the first 12 lines each)"
	read -r -a m <<<"$1"
	{ tail -n "+$((m[0] + 1))" "$CAP.nf" | head -n 12; tail -n "+$((m[1] + 1))" "$CAP.xf" | head -n 12; } |
		sed 's/^/#   /'
}

skip_case() {	# LABEL REASON
	local d
	for d in "${POINT_NAMES[@]}"; do
		tap_skip "$1: $d" "$2"
	done
}

# --- one case -----------------------------------------------------------------
# SA lines for one direction, appended to the variables named NF-VAR (setkey
# "add"), XF-VAR (ip xfrm state add).
sa_ah() {	# NF-VAR XF-VAR SRC DST SPI MODE KEY XFLAG
	local -n _s=$1 _x=$2
	_s+="add $3 $4 ah $5 -m $6 -A $A_NAME 0x$7;
"
	_x+="xfrm state add src $3 dst $4 proto ah spi $5 mode $6 auth-trunc \"$A_XAUTH\" 0x$7 $A_XICV$8
"
}
sa_esp() {	# NF-VAR XF-VAR SRC DST SPI MODE ENC-KEY AUTH-KEY
	local -n _s=$1 _x=$2
	local enc xenc auth xauth icv
	IFS='|' read -r enc _ xenc auth _ xauth icv <<<"$BUNDLE_ESP"
	[ "$NF_IMPL" = afkey ] && icv=${AFKEY_ICV[$auth]}
	_s+="add $3 $4 esp $5 -m $6 -E $enc 0x$7 -A $auth 0x$8;
"
	_x+="xfrm state add src $3 dst $4 proto esp spi $5 mode $6 enc \"$xenc\" 0x$7 auth-trunc \"$xauth\" 0x$8 $icv
"
}

run_case() {	# NUMBER KIND ALG-INDEX COMBO-INDEX
	local i=$1 kind=$2 mode ifam ofam label on ox tn tx xflag="" marks="tos"
	local spi_ao spi_ai spi_eo spi_ei k1 k2 k3 k4 nf_sa="" xf_sa="" sk_o sk_i tm_o tm_i
	local nf_conf xf_conf nf_xfrm mark t0 opt=() optname optskip="" d spis
	t0=$EPOCHREALTIME
	read -r mode ifam ofam <<<"${COMBOS[$4]}"
	case_label label "$kind" "$3" "$4"
	if [ "$kind" = bundle ]; then
		load_row $BUNDLE_AH
	else
		load_row "$3"
	fi
	if [ "$ifam" = 4 ]; then
		opt=(-R) optname="Record Route option (ping -R)" optskip=$RR_OK
		marks+=" rr"
	else
		printf -v FLOWLABEL '0x%05x' $((0x65600 + i % 256))
		opt=(-F "$FLOWLABEL") optname="flow label $FLOWLABEL (ping -F)" optskip=$FL_OK
		marks+=" fl"
	fi
	[ -n "$optskip" ] && marks=tos
	# The tunnel bundle's inner header is encrypted.
	[ "$kind" = bundle ] && [ "$mode" = tunnel ] && marks=""
	local pn=("${POINT_NAMES[@]}")
	pn[5]="ping with a $optname nf -> xf"
	pn[6]="ping with a $optname xf -> nf"
	if [ "$kind" = ah ] && [ -n "${UNAVAILABLE[$3]:-}" ]; then
		for d in "${pn[@]}"; do tap_skip "$label: $d" "${UNAVAILABLE[$3]}"; done
		return
	fi
	# af_key gives an SA the selector family of its own addresses
	# (pfkey_msg2xfrm_state: sel.family = props.family), so XFRM never
	# picks it for an inner packet of the other family.
	if [ "$NF_IMPL" = afkey ] && [ "$ifam" != "$ofam" ]; then
		for d in "${pn[@]}"; do
			tap_skip "$label: $d" "af_key cannot set up a tunnel of one family in the other"
		done
		return
	fi
	if [ "$ofam" = 4 ]; then on=$NF4 ox=$XF4; else on=$NF6 ox=$XF6; fi
	if [ "$mode" = transport ]; then
		tn=$on tx=$ox
	else
		if [ "$ifam" = 4 ]; then tn=$NFI4 tx=$XFI4; else tn=$NFI6 tx=$XFI6; fi
		# An XFRM state's selector takes the family of its addresses
		# unless told otherwise, and then only matches inner packets of
		# that family: af-unspec lets a tunnel carry the other family.
		[ "$ifam" != "$ofam" ] && xflag=" flag af-unspec"
	fi
	printf -v spi_ao '0x%08x' $((0x65000000 + i * 256 + 1))
	printf -v spi_ai '0x%08x' $((0x65000000 + i * 256 + 2))
	printf -v spi_eo '0x%08x' $((0x65000000 + i * 256 + 3))
	printf -v spi_ei '0x%08x' $((0x65000000 + i * 256 + 4))
	hexkey k1 "$A_KLEN" $((i * 8))
	hexkey k2 "$A_KLEN" $((i * 8 + 1))
	if [ "$kind" = ah ]; then
		sa_ah nf_sa xf_sa "$on" "$ox" "$spi_ao" "$mode" "$k1" "$xflag"
		sa_ah nf_sa xf_sa "$ox" "$on" "$spi_ai" "$mode" "$k2" "$xflag"
		if [ "$mode" = transport ]; then
			sk_o="ah/transport//require" sk_i=$sk_o
			tm_o="tmpl proto ah mode transport level required" tm_i=$tm_o
		else
			sk_o="ah/tunnel/$on-$ox/require" sk_i="ah/tunnel/$ox-$on/require"
			tm_o="tmpl src $on dst $ox proto ah mode tunnel level required"
			tm_i="tmpl src $ox dst $on proto ah mode tunnel level required"
		fi
		spi_eo="" spi_ei=""
	else
		hexkey k3 16 $((i * 8 + 2))
		hexkey k4 32 $((i * 8 + 3))
		sa_esp nf_sa xf_sa "$on" "$ox" "$spi_eo" "$mode" "$k3" "$k4"
		hexkey k3 16 $((i * 8 + 4))
		hexkey k4 32 $((i * 8 + 5))
		sa_esp nf_sa xf_sa "$ox" "$on" "$spi_ei" "$mode" "$k3" "$k4"
		# AH always in transport mode: in the tunnel bundle it covers
		# ESP's outer header, between the same hosts.
		sa_ah nf_sa xf_sa "$on" "$ox" "$spi_ao" transport "$k1" ""
		sa_ah nf_sa xf_sa "$ox" "$on" "$spi_ai" transport "$k2" ""
		if [ "$mode" = transport ]; then
			sk_o="esp/transport//require ah/transport//require" sk_i=$sk_o
			tm_o="tmpl proto esp mode transport level required tmpl proto ah mode transport level required"
			tm_i=$tm_o
		else
			sk_o="esp/tunnel/$on-$ox/require ah/transport//require"
			sk_i="esp/tunnel/$ox-$on/require ah/transport//require"
			tm_o="tmpl src $on dst $ox proto esp mode tunnel level required tmpl proto ah mode transport level required"
			tm_i="tmpl src $ox dst $on proto esp mode tunnel level required tmpl proto ah mode transport level required"
		fi
	fi

	nf_conf="flush;
spdflush;
${nf_sa}spdadd $tn $tx any -P out ipsec $sk_o;
spdadd $tx $tn any -P in ipsec $sk_i;"
	xf_conf="xfrm state flush
xfrm policy flush
${xf_sa}xfrm policy add src $tx dst $tn dir out $tm_i
xfrm policy add src $tn dst $tx dir in $tm_o"
	# AH_INTEROP_NF=xfrm: the same with the policies' directions swapped.
	nf_xfrm="xfrm state flush
xfrm policy flush
${xf_sa}xfrm policy add src $tn dst $tx dir out $tm_o
xfrm policy add src $tx dst $tn dir in $tm_i"

	tap_diag "=== case $i/${#CASES[@]}: $label (AH SPIs $spi_ao nf -> xf, $spi_ai xf -> nf${spi_eo:+; ESP $spi_eo, $spi_ei})"
	[ "$kind" = ah ] && [ -n "${PROBE_ERR[$3]:-}" ] && tap_diag "the algorithm probe failed: ${PROBE_ERR[$3]}"
	CASE_FAILED=0 PINGS_FAILED=0
	mark=$(cap_mark)
	point "$label: ${pn[0]}" configure "$nf_conf" "$xf_conf" "$nf_xfrm"
	if [ $CASE_FAILED = 1 ]; then
		for d in "${pn[@]:1}"; do
			tap_fail "$label: $d (not configured)"
		done
		diagnostics "$mark"
		return
	fi
	# Each check both ways at once (nf -> xf, xf -> nf).
	point_pair "$label: ${pn[1]}" "$label: ${pn[2]}" \
		ping_peer nf "$ifam" "$tx" -- ping_peer xf "$ifam" "$tn"
	point_pair "$label: ${pn[3]}" "$label: ${pn[4]}" \
		ping_mark nf "$ifam" "$tx" -Q 0xb8 -- ping_mark xf "$ifam" "$tn" -Q 0xb8
	if [ -n "$optskip" ]; then
		tap_skip "$label: ${pn[5]}" "$optskip"
		tap_skip "$label: ${pn[6]}" "$optskip"
	else
		point_pair "$label: ${pn[5]}" "$label: ${pn[6]}" \
			ping_mark nf "$ifam" "$tx" "${opt[@]}" -- ping_mark xf "$ifam" "$tn" "${opt[@]}"
	fi
	# Nothing got through: fail TCP fast rather than wait out its timeout.
	TCP_TIMEOUT=20
	# KASAN and lockdep: 256 KiB took longer than 20 s on a loaded debug guest.
	[ "${NFIPSEC_KERNEL:-}" = debug ] && TCP_TIMEOUT=60
	[ $PINGS_FAILED = 2 ] && TCP_TIMEOUT=5
	point_pair "$label: ${pn[7]}" "$label: ${pn[8]}" tcp_xfer nf "$tx" -- tcp_xfer xf "$tn"
	point "$label: ${pn[9]}" wire_check "$mark" "$spi_ao $spi_eo" "$spi_ai $spi_ei" "$tn" "$tx" "$on" "$ox" "$marks" &&
		while IFS= read -r d; do echo "#   $d"; done <"$OUTF"	# what was seen, AH sizes
	spis=("$spi_ao" "$spi_ai")
	[ -n "$spi_eo" ] && spis+=("$spi_eo" "$spi_ei")
	point_pair "$label: ${pn[10]}" "$label: ${pn[11]}" \
		xfrm_counters xf "${spis[@]}" -- nf_counters "${spis[@]}"
	[ $CASE_FAILED = 1 ] && diagnostics "$mark"
	elapsed t0 "$t0"
	tap_diag "case $i took $t0 s"
}

i=0
for c in "${CASES[@]}"; do
	i=$((i + 1))
	# shellcheck disable=SC2086 # "KIND ALG COMBO"
	run_case $i $c
done
tap_diag "matrix done at $SECONDS s"

# --- hostile input ------------------------------------------------------------------
HOSTILE_NAMES=("configured" "control: a well-formed forged AH packet is delivered"
	"control: forged with TOS 0xb8, TTL 5, DF and a filled Record Route option after the ICV is delivered")
for d in "unknown SPI (random; nf's outbound SA's)" "a bit flipped in the ICV" \
	"two 16-bit words of the UDP payload swapped" "the IPv4 ID (immutable) changed" \
	"control 1 replayed twice, a valid packet with sequence number 0" \
	"AH payload length beyond the end of the packet" \
	"AH payload length shorter than the ICV (AH of 12 and 16 bytes)" \
	"AH header cut short (8 and 11 bytes)"; do
	HOSTILE_NAMES+=("$d: COUNTER" "$d: nothing got through")
done
HOSTILE_NAMES+=("ping nf -> xf and xf -> nf through the SA pair afterwards")
[ ${#HOSTILE_NAMES[@]} = $HOSTILE_POINTS ] || tap_bail "HOSTILE_POINTS is ${#HOSTILE_NAMES[@]}"

declare -A BASE=() NOW=()
read_stats() {	# ARRAY-NAME: nf's counters, read by nf's python
	local -n _a=$1
	local k v
	_a=()
	echo "stats $HOSTILE" >&"${PY_IN[nf]}"
	while read -r -t 60 -u "${PY_OUT[nf]}" k v; do
		[ "$k" = @@done ] && return "$v"
		_a["$k"]=$v
	done
	tap_bail "cannot read nf's counters"
}
D=0
delta() { D=$((${NOW[$1]:-0} - ${BASE[$1]:-0})); }	# NAME: sets D
IN_DROPS="in_no_sa in_auth_fail in_replay in_bad_padding in_malformed in_policy_violation in_error"

rx_has() {	# TEXT: the listener in nf got it
	local rx
	rx=$'\n'$(<"$RX")$'\n'
	[[ $rx == *" $1"$'\n'* ]]
}
RXN=0
rx_count() {	# TEXT: how many times the listener got it, in RXN
	local l
	RXN=0
	while IFS= read -r l; do
		[ "${l#* }" = "$1" ] && RXN=$((RXN + 1))
	done <"$RX"
}
rx_wait() {	# TEXT: up to 3 s
	local i
	for ((i = 0; i < 30; i++)); do
		rx_has "$1" && return 0
		nap 0.1
	done
	return 1
}

H=0	# the hostile point being written (index into HOSTILE_NAMES)
hpoint() {	# STATUS [NAME-SUFFIX]
	tap_result "$1" "hostile: ${HOSTILE_NAMES[H]/COUNTER/${2:-}}"
	H=$((H + 1))
}

# After the packets of a kind were sent (BASE read before): two points.
expect_drop() {	# COUNTER N TEXT...
	local want=$1 n=$2 c i t max moved='' others='' got rxd=''
	shift 2
	for ((i = 0; i < 30; i++)); do	# crypto may complete asynchronously
		read_stats NOW
		delta "$want"
		[ "$D" -ge "$n" ] && break
		nap 0.1
	done
	got=$D
	for c in $IN_DROPS; do
		[ -n "${NOW[$c]+x}" ] || continue
		delta "$c"
		[ "$D" = 0 ] && continue
		moved+=" $c+$D"
		[ "$c" = "$want" ] || others+=" $c+$D"
	done
	# XFRM's counters overlap (in_malformed includes in_auth_fail's)
	[ "$HOSTILE" = xfrm ] && others=""
	[ "$got" -ge "$n" ] && [ -z "$others" ]
	hpoint $? "$want +$n"
	tap_diag "drop counters that moved in nf:${moved:- none}"
	nap 0.2
	for t in "$@"; do	# TEXT (never delivered) or TEXT=N (at most N times)
		max=0
		[[ $t == *=* ]] && max=${t#*=}
		rx_count "${t%=*}"
		[ "$RXN" -gt "$max" ] && rxd+=" '${t%=*}' x$RXN"
	done
	delta ah_in
	[ "$D" = 0 ] && [ -z "$rxd" ]
	hpoint $?
	[ "$D" = 0 ] || tap_diag "nf: ah_in +$D (want +0)"
	[ -z "$rxd" ] || tap_diag "the listener in nf got:$rxd"
}

hostile() {
	local d spi_o=0x65ff0001 spi_i=0x65ff0002 spi_f=0x65ff0003 ko ki kf nf_conf xf_conf nf_xfrm seq
	tap_diag "=== $HOSTILE_LABEL (AH hmac-sha1, SPIs $spi_o nf -> xf, $spi_i xf -> nf, $spi_f the forge's)"
	if [ -z "$HOSTILE" ]; then
		for d in "${HOSTILE_NAMES[@]}"; do
			tap_skip "hostile: ${d/COUNTER/its reason\'s counter}" \
				"nfipsec mode only (its counters by reason); AH_INTEROP_NF=$NF_IMPL"
		done
		return
	fi
	load_row "$BUNDLE_AH"	# hmac-sha1, 96 bits
	hexkey ko 20 201
	hexkey ki 20 202
	hexkey kf 20 203
	# The forge's SA is a third one, xf -> nf in nf only: its sequence
	# numbers would otherwise be replays of xf's own afterwards.
	nf_conf="flush;
spdflush;
add $NF4 $XF4 ah $spi_o -m transport -r 32 -A hmac-sha1 0x$ko;
add $XF4 $NF4 ah $spi_i -m transport -r 32 -A hmac-sha1 0x$ki;
add $XF4 $NF4 ah $spi_f -m transport -r 32 -A hmac-sha1 0x$kf;
spdadd $NF4 $XF4 any -P out ipsec ah/transport//require;
spdadd $XF4 $NF4 any -P in ipsec ah/transport//require;"
	xf_conf="xfrm state flush
xfrm policy flush
xfrm state add src $NF4 dst $XF4 proto ah spi $spi_o mode transport replay-window 32 auth-trunc \"hmac(sha1)\" 0x$ko 96
xfrm state add src $XF4 dst $NF4 proto ah spi $spi_i mode transport replay-window 32 auth-trunc \"hmac(sha1)\" 0x$ki 96"
	nf_xfrm="$xf_conf
xfrm state add src $XF4 dst $NF4 proto ah spi $spi_f mode transport replay-window 32 auth-trunc \"hmac(sha1)\" 0x$kf 96
xfrm policy add src $NF4 dst $XF4 dir out tmpl proto ah mode transport level required
xfrm policy add src $XF4 dst $NF4 dir in tmpl proto ah mode transport level required"
	xf_conf+="
xfrm policy add src $XF4 dst $NF4 dir out tmpl proto ah mode transport level required
xfrm policy add src $NF4 dst $XF4 dir in tmpl proto ah mode transport level required"
	configure "$nf_conf" "$xf_conf" "$nf_xfrm" >"$OUTF" 2>&1
	hpoint $?
	sed 's/^/#   /' "$OUTF"

	: >"$RX"
	py_send nf listen "$RX" $UPORT
	py_wait nf || tap_bail "no UDP listener in nf"
	forge setup veth0 "$NF_MAC" $XF4 $NF4 $spi_f "$kf" 12 $UPORT ||
		tap_bail "the forge in xf cannot start"

	read_stats BASE
	ERR0=${BASE[in_error]:-0}
	forge ah ok 1 ctl-ok
	rx_wait ctl-ok
	read_stats NOW
	delta ah_in
	rx_has ctl-ok && { [ "$HOSTILE" = xfrm ] || [ "$D" -ge 1 ]; }
	hpoint $?
	tap_diag "ah_in +$D, the listener got: $(tr '\n' '|' <"$RX")"
	read_stats BASE
	forge ah mutable 2 ctl-mutable
	rx_wait ctl-mutable
	rx_has ctl-mutable
	hpoint $?

	seq=100
	read_stats BASE
	forge ah spi:0x7165dead $seq bad-spi1
	forge ah spi:$spi_o $seq bad-spi2
	expect_drop in_no_sa 2 bad-spi1 bad-spi2
	read_stats BASE
	forge ah icv $((seq += 1)) bad-icv
	expect_drop in_auth_fail 1 bad-icv
	read_stats BASE
	forge ah payload $((seq += 1)) bad-payload
	expect_drop in_auth_fail 1 bad-payload d-bapayload
	read_stats BASE
	forge ah ipid $((seq += 1)) bad-ipid
	expect_drop in_auth_fail 1 bad-ipid
	read_stats BASE
	forge replay ok 2
	forge ah seq0 0 bad-seq0
	expect_drop in_replay 3 ctl-ok=1 bad-seq0
	read_stats BASE
	forge ah biglen $((seq += 1)) bad-biglen
	expect_drop in_malformed 1 bad-biglen
	read_stats BASE
	forge ah short:1 $((seq += 1)) bad-short1
	forge ah short:2 $((seq += 1)) bad-short2
	expect_drop in_malformed 2 bad-short1 bad-short2
	read_stats BASE
	forge ah trunc:8 $((seq += 1)) bad-trunc8
	forge ah trunc:11 $((seq += 1)) bad-trunc11
	expect_drop in_malformed 2 bad-trunc8 bad-trunc11

	PINGS_FAILED=0
	{ ping_peer nf 4 $XF4 && ping_peer xf 4 $NF4; } >"$OUTF" 2>&1
	hpoint $?
	sed 's/^/#   /' "$OUTF"
	read_stats NOW
	if [ "$HOSTILE" = nfipsec ]; then
		tap_diag "nf: in_error ${ERR0} -> ${NOW[in_error]:-?}; counters at the end (non-zero):"
		ip netns exec nf cat /proc/net/nfipsec/stats | awk '$2 != 0 && $1 !~ /^(pfkey|reject|msg)/ { print "#     " $0 }'
	else
		tap_diag "nf: /proc/net/xfrm_stat (counters that are not 0)"
		ip netns exec nf cat /proc/net/xfrm_stat | awk '$2 != 0 { print "#     " $0 }'
	fi
}
[ $RUN_HOSTILE = 1 ] && hostile
tap_diag "time: $SECONDS s"
tap_done
