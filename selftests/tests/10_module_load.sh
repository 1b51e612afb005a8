#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: noload
#
# Loading and unloading nfipsec.ko: many cycles, with state left behind
# each time (sockets closed, SAs added, namespaces created), the refusal to
# unload while a PF_KEY socket is open, and the /proc and sysctl files
# appearing and disappearing with the module.
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

CYCLES=20
# KASAN and kmemleak make a cycle take 20 s there: fewer of the same
# (every cycle leaves SAs in two namespaces to the unload; CI time).
[ "$NFIPSEC_KERNEL" = debug ] && CYCLES=3
tap_plan 10

loaded() { grep -q '^nfipsec ' /proc/modules; }

tap_check_fails "nfipsec is not loaded at the start" loaded
ok=0
for i in $(seq "$CYCLES"); do
	insmod "$NFIPSEC_KO" || break
	# Leave some state for the unload to clean up.
	ip netns add "loadns$i" 2>/dev/null
	"$NFIPSEC_PROGS/pfkey_sadb" --fill 50 >/dev/null 2>&1
	ip netns exec "loadns$i" "$NFIPSEC_PROGS/pfkey_sadb" --fill 10 >/dev/null 2>&1
	rmmod nfipsec || break
	ip netns del "loadns$i"
	ok=$((ok + 1))
done
tap_is "$CYCLES load/unload cycles with SAs and namespaces" "$ok" "$CYCLES"

insmod "$NFIPSEC_KO"
tap_check "/proc/net/pfkey exists while loaded" test -r /proc/net/pfkey
tap_check "/proc/net/nfipsec/stats exists while loaded" test -r /proc/net/nfipsec/stats
tap_check "net.inet.ipsec sysctls exist while loaded" test -r /proc/sys/net/inet/ipsec/def_policy

# A socket holds the module: rmmod must refuse, then succeed once closed.
exec 3< <(python3 -c 'import socket,time; s=socket.socket(15, socket.SOCK_RAW, 2); print("open", flush=True); time.sleep(30)')
# python starts slowly on a loaded debug guest: wait for its word.
read -r -t 90 word <&3
tap_is "a PF_KEY socket was opened" "$word" open
tap_check_fails "rmmod refused while a PF_KEY socket is open" rmmod nfipsec
pkill -f 'socket.socket\(15' ; exec 3<&-
sleep 1
tap_check "rmmod succeeds once the socket is closed" rmmod nfipsec
tap_check_fails "/proc/net/pfkey is gone after unload" test -e /proc/net/pfkey
tap_check_fails "sysctls are gone after unload" test -e /proc/sys/net/inet/ipsec
tap_done
