#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 900
#
# The SPD beyond what the conformance test compares with af_key:
#   - per-socket policies (setsockopt IP_IPSEC_POLICY / IPV6_IPSEC_POLICY
#     with a KAME sadb_x_policy, as racoon and charon set on IKE sockets):
#     every kind accepted, listed by SPDDUMP as af_key lists them, malformed
#     ones refused, gone with their socket;
#   - SPDEXPIRE when a policy's hard lifetime ends (af_key never sends it);
#   - SPDDUMP of 100,000 policies (20,000 on 6.12, 5,000 on the debug kernel, where an SPDADD costs ~10 ms) never
#     truncated, each policy once;
#   - namespace isolation, and a namespace destroyed with policies in it;
#   - concurrent policy churn (add/delete/update/dump/flush from several
#     processes); the harness fails the test on any kernel splat.
# What reaches the wire under a per-socket policy needs the packet path.
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_require ip python3
[ -x "$SETKEY" ] || tap_skip_all "setkey not built ($SETKEY)"
grep -q '^nfipsec ' /proc/modules || tap_skip_all "nfipsec is not loaded"

N=${NFIPSEC_SPD_BULK:-100000}
[ "$NFIPSEC_KERNEL" = debug ] && N=1000	# 5,000 took most of 500 s there (CI time)
[ "$NFIPSEC_KERNEL" = 6.12 ] && N=${NFIPSEC_SPD_BULK:-20000}	# 100,000 on 6.1 (CI time)

ns_create a
ns_create b
for ns in a b; do
	ip -n $ns link add dummy0 type dummy
	ip -n $ns addr add 10.0.0.1/24 dev dummy0
	ip -n $ns addr add 2001:db8::1/64 dev dummy0 nodad
	ip -n $ns link set dummy0 up
done

OUT=$(mktemp -p /var/tmp)
ERR=$(mktemp -p /var/tmp)
CONF=$(mktemp -p /var/tmp)
tap_on_exit "rm -f $OUT $ERR $CONF"

sk() {	# NS ARGS...: setkey in NS, output in $OUT
	local ns=$1
	shift
	ip netns exec "$ns" "$SETKEY" "$@" >"$OUT" 2>"$ERR"
}

# --- per-socket policies ------------------------------------------------------
cat >"$CONF" <<'EOF'
import errno, os, re, socket, struct, subprocess, sys

IP_IPSEC_POLICY, IPV6_IPSEC_POLICY = 16, 34
DISCARD, NONE, IPSEC, ENTRUST, BYPASS = 0, 1, 2, 3, 4
IN, OUT, FWD = 1, 2, 3

def xpol(ptype, d, reqs=b"", extlen=None):
    n = 16 + len(reqs)
    return struct.pack("=HHHBBII", (extlen or n) // 8, 18, ptype, d, 0, 0, 0) + reqs

def req(proto=50, mode=1, level=2, reqid=0):
    return struct.pack("=HHBBHII", 16, proto, mode, level, reqid, 0, 0)

def setpol(s, fam, blob):
    lvl, opt = ((socket.IPPROTO_IP, IP_IPSEC_POLICY) if fam == socket.AF_INET
                else (socket.IPPROTO_IPV6, IPV6_IPSEC_POLICY))
    try:
        s.setsockopt(lvl, opt, blob)
        return 0
    except OSError as e:
        return e.errno

def ok(cond, what):
    print(("ok" if cond else "not ok") + " - " + what, flush=True)

socks = []
def udp(fam):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    socks.append(s)
    return s

kinds = [
    (socket.AF_INET, xpol(BYPASS, OUT), "IPv4 bypass out"),
    (socket.AF_INET, xpol(BYPASS, IN), "IPv4 bypass in"),
    (socket.AF_INET, xpol(ENTRUST, OUT), "IPv4 entrust out"),
    (socket.AF_INET, xpol(IPSEC, OUT, req()), "IPv4 ipsec esp/transport//require out"),
    (socket.AF_INET, xpol(DISCARD, IN), "IPv4 discard in"),
    (socket.AF_INET6, xpol(BYPASS, OUT), "IPv6 bypass out"),
    (socket.AF_INET6, xpol(IPSEC, IN, req(proto=51, level=1)), "IPv6 ipsec ah/transport//use in"),
]
for fam, blob, what in kinds:
    ok(setpol(udp(fam), fam, blob) == 0, "setsockopt: " + what)

bad = [
    (xpol(BYPASS, FWD), "direction fwd"),
    (xpol(BYPASS, 0), "direction 0"),
    (xpol(IPSEC, OUT), "ipsec without a request"),
    (xpol(9, OUT), "unknown policy type"),
    (xpol(BYPASS, OUT)[:8], "shorter than sadb_x_policy"),
    (xpol(BYPASS, OUT, extlen=32), "extension length beyond the option"),
    (xpol(IPSEC, OUT, req(mode=2)), "tunnel request without endpoints"),
    (xpol(IPSEC, OUT, req(level=9)), "unknown level"),
    (xpol(IPSEC, OUT, req(proto=17)), "request for protocol 17"),
]
for blob, what in bad:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    e = setpol(s, socket.AF_INET, blob)
    ok(e in (errno.EINVAL, errno.EOPNOTSUPP), "setsockopt refuses %s (%s)" % (what, errno.errorcode.get(e, e)))
    s.close()

# The IPv6 option on an IPv4 socket is not ours to take.
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.setsockopt(socket.IPPROTO_IPV6, IPV6_IPSEC_POLICY, xpol(BYPASS, OUT))
    ok(False, "IPV6_IPSEC_POLICY on an IPv4 socket refused")
except OSError:
    ok(True, "IPV6_IPSEC_POLICY on an IPv4 socket refused")
s.close()

dump = subprocess.run([os.environ["SETKEY"], "-DP"], capture_output=True, text=True).stdout
for line in dump.splitlines():
    print("#   " + line)
ok(dump.count("(per-socket policy)") == len(kinds),
   "SPDDUMP lists the %d per-socket policies" % len(kinds))
for word in ("entrust", "discard", "esp/transport//require", "ah/transport//use"):
    ok(word in dump, "SPDDUMP shows " + word)
# af_key reads the xfrm_policy back: a bypass (ALLOW without templates)
# shows as "none", with XFRM's reference count (the socket's) and the
# time XFRM linked it.
entries = dump.split("(per-socket policy)")[1:]
ok(sum(1 for e in entries if re.match(r"\s*(in|out)\(socket\)\S*( .*)? none\n", e)) == 3
   and "bypass" not in dump, "SPDDUMP shows the three bypass policies as none, as af_key does")
ok(all("refcnt=1" in e for e in entries), "every per-socket policy shows refcnt=1, as af_key does")
ok(all(re.search(r"created: \S", e) for e in entries),
   "every per-socket policy shows when it was set (XFRM's add time)")
for s in socks:
    s.close()
dump = subprocess.run([os.environ["SETKEY"], "-DP"], capture_output=True, text=True).stdout
ok("(per-socket policy)" not in dump, "closed sockets' policies are gone from SPDDUMP")
EOF
tap_import < <(ip netns exec a env SETKEY="$SETKEY" python3 "$CONF" 2>&1)
tap_is "namespace b sees no per-socket policy of a" "$(sk b -DP; grep -c 'per-socket' "$OUT")" 0

# --- SPDEXPIRE ----------------------------------------------------------------
cat >"$CONF" <<'EOF'
import select, socket, struct, sys, time

def ok(cond, what):
    print(("ok" if cond else "not ok") + " - " + what, flush=True)

def addr(ext, ip, plen):
    sa = struct.pack("=HH4s8x", socket.AF_INET, 0, socket.inet_aton(ip))
    return struct.pack("=HHBBH", 3, ext, 255, plen, 0) + sa

def msg(mtype, seq, exts, satype=0):
    body = b"".join(exts)
    return struct.pack("=BBBBHHII", 2, mtype, 0, satype, 2 + len(body) // 8, 0, seq, 0) + body

s = socket.socket(15, socket.SOCK_RAW, 2)
# As in KAME, SPDEXPIRE goes to registered sockets (a key manager's).
s.send(msg(7, 99, [], satype=3))
hdr = s.recv(65536)
ok(struct.unpack_from("=BBBB", hdr)[1:3] == (7, 0), "REGISTER for ESP")
hard = struct.pack("=HHIQQQ", 4, 3, 0, 0, 2, 0)      # addtime 2 s
soft = struct.pack("=HHIQQQ", 4, 4, 0, 0, 1, 0)      # addtime 1 s
pol = struct.pack("=HHHBBII", 2, 18, 1, 2, 0, 0, 0)  # none, out
s.send(msg(14, 1, [hard, soft, addr(5, "10.9.0.0", 24), addr(6, "10.9.1.0", 24), pol]))
pid = None
expires = []
deadline = time.time() + 20
while time.time() < deadline and len(expires) < 2:
    r, _, _ = select.select([s], [], [], 1)
    if not r:
        continue
    m = s.recv(65536)
    ver, mtype, errno_, satype, mlen, res, seq, mpid = struct.unpack_from("=BBBBHHII", m)
    if mtype == 14 and seq == 1:
        ok(errno_ == 0, "SPDADD with a soft lifetime of 1 s and a hard one of 2 s")
        off = 16
        while off < len(m):
            l, t = struct.unpack_from("=HH", m, off)
            if t == 18:
                pid = struct.unpack_from("=I", m, off + 8)[0]
            if l == 0:
                break
            off += l * 8
    if mtype == 21:
        off, hard_seen, id_ = 16, None, None
        while off < len(m):
            l, t = struct.unpack_from("=HH", m, off)
            if t in (3, 4):
                hard_seen = (t == 3)
            if t == 18:
                id_ = struct.unpack_from("=I", m, off + 8)[0]
            if l == 0:
                break
            off += l * 8
        expires.append((hard_seen, id_))
ok(pid is not None and pid > 0, "SPDADD reply carries the policy id (%s)" % pid)
ok([e[0] for e in expires] == [False, True], "SPDEXPIRE soft, then hard (%s)" % expires)
ok(len(expires) == 2 and all(e[1] == pid for e in expires), "both SPDEXPIREs name the policy")
EOF
tap_import < <(ip netns exec a python3 "$CONF" 2>&1)
sk a -DP
tap_check "the expired policy is gone" sh -c "! grep -q '^10.9.0.0/24' '$OUT'"

# --- SPDDUMP of N policies, never truncated -----------------------------------
python3 - "$N" >"$CONF" <<'EOF'
import sys
n = int(sys.argv[1])
for i in range(n):
    # Mixed selectors: host, /24 and /16 sources, ports and protocols.
    a, b, c = (i >> 16) & 255, (i >> 8) & 255, i & 255
    kind = i % 4
    if kind == 0:
        print("spdadd 10.%d.%d.%d 172.16.0.0/12 any -P out none;" % (a, b, c))
    elif kind == 1:
        print("spdadd 10.%d.%d.%d/32[500] 192.168.0.0/16[any] udp -P out none;" % (a, b, c))
    elif kind == 2:
        print("spdadd 10.%d.%d.%d/32 198.18.0.0/15 tcp -P in none;" % (a, b, c))
    else:
        print("spdadd 10.%d.%d.%d/32 100.64.0.0/10 icmp -P out ipsec esp/transport//require;" % (a, b, c))
EOF
t0=$(date +%s)
tap_check "spdadd of $N policies (setkey -f)" ip netns exec a "$SETKEY" -f "$CONF"
tap_diag "added in $(( $(date +%s) - t0 )) s"
t0=$(date +%s)
sk a -DP
tap_diag "dumped in $(( $(date +%s) - t0 )) s"
# RFC mode gives each "in" policy a fwd twin.
tap_is "SPDDUMP returns every policy (and the fwd twins), each once" \
	"$(grep -E '^10\.' "$OUT" | sort | uniq -d | wc -l) $(grep -cE '^10\.' "$OUT")" \
	"$((N / 4)) $((N + N / 4))"
tap_is "namespace b still has no policy" "$(sk b -DP; cat "$OUT")" "No SPD entries."

# --- a namespace destroyed with its policies ----------------------------------
tap_check "spdadd in namespace b" bash -c "ip netns exec b '$SETKEY' -c <<<'spdadd 10.1.0.0/16 10.2.0.0/16 any -P out ipsec esp/tunnel/10.0.0.1-10.0.0.2/require;'"
tap_check "delete namespace a with $N policies in it" ip netns del a
tap_is "namespace b keeps its policy" "$(sk b -DP; grep -c '^10.1.0.0/16' "$OUT")" 1

# --- concurrent churn ---------------------------------------------------------
churn() {	# ID: add, update, delete its own policies, dump, in a loop
	local id=$1 end=$(( $(date +%s) + 15 ))
	while [ "$(date +%s)" -lt "$end" ]; do
		ip netns exec b "$SETKEY" -c >/dev/null 2>&1 <<-EOS
		spdadd 10.$id.1.0/24 10.$id.2.0/24 any -P out ipsec esp/transport//require;
		spdadd 10.$id.3.0/24[80] 10.$id.4.0/24 tcp -P in none;
		spdupdate 10.$id.1.0/24 10.$id.2.0/24 any -P out discard;
		spddelete 10.$id.3.0/24[80] 10.$id.4.0/24 tcp -P in;
		spddelete 10.$id.1.0/24 10.$id.2.0/24 any -P out;
		EOS
		ip netns exec b "$SETKEY" -DP >/dev/null 2>&1
	done
}
pids=()
for id in 11 12 13; do churn $id & pids+=($!); done
( end=$(( $(date +%s) + 15 ))
  while [ "$(date +%s)" -lt "$end" ]; do
	ip netns exec b "$SETKEY" -c >/dev/null 2>&1 <<<"spdadd 10.99.0.0/16 10.98.0.0/16 any -P out none; spdflush;"
	sleep 0.2
  done ) & pids+=($!)
for p in "${pids[@]}"; do wait "$p"; done
tap_check "after the churn, spdflush and an empty SPD" bash -c \
	"ip netns exec b '$SETKEY' -c <<<'spdflush;' && [ \"\$(ip netns exec b '$SETKEY' -DP)\" = 'No SPD entries.' ]"
tap_done
