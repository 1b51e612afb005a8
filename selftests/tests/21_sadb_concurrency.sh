#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 600
#
# Concurrency on the SADB: several processes add, get and delete SAs in
# parallel (each its own SPI range, every second SA deleted again), while
# another one dumps and a third flushes the AH table it never uses.  On the
# debug kernel this runs under KASAN, lockdep and PROVE_RCU; the harness
# fails the run on any splat.  At the end the dump must hold exactly the
# SAs that were not deleted.
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

WORKERS=4
PER=${NFIPSEC_CHURN:-400}
[ "$NFIPSEC_KERNEL" = debug ] && PER=150
tap_plan 3

pids=()
for i in $(seq 0 $((WORKERS - 1))); do
	"$NFIPSEC_PROGS/pfkey_sadb" --churn "$i" "$PER" &
	pids+=($!)
done
( for _ in $(seq 20); do "$NFIPSEC_PROGS/pfkey_sadb" --count >/dev/null; done ) &
dumper=$!
( for _ in $(seq 50); do echo "flush ah;" | "$NFIPSEC_ROOT/tools/setkey/setkey" -c >/dev/null 2>&1 || true; done ) &
flusher=$!

bad=0
for p in "${pids[@]}"; do
	wait "$p" || bad=$((bad + 1))
done
wait "$dumper"
wait "$flusher"
tap_is "$WORKERS workers x $PER add/get/delete: every reply as expected" "$bad" 0
want=$((WORKERS * (PER - PER / 2)))
got=$("$NFIPSEC_PROGS/pfkey_sadb" --count)
tap_is "the final dump holds exactly the $want SAs left" "$got" "$want"
"$NFIPSEC_ROOT/tools/setkey/setkey" -F >/dev/null 2>&1
tap_is "setkey -F empties it" "$("$NFIPSEC_PROGS/pfkey_sadb" --count)" "-2"
tap_done
