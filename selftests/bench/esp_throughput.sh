#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 1500
#
# ESP data path, nfipsec against Linux's XFRM and against cleartext, in one
# guest boot (a benchmark for `make bench`; see Documentation/benchmarks.md):
#
#   espl  veth0 10.81.0.1/24   lo 10.82.1.1/32 (tunnel inner)
#   espr  veth0 10.81.0.2/24   lo 10.82.2.1/32 (tunnel inner)
#   permanent neighbour entries both ways; routes to the peer's inner
#   address via its veth address, src = own inner address (tunnel mode
#   carries inner to inner, transport mode and cleartext veth to veth).
#
# Configurations, each measured with the same two figures:
#   clear             no SA, no policy anywhere
#   nfipsec ALG MODE  both ends configured with the project's setkey (one SA
#                     per direction, "require" policies both ways); XFRM
#                     flushed in both namespaces
#   xfrm ALG MODE     the same SAs and policies with ip xfrm; nfipsec's SAD
#                     and SPD flushed in both namespaces (it passes traffic
#                     through where it has neither)
#   ALG   gcm  aes-gcm-16, 160-bit key (rfc4106(gcm(aes)), 128-bit ICV)
#         cbc  aes-cbc 128 + hmac-sha256 (RFC 4868: 128-bit ICV)
#   MODE  transport, tunnel
#   Replay window 32 packets on both stacks.
#
# Figures (sender in espl, receiver in espr):
#   tcp    TCP throughput of one stream, bytes/s received (iperf3 -t SECS
#          -O 1, so slow start is not counted)
#   udp64  UDP datagrams of 64 bytes of payload sent as fast as the sender
#          can for SECS, datagrams received per second at the receiver
#          (iperf3 -u -l 64 -b 0)
# iperf3 if the guest has it, else a Python sender/receiver (whose own cost
# then bounds the rates; the results say which tool ran).
#
# REPS rounds; each round measures every configuration once, clear first,
# then each ALG MODE with nfipsec and XFRM back to back (which of the two
# goes first alternates between rounds), so that all see the same moments of
# a shared, TCG-emulated host.  Reported per figure and ALG MODE: the median
# of the REPS runs of each side, the ratios of those medians (nfipsec/XFRM,
# nfipsec/clear, XFRM/clear), the range of the per-round nfipsec/XFRM
# ratios, and each side's spread ((max - min) / median).  Before the rounds,
# a warm-up configures each algorithm on each stack once and pings through
# it (the crypto API instantiates and self-tests an algorithm on its first
# SA, seconds under TCG), checking that ESP was counted.  Each run is
# checked too: nfipsec's esp_out/esp_in (/proc/net/nfipsec/stats) or XFRM's
# SA packet counters must have risen.  After each run, the counters that
# moved are printed: the packet-path lines of /proc/net/nfipsec/stats
# (drops by reason), /proc/net/xfrm_stat, and IP fragmentation/reassembly
# and UDP receive errors of /proc/net/snmp, per namespace; at the end, the
# whole of /proc/net/nfipsec/stats that is not 0.
#
# Results are "# bench:" lines on stdout (the guest's files do not reach the
# host); scripts/bench.sh collects them:
#   # bench: name=esp_tcp_gcm_transport n=3 nfipsec=MEDIAN reference=MEDIAN
#     ratio=NF/XFRM unit=bytes/s better=higher clear=MEDIAN nf_clear=NF/CLEAR
#     ref_clear=XFRM/CLEAR ratio_min=.. ratio_max=.. spread_nf=% spread_ref=%
#     spread_clear=% tool=iperf3
# Knobs (for manual runs): BENCH_ESP_REPS (3), BENCH_ESP_SECS (3),
# BENCH_ESP_TOOL (iperf3 if present, else python).
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_require ip ping python3 awk timeout ss
[ -x "$SETKEY" ] || tap_skip_all "setkey not built ($SETKEY)"
grep -q '^nfipsec ' /proc/modules || tap_skip_all "nfipsec is not loaded"
grep -q '^esp_out' /proc/net/nfipsec/stats 2>/dev/null ||
	tap_skip_all "nfipsec has no ESP packet path (no esp_out in /proc/net/nfipsec/stats)"

REPS=${BENCH_ESP_REPS:-3}
SECS=${BENCH_ESP_SECS:-3}
TOOL=${BENCH_ESP_TOOL:-}
if [ -z "$TOOL" ]; then
	TOOL=python
	command -v iperf3 >/dev/null && TOOL=iperf3
fi
case $TOOL in
iperf3|python) ;;
*) tap_bail "BENCH_ESP_TOOL must be iperf3 or python, not '$TOOL'" ;;
esac
T_START=$EPOCHREALTIME

W=$(mktemp -d -p /var/tmp bench-esp.XXXXXX)
tap_on_exit "rm -rf $W"
SK=$W/setkey
cp "$SETKEY" "$SK"

L4=10.81.0.1 R4=10.81.0.2 LI4=10.82.1.1 RI4=10.82.2.1
PORT=5301

# --- the two hosts ---------------------------------------------------------------
ns_create espl espr
ns_veth espl veth0 $L4/24 espr veth0 $R4/24
ip -n espl addr add $LI4/32 dev lo
ip -n espr addr add $RI4/32 dev lo
mac() { ip -n "$1" link show veth0 | awk '/link\/ether/ { print $2 }'; }
ip -n espl neigh replace $R4 lladdr "$(mac espr)" dev veth0 nud permanent
ip -n espr neigh replace $L4 lladdr "$(mac espl)" dev veth0 nud permanent
ip -n espl route add $RI4/32 via $R4 src $LI4
ip -n espr route add $LI4/32 via $L4 src $RI4
n espl ip -brief addr
n espr ip -brief addr
n espl ip route

# --- the tools ---------------------------------------------------------------------
# Python sender and receiver, when there is no iperf3.  One server process
# in espr: per measurement a control connection says "tcp" (the data follow
# on it until EOF) or "udp" (datagrams arrive on the UDP port until the
# client says "end"); it answers "COUNT SECONDS" (bytes, or datagrams,
# from the first to the last one received).
cat >"$W/tput.py" <<'EOF'
import select, socket, sys, time

def server(port):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(4)
    us = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    us.bind(("0.0.0.0", port))
    us.setblocking(False)
    while True:
        c, _ = ls.accept()
        f = c.makefile("rb")
        cmd = f.readline().strip()
        n, t0, t1 = 0, None, None
        if cmd == b"tcp":
            while True:
                b = f.read1(262144)
                if not b:
                    break
                t1 = time.monotonic()
                if t0 is None:
                    t0 = t1
                n += len(b)
        elif cmd == b"udp":
            try:
                while us.recv(2048):
                    pass	# stale datagrams of an earlier run
            except BlockingIOError:
                pass
            c.sendall(b"ready\n")
            done = False
            while not done:
                r, _, _ = select.select([us, c], [], [], 30)
                if not r:
                    break
                if us in r:
                    try:
                        while True:
                            us.recv(2048)
                            t1 = time.monotonic()
                            if t0 is None:
                                t0 = t1
                            n += 1
                    except BlockingIOError:
                        pass
                if c in r:
                    done = True
        c.sendall(b"%d %.6f\n" % (n, (t1 - t0) if t0 is not None else 0.0))
        c.close()

def client(kind, addr, port, secs):
    c = socket.create_connection((addr, port), timeout=secs + 30)
    sent = 0
    if kind == "tcp":
        c.sendall(b"tcp\n")
        buf = b"x" * 131072
        end = time.monotonic() + secs
        while time.monotonic() < end:
            c.sendall(buf)
        c.shutdown(socket.SHUT_WR)
    else:
        c.sendall(b"udp\n")
        f = c.makefile("rb")
        f.readline()
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.connect((addr, port))
        msg = b"x" * 64
        t0 = time.monotonic()
        end = t0 + secs
        while True:
            for _ in range(64):
                try:
                    u.send(msg)
                    sent += 1
                except OSError:
                    pass
            if time.monotonic() >= end:
                break
        txs = time.monotonic() - t0
        time.sleep(0.2)
        c.sendall(b"end\n")
    n, s = c.makefile("rb").readline().split()
    n, s = int(n), float(s)
    rate = n / s if s > 0 else 0
    if kind == "tcp":
        print("%.0f" % rate)
    else:
        print("%.0f %.0f" % (rate, sent / txs))

if sys.argv[1] == "server":
    server(int(sys.argv[2]))
else:
    client(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
EOF

# The rates out of iperf3's JSON (cJSON prints one key per line): bytes/s
# received (TCP), datagrams/s received and sent (UDP); "-" for what is
# missing (a failed run).  awk, not Python: a process start costs here.
iperf_rates() {	# TCP-JSON UDP-JSON
	awk '
		FNR == 1 { f++; sec = "" }
		/^[[:space:]]*"error":/ { print FILENAME ": " $0 >"/dev/stderr" }
		/"sum_(sent|received)":/ { sec = ($1 ~ /received/) ? "r" : "s"; next }
		sec && /}/ { sec = ""; next }
		sec { k = $1; gsub(/[":]/, "", k); v = $2; sub(/,$/, "", v); val[f, sec, k] = v }
		function rate(n, t) { return (t > 0 && n > 0) ? sprintf("%.0f", n / t) : "-" }
		END {
			print rate(val[1, "r", "bytes"], val[1, "r", "seconds"]),
			      rate(val[2, "r", "packets"] - val[2, "r", "lost_packets"], val[2, "r", "seconds"]),
			      rate(val[2, "s", "packets"], val[2, "s", "seconds"])
		}' "$1" "$2"
}

wait_for() {	# TRIES CMD...: poll every 0.2 s
	local i
	for ((i = 0; i < $1; i++)); do
		"${@:2}" && return 0
		sleep 0.2
	done
	return 1
}
listening() { [ -n "$(ip netns exec espr ss -Hltn "sport = :$PORT")" ]; }
if [ "$TOOL" = iperf3 ]; then
	# --rcv-timeout: a test whose data stop (a stack dropping everything)
	# ends after 10 s instead of blocking the next one.
	ip netns exec espr iperf3 -s -p $PORT --rcv-timeout 10000 >"$W/srv.log" 2>&1 &
else
	ip netns exec espr python3 "$W/tput.py" server $PORT >"$W/srv.log" 2>&1 &
fi
PID_R=$!	# ip netns exec execs the server: a process in espr
disown $!	# killed with the namespace
# A process in espl, so that one awk reads both namespaces' counters
# through /proc/PID/net (a process start costs here).
ip netns exec espl sleep 100000 &
PID_L=$!
disown $!
wait_for 50 listening || tap_bail "the $TOOL server did not start: $(cat "$W/srv.log")"

# TCP then UDP from espl to ADDR: M_TCP (bytes/s), M_UDP (datagrams/s
# received), M_UDPTX (sent), each "" if that measurement failed; S_MID =
# the counters' snapshot between the two.
measure() {	# ADDR
	local res
	M_TCP='' M_UDP='' M_UDPTX=''
	if [ "$TOOL" = iperf3 ]; then
		timeout $((SECS + 40)) ip netns exec espl iperf3 -c "$1" -p $PORT -t "$SECS" -O 1 \
			--connect-timeout 5000 -J >"$W/tcp.json" 2>&1
		S_MID=$(snapshot)
		timeout $((SECS + 40)) ip netns exec espl iperf3 -c "$1" -p $PORT -u -l 64 -b 0 \
			-t "$SECS" --connect-timeout 5000 -J >"$W/udp.json" 2>&1
		res=$(iperf_rates "$W/tcp.json" "$W/udp.json" 2>"$W/err")
	else
		res="$(timeout $((SECS + 40)) ip netns exec espl python3 "$W/tput.py" tcp "$1" $PORT "$SECS" 2>"$W/err") "
		S_MID=$(snapshot)
		res+=$(timeout $((SECS + 40)) ip netns exec espl python3 "$W/tput.py" udp "$1" $PORT "$SECS" 2>>"$W/err")
	fi
	[ -s "$W/err" ] && tap_diag "$(head -n 5 "$W/err")"
	read -r M_TCP M_UDP M_UDPTX <<<"$res"
	[ "$M_TCP" = - ] && M_TCP=''
	[ "$M_UDP" = - ] && M_UDP=''
	[ "$M_UDPTX" = - ] && M_UDPTX=''
}

# --- configurations ------------------------------------------------------------------
# Keys per algorithm and direction (l = espl -> espr, r = the reverse).
KGCM_L=0x$(printf '%02x' $(seq 1 20) | tr -d ' ')
KGCM_R=0x$(printf '%02x' $(seq 21 40) | tr -d ' ')
KCBC_L=0x$(printf '%02x' $(seq 41 56) | tr -d ' ')
KCBC_R=0x$(printf '%02x' $(seq 57 72) | tr -d ' ')
KSHA_L=0x$(printf '%02x' $(seq 73 104) | tr -d ' ')
KSHA_R=0x$(printf '%02x' $(seq 105 136) | tr -d ' ')
# The algorithm part of a setkey "add" (SK_ALG) and of an "ip xfrm state
# add" (XF_ALG) for ALG in direction DIR.
alg_args() {	# ALG DIR
	case $1$2 in
	gcml) SK_ALG="-E aes-gcm-16 $KGCM_L" XF_ALG="aead \"rfc4106(gcm(aes))\" $KGCM_L 128" ;;
	gcmr) SK_ALG="-E aes-gcm-16 $KGCM_R" XF_ALG="aead \"rfc4106(gcm(aes))\" $KGCM_R 128" ;;
	cbcl) SK_ALG="-E aes-cbc $KCBC_L -A hmac-sha256 $KSHA_L"
	      XF_ALG="enc \"cbc(aes)\" $KCBC_L auth-trunc \"hmac(sha256)\" $KSHA_L 128" ;;
	cbcr) SK_ALG="-E aes-cbc $KCBC_R -A hmac-sha256 $KSHA_R"
	      XF_ALG="enc \"cbc(aes)\" $KCBC_R auth-trunc \"hmac(sha256)\" $KSHA_R 128" ;;
	esac
}
declare -A ALG_NAME=([gcm]="aes-gcm-16" [cbc]="aes-cbc-128+hmac-sha256")
SPI_L=0x81000001 SPI_R=0x81000002

# Traffic destination of a configuration (from espl).
dest() {	# MODE
	if [ "$1" = tunnel ]; then echo $RI4; else echo $R4; fi
}

# Flush both stacks in both namespaces, then install IMPL's SAs and
# policies (none for clear); the two namespaces in parallel.  Output on
# failure.
configure() {	# IMPL [ALG MODE]
	local impl=$1 alg=${2:-} mode=${3:-} h self peer si pi ts tp sk xf rc=0
	local spi_o spi_i alg_o alg_i tun_o tun_i tmpl_o tmpl_i sko ski xfo xfi pids=()
	for h in espl espr; do
		if [ $h = espl ]; then
			self=$L4 peer=$R4 si=$LI4 pi=$RI4 spi_o=$SPI_L spi_i=$SPI_R
			alg_o=l alg_i=r
		else
			self=$R4 peer=$L4 si=$RI4 pi=$LI4 spi_o=$SPI_R spi_i=$SPI_L
			alg_o=r alg_i=l
		fi
		sk="flush;
spdflush;"
		xf="xfrm state flush
xfrm policy flush"
		if [ "$mode" = tunnel ]; then
			ts=$si tp=$pi
			tun_o=$self-$peer tun_i=$peer-$self
			tmpl_o="src $self dst $peer" tmpl_i="src $peer dst $self"
		else
			ts=$self tp=$peer tun_o='' tun_i='' tmpl_o='' tmpl_i=''
		fi
		if [ "$impl" != clear ]; then
			alg_args "$alg" $alg_o
			sko=$SK_ALG xfo=$XF_ALG
			alg_args "$alg" $alg_i
			ski=$SK_ALG xfi=$XF_ALG
		fi
		case $impl in
		nfipsec)
			sk+="
add $self $peer esp $spi_o -m $mode -r 32 $sko;
add $peer $self esp $spi_i -m $mode -r 32 $ski;
spdadd $ts $tp any -P out ipsec esp/$mode/$tun_o/require;
spdadd $tp $ts any -P in ipsec esp/$mode/$tun_i/require;" ;;
		xfrm)
			xf+="
xfrm state add src $self dst $peer proto esp spi $spi_o mode $mode replay-window 32 $xfo
xfrm state add src $peer dst $self proto esp spi $spi_i mode $mode replay-window 32 $xfi
xfrm policy add src $ts dst $tp dir out tmpl $tmpl_o proto esp mode $mode level required
xfrm policy add src $tp dst $ts dir in tmpl $tmpl_i proto esp mode $mode level required" ;;
		esac
		{
			ip netns exec $h "$SK" -c <<<"$sk" >"$W/cfg.$h" 2>&1 ||
				{ echo "[$h] setkey -c failed:"; echo "$sk"; }
			ip -n $h -batch - <<<"$xf" >>"$W/cfg.$h" 2>&1 ||
				{ echo "[$h] ip -batch failed:"; echo "$xf"; }
		} >"$W/cfgerr.$h" &
		pids+=($!)
	done
	wait "${pids[@]}"
	for h in espl espr; do
		[ -s "$W/cfgerr.$h" ] || continue
		rc=1
		cat "$W/cfgerr.$h" "$W/cfg.$h"
	done
	return $rc
}

# One snapshot of both namespaces' counters, "NS.name value" per line:
# the packet-path lines of /proc/net/nfipsec/stats, /proc/net/xfrm_stat,
# and IP fragmentation and UDP receive counters of /proc/net/snmp.
snapshot() {
	local p f=()
	for p in $PID_L $PID_R; do
		f+=("/proc/$p/net/nfipsec/stats" "/proc/$p/net/snmp")
		[ -r "/proc/$p/net/xfrm_stat" ] && f+=("/proc/$p/net/xfrm_stat")
	done
	awk -v l="$PID_L" '
		FNR == 1 { h = (index(FILENAME, "/proc/" l "/") == 1) ? "espl" : "espr"; hdr = "" }
		FILENAME ~ /nfipsec\/stats$/ { if ($1 ~ /^(esp_|crypto_async|acquire|out_|in_)/) print h "." $1, $2; next }
		FILENAME ~ /xfrm_stat$/ { print h "." $1, $2; next }
		# snmp: a header line, then a value line, per protocol
		$1 == "Ip:" || $1 == "Udp:" {
			if (hdr != $1) { hdr = $1; for (i = 2; i <= NF; i++) name[i] = $i; next }
			for (i = 2; i <= NF; i++)
				if (name[i] ~ /^(FragCreates|ReasmOKs|ReasmFails|RcvbufErrors|InErrors)$/)
					print h "." substr($1, 1, length($1) - 1) name[i], $i
			hdr = ""
		}' "${f[@]}"
}
# The counters that moved between two snapshots: STATS_DELTA[NS.name] =
# the delta, DELTA_LINE = "NS.name +delta, ..." (or "nothing").
declare -A STATS_DELTA
DELTA_LINE=''
stats_delta() {	# BEFORE AFTER
	local k v
	STATS_DELTA=()
	DELTA_LINE=''
	while read -r k v; do
		STATS_DELTA[$k]=$v
		DELTA_LINE+="${DELTA_LINE:+, }$k +$v"
	done < <(awk 'NR == FNR { b[$1] = $2; next } $2 != b[$1] { print $1, $2 - b[$1] }' \
		<(echo "$1") <(echo "$2"))
	: "${DELTA_LINE:=nothing}"
}
# Did nfipsec protect in espl and accept in espr (after stats_delta)?
esp_counted() {
	[ "${STATS_DELTA[espl.esp_out]:-0}" -gt 0 ] && [ "${STATS_DELTA[espr.esp_in]:-0}" -gt 0 ]
}
# Packets on SPI in NS's XFRM SAD.
xf_packets() {	# NS SPI
	ip -n "$1" -s xfrm state | awk -v spi="$2" '
		/proto esp spi/ { for (i = 1; i <= NF; i++) if ($i == "spi") { cur = $(i + 1); sub(/\(.*/, "", cur) } }
		/lifetime current:/ { lc = 1; next }
		lc && /\(packets\)/ { s = $0; sub(/\(packets\).*/, "", s); sub(/.* /, "", s); if (cur == spi) pk = s + 0; lc = 0 }
		END { print pk + 0 }'
}

CONFIGS=()	# "ALG MODE"
for alg in gcm cbc; do
	for mode in transport tunnel; do
		CONFIGS+=("$alg $mode")
	done
done

# --- warm-up: each algorithm on each stack, ESP checked ---------------------------
# The first SA of an algorithm makes the crypto API instantiate and
# self-test it (seconds under TCG; at SA creation, outside the timed part
# anyway); the first iperf3 run reads the binary.  Each measured run
# checks ESP again.
tap_diag "kernel $(uname -r), $(nproc) CPU(s); tool $TOOL; $REPS rounds of" \
	"${SECS} s TCP (+1 s omitted) and ${SECS} s UDP per configuration"
for alg in gcm cbc; do
	for impl in nfipsec xfrm; do
		label="$impl ${ALG_NAME[$alg]}"
		t0=$EPOCHREALTIME
		ok=1
		s0=$(snapshot)
		out=$(configure "$impl" "$alg" transport) || { ok=0; tap_diag "$out"; }
		if ! ip netns exec espl ping -n -c 2 -i 0.2 -W 5 -w 30 $R4 >"$W/ping" 2>&1; then
			ok=0
			tap_diag "$(cat "$W/ping")"
		fi
		stats_delta "$s0" "$(snapshot)"
		if [ $impl = nfipsec ]; then
			esp_counted || { ok=0; tap_diag "no ESP counted by nfipsec"; }
		else
			xp=$(xf_packets espr $SPI_L)
			DELTA_LINE="XFRM: $xp packets on SA $SPI_L in espr; $DELTA_LINE"
			[ "$xp" -gt 0 ] || { ok=0; tap_diag "no ESP counted by XFRM"; }
		fi
		tap_result $((1 - ok)) "warm-up: $label transport configured, ping crosses as ESP ($(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s; $DELTA_LINE)"
	done
done
configure clear >/dev/null
if [ "$TOOL" = iperf3 ]; then
	timeout 60 ip netns exec espl iperf3 -c $R4 -p $PORT -t 1 >"$W/out" 2>&1 ||
		tap_diag "warm-up: a 1 s iperf3 run in clear failed: $(tail -n 3 "$W/out")"
fi

# --- the rounds ----------------------------------------------------------------------
# V[FIG.IMPL.ALG.MODE] = the runs' values (space-separated); clear is
# V[FIG.clear].
declare -A V
run_one() {	# ROUND IMPL [ALG MODE]
	local r=$1 impl=$2 alg=${3:-} mode=${4:-} key label out s0 d ok=1 dst xp t0=$EPOCHREALTIME
	if [ "$impl" = clear ]; then
		key=clear label=clear dst=$R4
	else
		key=$impl.$alg.$mode label="$impl ${ALG_NAME[$alg]} $mode" dst=$(dest "$mode")
	fi
	out=$(configure "$impl" "$alg" "$mode") || { ok=0; tap_diag "$out"; }
	s0=$(snapshot)
	measure "$dst"
	stats_delta "$S_MID" "$(snapshot)"
	d="counters that moved: UDP: $DELTA_LINE"
	stats_delta "$s0" "$S_MID"
	d="counters that moved: TCP: $DELTA_LINE; ${d#counters that moved: }"
	case $impl in
	nfipsec)	# (TCP's counters)
		esp_counted || { ok=0; tap_diag "no ESP counted by nfipsec"; } ;;
	xfrm)
		xp=$(xf_packets espr $SPI_L)
		[ "$xp" -gt 0 ] || { ok=0; tap_diag "no ESP counted by XFRM"; }
		d="XFRM: $xp packets on SA $SPI_L in espr; $d" ;;
	esac
	# A failed run is "-", so that the rounds stay aligned for paired().
	V[tcp.$key]+="${M_TCP:--} "
	V[udp.$key]+="${M_UDP:--} "
	[ -n "$M_TCP" ] && [ -n "$M_UDP" ] || ok=0
	tap_result $((1 - ok)) "round $r: $label: TCP ${M_TCP:-failed} bytes/s, UDP ${M_UDP:-failed} datagrams/s received (${M_UDPTX:-?} sent)"
	tap_diag "  $d ($(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s)"
}

for r in $(seq "$REPS"); do
	run_one "$r" clear
	for c in "${CONFIGS[@]}"; do
		read -r alg mode <<<"$c"
		if [ $((r % 2)) = 1 ]; then
			run_one "$r" nfipsec "$alg" "$mode"
			run_one "$r" xfrm "$alg" "$mode"
		else
			run_one "$r" xfrm "$alg" "$mode"
			run_one "$r" nfipsec "$alg" "$mode"
		fi
	done
done
configure clear >/dev/null
tap_diag "/proc/net/nfipsec/stats at the end (counters that are not 0):"
for h in espl:$PID_L espr:$PID_R; do
	tap_diag "${h%:*}: $(awk '$2 != 0 { printf "%s%s %s", n++ ? ", " : "", $1, $2 }' "/proc/${h#*:}/net/nfipsec/stats")"
done

# --- results -------------------------------------------------------------------------
# The numbers of RUNS ("-" = a failed run) -> "MEDIAN MIN MAX N".
stat() {	# RUNS
	tr ' ' '\n' <<<"$1" | awk '/^[0-9.]+$/' | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)], v[1], v[NR], NR; else print "- - - 0" }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.3f", a / b; else print "nan" }'; }
spread() { awk -v md="$1" -v lo="$2" -v hi="$3" 'BEGIN { if (md + 0 > 0) printf "%.1f", 100 * (hi - lo) / md; else print "nan" }'; }
# Per-round nfipsec/XFRM ratios (rounds where both measured) -> "MIN MAX".
paired() {	# NF-VALUES REF-VALUES
	local a b i rs=()
	read -r -a a <<<"$1"
	read -r -a b <<<"$2"
	for ((i = 0; i < ${#a[@]} && i < ${#b[@]}; i++)); do
		[ "${a[i]}" = - ] || [ "${b[i]}" = - ] || rs+=("$(ratio "${a[i]}" "${b[i]}")")
	done
	[ ${#rs[@]} -gt 0 ] || { echo "nan nan"; return; }
	printf '%s\n' "${rs[@]}" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo, hi }'
}
tap_diag "ratio = nfipsec / XFRM (medians of $REPS rounds); nf_clear, ref_clear = each / cleartext;" \
	"ratio_min..ratio_max = the per-round nfipsec/XFRM ratios; spread = (max - min) / median"
for fig in tcp udp; do
	read -r cm clo chi cn <<<"$(stat "${V[$fig.clear]:-}")"
	if [ $fig = tcp ]; then unit=bytes/s name=esp_tcp; else unit=pkts/s name=esp_udp64; fi
	for c in "${CONFIGS[@]}"; do
		read -r alg mode <<<"$c"
		nv=${V[$fig.nfipsec.$alg.$mode]:-} xv=${V[$fig.xfrm.$alg.$mode]:-}
		read -r nm nlo nhi nn <<<"$(stat "$nv")"
		read -r xm xlo xhi xn <<<"$(stat "$xv")"
		read -r plo phi <<<"$(paired "$nv" "$xv")"
		printf '# bench: name=%s n=%s nfipsec=%s reference=%s ratio=%s unit=%s better=higher clear=%s nf_clear=%s ref_clear=%s ratio_min=%s ratio_max=%s spread_nf=%s spread_ref=%s spread_clear=%s tool=%s\n' \
			"${name}_${alg}_$mode" "$REPS" "$nm" "$xm" "$(ratio "$nm" "$xm")" "$unit" \
			"$cm" "$(ratio "$nm" "$cm")" "$(ratio "$xm" "$cm")" "$plo" "$phi" \
			"$(spread "$nm" "$nlo" "$nhi")" "$(spread "$xm" "$xlo" "$xhi")" "$(spread "$cm" "$clo" "$chi")" "$TOOL"
		tap_result $(( nn == REPS && xn == REPS && cn == REPS ? 0 : 1 )) \
			"${name}_${alg}_$mode: nfipsec $nm, XFRM $xm, clear $cm $unit (runs: nfipsec $nv/ XFRM $xv/ clear ${V[$fig.clear]:-})"
	done
done
awk -v a="$T_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "# esp_throughput took %.0f s\n", b - a }'
tap_done
