#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 900
#
# The key engine through PF_KEY (selftests/progs/pfkey_sadb.c): every SA
# message, algorithms and keys, GETSPI/UPDATE, lifetimes and EXPIRE, a
# 20,000-SA dump through an 8 KiB buffer, nfipsec's extensions, netns.
# On the debug kernel the dump holds 4,000 SAs, still some 100 buffers:
# KASAN and lockdep made the 20,000 take minutes of a CI budget kept for
# the packet path's tests.
[ "$NFIPSEC_KERNEL" = debug ] && export PFKEY_SADB_BIG=1000	# the minimum; CI time
exec "$NFIPSEC_PROGS/pfkey_sadb"
