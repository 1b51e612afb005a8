#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Harness smoke test: the guest environment every other test relies on.
#
#   guest (root, host's / under a tmpfs overlay, nfipsec.ko inserted)
#   +-------------+        veth         +-------------+
#   |  netns a    | eth0 ---------- eth0|  netns b    |
#   | 192.0.2.1   |                     | 192.0.2.2   |
#   | 2001:db8::1 |                     | 2001:db8::2 |
#   +-------------+                     +-------------+
#
# Checks: root, writable /tmp, the harness environment variables, the module
# files, nfipsec loaded by the harness, namespaces + veth + ping both
# families, modprobe of an XFRM module (the interop peer), the CPU-feature
# crypto drivers.
. "$NFIPSEC_ROOT/selftests/lib/tap.sh"

tap_plan 12

tap_is "running as root" "$(id -u)" 0
tap_check "/tmp is writable" touch /tmp/nfipsec-smoke
rm -f /tmp/nfipsec-smoke
tap_is "NFIPSEC_KREL is the running kernel" "$NFIPSEC_KREL" "$(uname -r)"
case $NFIPSEC_KERNEL in
6.1|6.12|debug) tap_ok "NFIPSEC_KERNEL=$NFIPSEC_KERNEL" ;;
*) tap_fail "NFIPSEC_KERNEL='$NFIPSEC_KERNEL' is not a known kernel" ;;
esac
tap_check "nfipsec.ko is present ($NFIPSEC_KO)" test -f "$NFIPSEC_KO"
tap_check "nfipsec.ko was built for this kernel" \
	sh -c "modinfo -F vermagic '$NFIPSEC_KO' | grep -q '^$(uname -r) '"
tap_check "nfipsec is loaded" grep -q '^nfipsec ' /proc/modules
if [ "$NFIPSEC_KERNEL" = debug ]; then
	tap_check "nfipsec_test.ko is present" test -f "$NFIPSEC_TEST_KO"
else
	tap_is "no nfipsec_test.ko (no KUnit in Debian's kernels)" "$NFIPSEC_TEST_KO" ""
fi

ns_create a b
ns_veth a eth0 192.0.2.1/24 b eth0 192.0.2.2/24
ip -n a addr add 2001:db8::1/64 dev eth0 nodad
ip -n b addr add 2001:db8::2/64 dev eth0 nodad
tap_check "veth between two namespaces, IPv4 ping" n a ping -c 1 -W 5 192.0.2.2
tap_check "IPv6 ping" n b ping -6 -c 1 -W 5 2001:db8::1
tap_check "modprobe xfrm_user (XFRM is the interop peer)" modprobe xfrm_user
if grep -q '^aesni_intel ' /proc/modules || grep -q 'aesni_intel' /proc/crypto; then
	tap_ok "AES-NI driver loaded"
else
	tap_fail "AES-NI driver not loaded"
	grep -m3 -A3 'gcm(aes)' /proc/crypto | tap_diag "$(cat)"
fi
tap_done
