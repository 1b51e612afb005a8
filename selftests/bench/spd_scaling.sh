#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 1500
#
# SPD lookup scaling, nfipsec's engine against Linux's XFRM, in one guest
# run (a benchmark for `make bench`; see Documentation/benchmarks.md).
#
#   nfipsec   selftests/bench/spd_lookup.sh (the engine's in-kernel
#             microbenchmark through nfipsec.ko's spd_bench parameter):
#             lookups per second at 1, 1,000, 10,000 and 100,000 policies
#             of the "mixed" IPv4 selector set.
#   packets  packets per second of a UDP sender (sendmmsg() of 32 on an
#             unconnected socket, so every packet is routed and looked up
#             in the SPD) out of a dummy device, from 192.0.2.1:40000 to
#             4,096 destinations in 198.18.0.0/15 (ports 1..1024), with N
#             "out" policies installed in its network namespace: through
#             nfipsec (setkey -f, action none; 1, 1,000, 10,000 and 100,000)
#             and, nfipsec unloaded, through XFRM (`ip -batch`, no
#             templates; 1, 1,000 and 10,000).  The same process sends
#             the same batches alternately through a twin namespace without
#             any policy (XFRM skips the lookup there); each batch is timed
#             and the median batch time gives ns per packet in each, so the
#             preemption and drift of a shared host hit both alike.  The
#             policies are the same mix as nfipsec's (64 wide policies of
#             random prefix lengths first, then road warriors, site-to-site
#             subnets of /16../28 and host-to-host selectors with protocols
#             and ports); none matches the traffic (selectors that could
#             are drawn again), so every packet is looked up and leaves in
#             clear, on both.  XFRM not at 100,000: its insertion of policies that are
#             not /32-/32 is quadratic (each insert walks and renumbers the
#             whole inexact list of its direction); under TCG here 30,000
#             took 6 minutes, 100,000 would take most of an hour
#             (extrapolated).
#
# The packet figures compare like with like: the same sender, the same
# packets, the same policies, through each stack (spd_pps, and the time
# the policies add to a packet, spd_pkt_ns: 1e9/pps(N) - 1e9/pps(none)).
# The engine's microbenchmark is nfipsec's alone, so for spd_rate the two
# absolute rates are NOT comparable.  What is compared there is the scaling, the
# "retention" rate(N)/rate(1) of each, at the sizes both were measured at,
# computed so that a host whose speed changes between sizes does not bias
# it: for nfipsec, the median over runs at N each right after a run at 1;
# for XFRM, each rate divided by the twin namespace's measured with it.
# Also printed: XFRM's packet rate in the twin namespace without policies,
# and the cost of one lookup: 1e9/rate for nfipsec, and for XFRM the time
# a packet takes with N policies minus the time without, 1e9/pps(N) -
# 1e9/pps(none).
#
# nfipsec.ko is loaded by the harness; the XFRM part runs with it unloaded
# (nothing of nfipsec in the reference's path) and it is loaded again at the
# end.  Results are "# bench:" lines on stdout (the guest's files do not
# reach the host); scripts/bench.sh collects them.  Knobs (for manual runs):
# BENCH_SPD_SIZES (nfipsec, "1 1000 10000 100000"), BENCH_XFRM_SIZES
# ("1 1000 10000"; the first size of both must be the same),
# BENCH_SPD_REPS (4 runs per size, the best one reported: on a shared host
# interference only ever slows a run down), BENCH_PPS_SECS (3 s per sender
# run), BENCH_SPD_MS (1000 ms of lookups per nfipsec run).
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_require ip python3 cc awk
grep -q '^nfipsec ' /proc/modules || tap_skip_all "nfipsec is not loaded"

read -r -a SIZES <<<"${BENCH_SPD_SIZES:-1 1000 10000 100000}"
read -r -a XSIZES <<<"${BENCH_XFRM_SIZES:-1 1000 10000}"
REPS=${BENCH_SPD_REPS:-4}
SECS=${BENCH_PPS_SECS:-3}
MS=${BENCH_SPD_MS:-1000}
SMALL=${SIZES[0]}
LARGE=$(printf '%s\n' "${SIZES[@]}" "${XSIZES[@]}" | sort -n | tail -n 1)
[ "${XSIZES[0]}" = "$SMALL" ] || tap_bail "the first size must be the same for both (${XSIZES[0]} / $SMALL)"

W=$(mktemp -d -p /var/tmp bench-spd.XXXXXX)
tap_on_exit "rm -rf $W"
# The module that was loaded, kept in the guest's tmpfs so that the one
# loaded again at the end is the same build whatever happens on the host.
KO=$W/nfipsec.ko
cp "$NFIPSEC_KO" "$KO"

# shellcheck source=selftests/bench/modules.sh
. "$NFIPSEC_ROOT/selftests/bench/modules.sh"
tap_on_exit reload_nfipsec

highest() { printf '%s\n' "$@" | sort -g | tail -n 1; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# A positive number?
sane() { awk -v x="$1" 'BEGIN { exit !(x + 0 > 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.3f", a / b; else print "nan" }'; }

tap_diag "kernel $(uname -r), $(nproc) CPU(s); nfipsec at ${SIZES[*]}, XFRM at ${XSIZES[*]} policies;" \
	"$REPS runs per size, the best reported"

# --- nfipsec: the engine's lookup microbenchmark -------------------------------
# RATE = lookups/s of one run at N policies, "" if it failed.
nf_run() {	# N
	local out
	out=$(SPD_BENCH_SIZES=$1 SPD_BENCH_MIXES=mixed SPD_BENCH_FAMILIES=inet SPD_BENCH_MS=$MS \
		bash "$NFIPSEC_ROOT/selftests/bench/spd_lookup.sh" "$KO" 2>&1)
	tap_diag "$out"
	RATE=$(sed -n "s/^spd_lookup entries=$1 lookups_per_sec=\([0-9]*\)$/\1/p" <<<"$out")
}
# NF[N] = the best of REPS runs.  Each run at N > SMALL follows a run at
# SMALL, and NFR[N] = the median of rate(N)/rate(SMALL) over those pairs:
# the retention, from runs seconds apart, whatever the host did in between.
declare -A NF NFR
for n in "${SIZES[@]}"; do
	runs=() rets=()
	for _ in $(seq "$REPS"); do
		r1=
		if [ "$n" != "$SMALL" ]; then
			nf_run "$SMALL"
			r1=$RATE
		fi
		nf_run "$n"
		[ -n "$RATE" ] && runs+=("$RATE")
		[ -n "$RATE" ] && [ -n "$r1" ] && rets+=("$(ratio "$RATE" "$r1")")
	done
	NF[$n]='' NFR[$n]=''
	[ "$n" != "$SMALL" ] && [ ${#rets[@]} = "$REPS" ] && NFR[$n]=$(median "${rets[@]}")
	if [ ${#runs[@]} = "$REPS" ] && sane "$(highest "${runs[@]}")"; then
		NF[$n]=$(highest "${runs[@]}")
		tap_ok "nfipsec engine: $n policies, ${NF[$n]} lookups/s (runs: ${runs[*]}; paired retention: ${rets[*]:--})"
	else
		tap_fail "nfipsec engine: $n policies (runs: ${runs[*]})"
	fi
done

# --- packets per second through the output policy lookup ------------------------
cat >"$W/udpsend.c" <<'EOF'
/*
 * UDP packet cost through two network namespaces at once: sockets A and B
 * (in NS_A and NS_B, both bound to SRC:SPORT) take turns sending batches
 * of 32 datagrams with sendmmsg() on unconnected sockets (each datagram
 * routed and looked up in its namespace's SPD), to NDST destinations in
 * NET/PLEN, ports 1..1024, drawn with a fixed seed, for SECONDS.  Each
 * batch is timed; the median batch time per socket gives ns per packet,
 * so that preemption (which lengthens some batches) and drift of a shared
 * host (which A and B see alike) do not bias the comparison.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH	32
#define MAXB	(1 << 20)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int socket_in(const char *nspath, const struct sockaddr_in *src)
{
	int fd = open(nspath, O_RDONLY | O_CLOEXEC), s;

	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		perror(nspath);
		exit(1);
	}
	close(fd);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || bind(s, (const struct sockaddr *)src, sizeof(*src))) {
		perror("udpsend: socket/bind");
		exit(1);
	}
	return s;
}

int main(int argc, char **argv)
{
	struct sockaddr_in src = { .sin_family = AF_INET }, *dst;
	struct mmsghdr msgs[BATCH];
	struct in_addr net;
	struct iovec iov;
	char payload[32];
	unsigned long long sent[2] = { 0 }, errs[2] = { 0 }, k = 0;
	unsigned int seed = 12345, plen, ndst, host, nb[2] = { 0 };
	uint64_t *d[2], t0, t1, start;
	double secs;
	int s[2], i, j, r;

	if (argc != 9) {
		fprintf(stderr, "usage: udpsend SRC SPORT NET PLEN NDST SECONDS NS_A NS_B\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &src.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[3], &net) != 1) {
		fprintf(stderr, "udpsend: bad address\n");
		return 2;
	}
	src.sin_port = htons(atoi(argv[2]));
	plen = atoi(argv[4]);
	ndst = atoi(argv[5]);
	secs = atof(argv[6]);
	dst = calloc(ndst ? ndst : 1, sizeof(*dst));
	d[0] = calloc(MAXB, sizeof(uint64_t));
	d[1] = calloc(MAXB, sizeof(uint64_t));
	if (plen < 1 || plen > 32 || ndst < BATCH || !dst || !d[0] || !d[1]) {
		fprintf(stderr, "udpsend: bad PLEN or NDST, or no memory\n");
		return 2;
	}
	host = plen == 32 ? 0 : 0xffffffffu >> plen;
	for (i = 0; i < (int)ndst; i++) {
		dst[i].sin_family = AF_INET;
		dst[i].sin_addr.s_addr = htonl((ntohl(net.s_addr) & ~host) | (rand_r(&seed) & host));
		dst[i].sin_port = htons(1 + rand_r(&seed) % 1024);
	}
	s[0] = socket_in(argv[7], &src);
	s[1] = socket_in(argv[8], &src);
	memset(payload, 'x', sizeof(payload));
	iov.iov_base = payload;
	iov.iov_len = sizeof(payload);
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_namelen = sizeof(*dst);
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	start = now_ns();
	do {
		for (j = 0; j < 2; j++) {
			/* Both sockets send the same destinations in turn. */
			for (i = 0; i < BATCH; i++)
				msgs[i].msg_hdr.msg_name = &dst[(k + i) % ndst];
			t0 = now_ns();
			r = sendmmsg(s[j], msgs, BATCH, 0);
			t1 = now_ns();
			if (r < 0 && errno != ENOBUFS && errno != EAGAIN) {
				perror("udpsend: sendmmsg");
				return 1;
			}
			if (r > 0)
				sent[j] += r;
			if (r != BATCH)
				errs[j]++;
			else if (nb[j] < MAXB)
				d[j][nb[j]++] = t1 - t0;
		}
		k += BATCH;
	} while (t1 - start < secs * 1e9);
	for (j = 0; j < 2; j++) {
		double per;

		if (!nb[j]) {
			printf("%c sent=%llu errors=%llu batches=0\n", 'a' + j, sent[j], errs[j]);
			continue;
		}
		qsort(d[j], nb[j], sizeof(uint64_t), cmp_u64);
		per = (double)d[j][nb[j] / 2] / BATCH;
		printf("%c sent=%llu errors=%llu batches=%u ns_per_pkt=%.1f pps=%.0f\n",
		       'a' + j, sent[j], errs[j], nb[j], per, 1e9 / per);
	}
	return 0;
}
EOF
tap_check "compile the UDP sender" cc -O2 -Wall -o "$W/udpsend" "$W/udpsend.c"

# The policies: dir out, the first 64 of uniformly random prefix lengths,
# then nfipsec's "mixed" kinds (kmod/spd_bench.c); none matches the
# traffic, udp 192.0.2.1:40000 -> 198.18.0.0/15 ports 1..1024 (selectors
# that could are drawn again, as are duplicates: XFRM refuses those
# whatever the priority).
python3 - "$LARGE" "$W/policies.setkey" >"$W/policies" <<'EOF'
import random, sys

n = int(sys.argv[1])
sk = open(sys.argv[2], "w")
rnd = random.Random(0x6e66697073656321)
SRC, SPORT, DNET, DPLEN = 0xC0000201, 40000, 0xC6120000, 15
SPACES = [(0x0A000000, 8), (0, 0), (0xAC100000, 12), (0xC0A80000, 16), (0x0A000000, 8)]
WELL_KNOWN = [22, 53, 80, 443, 500, 4500]
ALL = 0xFFFFFFFF

def mask(l):
    return (ALL << (32 - l)) & ALL if l else 0

def inside(base, l):
    return (base & mask(l)) | (rnd.getrandbits(32) & ~mask(l) & ALL)

def ports():
    k = rnd.randrange(8)
    if k < 3:
        return None, None, None
    if k == 3:
        return "icmp", (rnd.randrange(16) if rnd.randrange(2) else None), None
    proto = "tcp" if rnd.randrange(2) else "udp"
    sport = 1 + rnd.randrange(65535) if rnd.randrange(4) == 0 else None
    dport = None
    if rnd.randrange(4):
        dport = rnd.choice(WELL_KNOWN) if rnd.randrange(2) else 1 + rnd.randrange(65535)
    return proto, sport, dport

def uniform():
    sl, dl = rnd.randrange(33), rnd.randrange(33)
    return (rnd.getrandbits(32), sl, rnd.getrandbits(32), dl) + ports()

def mixed():
    kind = rnd.randrange(100)
    if kind < 35:       # road warrior: corporate prefix (or any) to a client
        base, sl = SPACES[1 + rnd.randrange(4)]
        return (inside(base, sl), sl, rnd.getrandbits(32), 32, None, None, None)
    if kind < 65:       # site to site, /16../28 each side
        sl, dl = 16 + rnd.randrange(13), 16 + rnd.randrange(13)
        p = (None, None, None) if rnd.randrange(4) else ports()
        return (rnd.getrandbits(32), sl, rnd.getrandbits(32), dl) + p
    return (rnd.getrandbits(32), 32, rnd.getrandbits(32), 32) + ports()  # host to host

def matches(sel):    # could match some packet of the traffic
    s, sl, d, dl, proto, sport, dport = sel
    return ((SRC ^ s) & mask(sl) == 0 and (DNET ^ d) & mask(min(dl, DPLEN)) == 0 and
            proto in (None, "udp") and sport in (None, SPORT) and
            (dport is None or 1 <= dport <= 1024))

def a(x):
    return "%d.%d.%d.%d" % (x >> 24, (x >> 16) & 255, (x >> 8) & 255, x & 255)

seen = set()
while len(seen) < n:
    sel = uniform() if len(seen) < 64 else mixed()    # masked below
    s, sl, d, dl, proto, sport, dport = sel
    sel = (s & mask(sl), sl, d & mask(dl), dl, proto, sport, dport)
    if sel in seen or matches(sel):
        continue
    seen.add(sel)
    s, sl, d, dl, proto, sport, dport = sel
    line = "xfrm policy add src %s/%d dst %s/%d" % (a(s), sl, a(d), dl)
    if proto == "icmp":
        line += " proto icmp" + (" type %d" % sport if sport is not None else "")
    elif proto:
        line += " proto " + proto
        line += " sport %d" % sport if sport else ""
        line += " dport %d" % dport if dport else ""
    prio = rnd.randrange(8)
    print(line + " dir out priority %d" % prio)
    # setkey: the same selector; "prio N" is stored as 2^31 - N, so the
    # same priority number as XFRM's.  ICMP type and code go as the ports
    # (code 0: any).
    sp, dp, up = "any", "any", "any"
    if proto == "icmp":
        up = "icmp" + (" %d,0" % sport if sport is not None else "")
    elif proto:
        up = proto
        sp = str(sport) if sport else "any"
        dp = str(dport) if dport else "any"
    sk.write("spdadd %s/%d[%s] %s/%d[%s] %s -P out prio %d none;\n" %
             (a(s), sl, sp, a(d), dl, dp, up, 2**31 - prio))
EOF
tap_is "generated $LARGE XFRM policies" "$(wc -l <"$W/policies")" "$LARGE"
tap_is "and the same in setkey's form" "$(wc -l <"$W/policies.setkey")" "$LARGE"

# Two identical hosts: "x" gets the policies, "y" never has any and is the
# baseline, measured batch by batch alternately with x by the same sender
# (XFRM skips the lookup when a namespace has no policy): both see the same
# moments of a shared host.
# One gateway neighbour (NOARP dummy): 4,096 destinations would otherwise
# be 4,096 neighbour entries, past the table's gc thresholds.
make_hosts() {
	local h
	for h in x y; do
		ns_create $h
		ip -n $h link add dummy0 type dummy
		ip -n $h addr add 192.0.2.1/24 dev dummy0
		ip -n $h link set dummy0 up
		ip -n $h route add 198.18.0.0/15 via 192.0.2.2 dev dummy0
	done
}

xfrm_out_count() {
	ip -n x xfrm policy count | sed -n 's/.*OUT \([0-9]*\).*/\1/p' | head -n 1
}
nf_out_count() {
	ip netns exec x "$SETKEY" -DP | grep -c '^[0-9]'
}
txp() { ip netns exec "$1" cat /sys/class/net/dummy0/statistics/tx_packets; }

# One sender run, x and y interleaved (batch by batch): XNS/YNS = ns per
# packet in each (median batch), "" if the run failed or a dummy device
# transmitted fewer packets than were sent to it (some dropped on the way;
# the policies have no templates, so none is transformed).
send_run() {	# SECONDS
	local out tx0 tx1 h i sent ok=1
	XNS='' YNS=''
	tx0=$(txp x; txp y)
	out=$("$W/udpsend" 192.0.2.1 40000 198.18.0.0 15 4096 "$1" /run/netns/x /run/netns/y 2>&1)
	tx1=$(txp x; txp y)
	read -r -d '' -a tx0 <<<"$tx0"
	read -r -d '' -a tx1 <<<"$tx1"
	tap_diag "$out" "dummy0 transmitted: x $((tx1[0] - tx0[0])), y $((tx1[1] - tx0[1]))"
	for h in a:0 b:1; do
		i=${h#*:}
		sent=$(sed -n "s/^${h%:*} sent=\([0-9]*\) .*/\1/p" <<<"$out")
		[ -n "$sent" ] && [ "$sent" -gt 0 ] && [ $((tx1[i] - tx0[i])) -ge "$sent" ] || ok=0
	done
	[ $ok = 1 ] || return
	XNS=$(sed -n 's/^a .* ns_per_pkt=\([0-9.]*\) .*/\1/p' <<<"$out")
	YNS=$(sed -n 's/^b .* ns_per_pkt=\([0-9.]*\) .*/\1/p' <<<"$out")
}

# REPS runs; PF[N] and PB[N] = packets/s with N policies and with none,
# from the least disturbed run (the smallest sum of the two).
pps() { awk -v ns="$1" 'BEGIN { if (ns + 0 > 0) printf "%.0f", 1e9 / ns; else print "nan" }'; }
measure_pps() {	# STACK N
	local who=$1 n=$2 px=() py=() _ best
	for _ in $(seq "$REPS"); do
		send_run "$SECS"
		[ -n "$XNS" ] && [ -n "$YNS" ] && px+=("$XNS") && py+=("$YNS")
	done
	PF[$n]='' PB[$n]=''
	if [ ${#px[@]} = "$REPS" ]; then
		best=$(for i in "${!px[@]}"; do echo "$i ${px[i]} ${py[i]}"; done |
			awk 'NR == 1 || $2 + $3 < min { min = $2 + $3; i = $1 } END { print i }')
		PF[$n]=$(pps "${px[best]}") PB[$n]=$(pps "${py[best]}")
		tap_ok "$who: $n policies ${PF[$n]} UDP packets/s, none ${PB[$n]}, all sent in clear (ns/packet: ${px[*]} / ${py[*]})"
	else
		tap_fail "$who: $n policies (runs that worked: ${px[*]} / ${py[*]})"
	fi
}

# Install the policies of FILE up to N in x with INSTALL (the lines after
# those already there), check COUNT, and measure; PF/PB as above.
declare -A PF PB
pps_sizes() {	# STACK FILE INSTALL COUNT N...
	local who=$1 file=$2 install=$3 count=$4 have=0 n t0 t1 rc
	shift 4
	# Warm up (TCG translates code paths on their first use).
	send_run 1
	for n in "$@"; do
		if [ "$n" -gt "$have" ]; then
			sed -n "$((have + 1)),${n}p" "$file" >"$W/batch"
			t0=${EPOCHREALTIME/./}
			$install "$W/batch" >"$W/batch.out" 2>&1
			rc=$?
			t1=${EPOCHREALTIME/./}
			head -n 5 "$W/batch.out" | sed 's/^/# /'
			tap_is "$who: $n policies installed (exit $rc; $((n - have)) in $(( (t1 - t0) / 1000 )) ms)" \
				"$($count)" "$n"
			have=$n
		fi
		measure_pps "$who" "$n"
	done
}
xfrm_install() { ip netns exec x ip -batch "$1"; }
nf_install() { ip netns exec x "$SETKEY" -f "$1"; }

# nfipsec first (loaded by the harness), all sizes.
declare -A NP NPB
make_hosts
pps_sizes nfipsec "$W/policies.setkey" nf_install nf_out_count "${SIZES[@]}"
for n in "${SIZES[@]}"; do NP[$n]=${PF[$n]} NPB[$n]=${PB[$n]}; done
t0=${EPOCHREALTIME/./}
ip netns exec x "$SETKEY" -FP
tap_diag "nfipsec: flushed ${SIZES[${#SIZES[@]} - 1]} policies in $(( (${EPOCHREALTIME/./} - t0) / 1000 )) ms"
ns_delete x y

# Then XFRM, nfipsec unloaded.
tap_check "rmmod nfipsec for the XFRM reference" unload nfipsec
declare -A XF XB
make_hosts
pps_sizes XFRM "$W/policies" xfrm_install xfrm_out_count "${XSIZES[@]}"
for n in "${XSIZES[@]}"; do XF[$n]=${PF[$n]} XB[$n]=${PB[$n]}; done
t0=${EPOCHREALTIME/./}
ip -n x xfrm policy flush
tap_diag "XFRM: flushed ${XSIZES[${#XSIZES[@]} - 1]} policies in $(( (${EPOCHREALTIME/./} - t0) / 1000 )) ms"
ns_delete x y

tap_check "insmod nfipsec again" reload_nfipsec

# --- results ----------------------------------------------------------------------
# name n nfipsec reference ratio unit better ("-": not measured for that side)
bench() {
	printf '# bench: name=%s n=%s nfipsec=%s reference=%s ratio=%s unit=%s better=%s\n' "$@"
}
ns_per() { awk -v r="$1" 'BEGIN { if (r + 0 > 0) printf "%.1f", 1e9 / r; else print "nan" }'; }
xfrm_ns() {	# PPS(N) PPS(none): extra ns per packet
	awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.1f", 1e9 / a - 1e9 / b; else print "nan" }'
}
in_xfrm() { [[ " ${XSIZES[*]} " == *" $1 "* ]]; }

# Packets: the same sender through each stack.  spd_pps_base is the rate
# in the twin namespace without policies, measured alternately with N;
# nfipsec's and XFRM's are minutes apart, so the host may differ between
# them: spd_pps_kept and spd_pkt_ns compare each stack with its own base.
for n in "${SIZES[@]}"; do
	xr=- xb=- rr=- xn=-
	if in_xfrm "$n"; then
		xr=${XF[$n]:-} xb=${XB[$n]:-}
		rr=$(ratio "${NP[$n]:-}" "$xr")
		xn=$(xfrm_ns "$xr" "$xb")
	fi
	bench spd_pps_base "$n" "${NPB[$n]:-}" "$xb" "$(ratio "${NPB[$n]:-}" "$xb" | sed 's/^nan$/-/')" pkts/s higher
	bench spd_pps "$n" "${NP[$n]:-}" "$xr" "$rr" pkts/s higher
	# pps(N) / pps(none) of each, from the same runs: what the policies
	# leave of the packet rate, whatever the host did between the stacks.
	kn=$(ratio "${NP[$n]:-}" "${NPB[$n]:-}") kx=- kr=-
	if in_xfrm "$n"; then
		kx=$(ratio "$xr" "$xb")
		kr=$(ratio "$kn" "$kx")
	fi
	bench spd_pps_kept "$n" "$kn" "$kx" "$kr" "pps($n)/pps(none)" higher
	nn=$(xfrm_ns "${NP[$n]:-}" "${NPB[$n]:-}")
	rn=-
	in_xfrm "$n" && rn=$(awk -v a="$nn" -v b="$xn" 'BEGIN { if (b + 0 > 0 && a != "nan") printf "%.3f", a / b; else print "-" }')
	bench spd_pkt_ns "$n" "$nn" "$xn" "$rn" ns lower
done

tap_diag "spd_rate: nfipsec = the SPD engine's in-kernel lookup microbenchmark (lookups/s);" \
	"reference = XFRM end to end, UDP packets/s through route + policy lookup." \
	"Absolute rates are not comparable: compare the retention rate(N)/rate($SMALL) and" \
	"the cost per lookup (spd_lookup_ns), with the caveats of Documentation/benchmarks.md."
for n in "${SIZES[@]}"; do
	if in_xfrm "$n"; then
		# XFRM's packet rate with no policy, measured alternately with N.
		bench spd_xfrm_base "$n" - "${XB[$n]:-}" - pkts/s higher
		bench spd_rate "$n" "${NF[$n]:-}" "${XF[$n]:-}" - lookups/s,pkts/s higher
	else
		bench spd_rate "$n" "${NF[$n]:-}" - - lookups/s higher
	fi
done
for n in "${SIZES[@]}"; do
	[ "$n" = "$SMALL" ] && continue
	rn=${NFR[$n]:-nan}
	if ! in_xfrm "$n"; then
		bench spd_retention "$n" "$rn" - - "rate($n)/rate($SMALL)" higher
		if sane "$rn"; then
			tap_ok "retention at $n policies: nfipsec $rn (XFRM not measured at this size)"
		else
			tap_fail "retention at $n policies: nfipsec $rn"
		fi
		continue
	fi
	# Each rate divided by the twin namespace's, measured with it.
	rx=$(awk -v a="${XF[$n]:-0}" -v b="${XB[$n]:-0}" -v c="${XF[$SMALL]:-0}" -v d="${XB[$SMALL]:-0}" \
		'BEGIN { if (a * b * c * d > 0) printf "%.3f", (a / b) / (c / d); else print "nan" }')
	bench spd_retention "$n" "$rn" "$rx" "$(ratio "$rn" "$rx")" "rate($n)/rate($SMALL)" higher
	if sane "$rn" && sane "$rx"; then
		tap_ok "retention at $n policies: nfipsec $rn, XFRM $rx"
	else
		tap_fail "retention at $n policies: nfipsec $rn, XFRM $rx"
	fi
done
# The cost of one lookup; XFRM's is a difference of two noisy rates, so
# small or negative values are noise, not a fast lookup.
for n in "${SIZES[@]}"; do
	if in_xfrm "$n"; then
		bench spd_lookup_ns "$n" "$(ns_per "${NF[$n]:-}")" "$(xfrm_ns "${XF[$n]:-}" "${XB[$n]:-}")" - ns lower
	else
		bench spd_lookup_ns "$n" "$(ns_per "${NF[$n]:-}")" - - ns lower
	fi
done

tap_done
