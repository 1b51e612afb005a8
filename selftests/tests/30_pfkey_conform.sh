#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: noload
# nfipsec: timeout 1800
# nfipsec: kernels 6.1
#
# Differential PF_KEY conformance against Linux's own af_key.ko.
# On 6.1 only in make check: the same nfipsec code answers on 6.12, and
# CI's 90 minutes went to the packet path's tests (run it on 6.12 with
# selftests/run.sh --kernel 6.12 --test 30_pfkey_conform; @6.12 entries of
# the allow-list are kept for that).
#
# In one guest boot: modprobe af_key, run pfkey_conform (transcript A),
# rmmod af_key, insmod nfipsec.ko, run it again (transcript B), rmmod
# nfipsec; then compare A and B step by step, one TAP point per step:
#
#   identical                          ok
#   differ only by nfipsec's extended  ok   (intended difference 2 of
#     diagnostic (" diag=..." on B)         Documentation/pfkey-conformance.md)
#   differ, step allow-listed          ok   [allowed: reason]
#   differ, not allow-listed           not ok, with the diff
#   allow-listed but not different     not ok (stale allow-list entry)
#
# plus one failing point per allow-list entry that matches no step.  The
# allow-list is selftests/conform/allowlist: "PATTERN  reason...", one per
# line, # comments; PATTERN is a step name or a shell glob over step names,
# optionally suffixed with @KERNEL (6.1, 6.12) to apply to one kernel only.
#
# Transcripts are kept in $NFIPSEC_LOGDIR (or /tmp)/pfkey_conform-<kernel>/;
# NFIPSEC_CONFORM_PRINT=1 also prints both whole transcripts as TAP
# diagnostics (the guest's /tmp does not survive the boot).
# NFIPSEC_CONFORM_COMPARE="A-FILE B-FILE" skips the runs and compares two
# saved transcripts (on any host, no PF_KEY needed), with NFIPSEC_KERNEL
# naming the kernel they came from for @KERNEL entries.
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

PROG=${NFIPSEC_PROGS:-$NFIPSEC_ROOT/build/progs}/pfkey_conform
ALLOW=${NFIPSEC_CONFORM_ALLOWLIST:-$NFIPSEC_ROOT/selftests/conform/allowlist}
KNAME=${NFIPSEC_KERNEL:-$(uname -r)}
OUT=${NFIPSEC_LOGDIR:-/tmp}/pfkey_conform-$KNAME
TA=$OUT/af_key.txt
TB=$OUT/nfipsec.txt

if [ -n "${NFIPSEC_CONFORM_COMPARE:-}" ]; then
	# Compare two saved transcripts (no kernel needed): "A-FILE B-FILE".
	read -r TA TB <<<"$NFIPSEC_CONFORM_COMPARE"
	{ [ -f "$TA" ] && [ -f "$TB" ]; } || tap_bail "NFIPSEC_CONFORM_COMPARE: no such files: $NFIPSEC_CONFORM_COMPARE"
	mkdir -p "$OUT" || tap_bail "cannot create $OUT"
	[ -f "$ALLOW" ] || tap_bail "no allow-list at $ALLOW"
else
	tap_require "$PROG" modprobe insmod rmmod
	[ -f "$ALLOW" ] || tap_bail "no allow-list at $ALLOW"
	mkdir -p "$OUT" || tap_bail "cannot create $OUT"
	grep -q '^nfipsec ' /proc/modules && tap_bail "nfipsec is loaded (the test needs # nfipsec: noload)"
	if ! modinfo af_key >/dev/null 2>&1; then
		tap_skip_all "no af_key module for $(uname -r)"
	fi
	tap_on_exit "rmmod af_key; rmmod nfipsec"

	# A transcript is complete when its last line is "end<TAB>steps=N".
	complete() { tail -n 1 "$1" | grep -q "^end	steps=[0-9]*$"; }

	# --- transcript A: af_key --------------------------------------------------
	tap_check "modprobe af_key" modprobe af_key
	"$PROG" >"$TA" 2>"$OUT/af_key.err"
	rc=$?
	[ -s "$OUT/af_key.err" ] && tap_diag "$(cat "$OUT/af_key.err")"
	if [ $rc = 0 ] && complete "$TA"; then
		tap_ok "transcript A (af_key): $(grep -c '	begin$' "$TA") steps"
	else
		tap_fail "transcript A (af_key): pfkey_conform exited $rc"
	fi
	tap_check "rmmod af_key" rmmod af_key

	# --- transcript B: nfipsec --------------------------------------------------
	tap_check "insmod nfipsec.ko" insmod "$NFIPSEC_KO"
	"$PROG" >"$TB" 2>"$OUT/nfipsec.err"
	rc=$?
	[ -s "$OUT/nfipsec.err" ] && tap_diag "$(cat "$OUT/nfipsec.err")"
	if [ $rc = 0 ] && complete "$TB"; then
		tap_ok "transcript B (nfipsec): $(grep -c '	begin$' "$TB") steps"
	else
		tap_fail "transcript B (nfipsec): pfkey_conform exited $rc"
	fi
	tap_check "rmmod nfipsec" rmmod nfipsec

	if [ "${NFIPSEC_CONFORM_PRINT:-0}" = 1 ]; then
		sed 's/^/# A: /' "$TA"
		sed 's/^/# B: /' "$TB"
	fi
fi

# --- comparison -----------------------------------------------------------
# Per step: "same", "diag" (B differs only by trailing " diag=..." tokens
# that A does not have) or "differ", in the order steps first appear.
verdicts=$(awk -F '\t' '
	FNR == 1 { f++ }
	$1 == "end" { next }
	{
		s = $1
		if (!(s in seen)) { seen[s] = 1; order[++n] = s }
		if (f == 1) a[s] = a[s] "\n" $2
		else {
			b[s] = b[s] "\n" $2
			t = $2; sub(/ diag=[^ ]*$/, "", t)
			bs[s] = bs[s] "\n" t
		}
	}
	END {
		for (i = 1; i <= n; i++) {
			s = order[i]
			if (a[s] == b[s]) v = "same"
			else if (a[s] == bs[s] && a[s] !~ / diag=[^ ]*(\n|$)/) v = "diag"
			else v = "differ"
			print v "\t" s
		}
	}' "$TA" "$TB")

# Allow-list: pattern[@kernel] and reason.
pats=() reasons=() used=()
while IFS= read -r line; do
	line=${line%%#*}
	[[ $line =~ ^[[:space:]]*([^[:space:]]+)[[:space:]]+(.*[^[:space:]])[[:space:]]*$ ]] || continue
	pat=${BASH_REMATCH[1]} why=${BASH_REMATCH[2]}
	if [[ $pat == *@* ]]; then
		[ "${pat##*@}" = "$KNAME" ] || continue
		pat=${pat%@*}
	fi
	pats+=("$pat") reasons+=("$why") used+=(0)
done <"$ALLOW"

step_lines() {	# FILE STEP
	awk -F '\t' -v s="$2" '$1 == s && $2 != "begin" { print $2 }' "$1"
}

n_same=0 n_diag=0 n_allowed=0 n_fail=0 n_stale=0
while IFS=$'\t' read -r v step; do
	[ -n "$step" ] || continue
	hit=-1
	for i in "${!pats[@]}"; do
		# shellcheck disable=SC2053 # glob match intended
		if [[ $step == ${pats[$i]} ]]; then
			hit=$i
			break
		fi
	done
	if [ "$hit" -ge 0 ]; then
		[ "$v" = differ ] && used[hit]=1
		# A glob entry is stale only if none of its steps differ (below).
		if [ "$v" = differ ]; then
			n_allowed=$((n_allowed + 1))
			tap_ok "$step [allowed: ${reasons[$hit]}]"
		elif [ "${pats[$hit]}" = "$step" ]; then
			n_stale=$((n_stale + 1))
			tap_fail "$step: allow-listed but the transcripts agree ($v): stale allow-list entry"
			tap_diag "stale entry: ${pats[$hit]}  ${reasons[$hit]}"
			used[hit]=1
		else
			case $v in
			same) n_same=$((n_same + 1)); tap_ok "$step" ;;
			diag) n_diag=$((n_diag + 1)); tap_ok "$step (differs by nfipsec's extended diagnostic only)" ;;
			esac
		fi
		continue
	fi
	case $v in
	same)
		n_same=$((n_same + 1))
		tap_ok "$step" ;;
	diag)
		n_diag=$((n_diag + 1))
		tap_ok "$step (differs by nfipsec's extended diagnostic only)" ;;
	*)
		n_fail=$((n_fail + 1))
		tap_fail "$step: af_key and nfipsec differ"
		step_lines "$TA" "$step" >"$OUT/step.A"
		step_lines "$TB" "$step" >"$OUT/step.B"
		tap_diag "$(diff -U0 --label "A af_key" --label "B nfipsec" \
			"$OUT/step.A" "$OUT/step.B" | cut -c1-2000)" ;;
	esac
done <<<"$verdicts"

# Entries that matched nothing that differs.
for i in "${!pats[@]}"; do
	[ "${used[$i]}" = 1 ] && continue
	n_stale=$((n_stale + 1))
	tap_fail "allow-list entry '${pats[$i]}' matches no differing step: stale"
done

tap_diag "steps: $n_same identical, $n_diag diagnostic-only, $n_allowed allowed differences, $n_fail unexpected differences, $n_stale stale allow-list entries"
tap_diag "transcripts: $TA $TB"
tap_done
