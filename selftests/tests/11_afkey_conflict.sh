#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: noload
#
# One owner of PF_KEY per kernel: with Linux's af_key loaded, insmod of
# nfipsec fails and the kernel log says why and what to do; with nfipsec
# loaded, af_key cannot load.  Nothing is left half-registered either way.
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_plan 7

modprobe af_key 2>/dev/null || tap_skip_all "af_key is not available on this kernel"
dmesg -C
tap_check_fails "insmod nfipsec fails while af_key owns PF_KEY" insmod "$NFIPSEC_KO"
msg=$(dmesg | grep -i 'nfipsec' | grep -i 'af_key')
tap_diag "$msg"
tap_check "the kernel log names af_key and how to fix it" \
	sh -c "dmesg | grep -i nfipsec | grep -q 'rmmod af_key'"
tap_check_fails "nfipsec is not left loaded" grep -q '^nfipsec ' /proc/modules
tap_check "af_key still works (socket opens)" \
	python3 -c 'import socket; socket.socket(15, socket.SOCK_RAW, 2)'
run rmmod af_key
tap_check "insmod nfipsec succeeds once af_key is gone" insmod "$NFIPSEC_KO"
tap_check_fails "modprobe af_key fails while nfipsec owns PF_KEY" modprobe af_key
tap_check "rmmod nfipsec" rmmod nfipsec
tap_done
