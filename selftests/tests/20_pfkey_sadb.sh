#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsec: timeout 900
#
# The key engine through PF_KEY (selftests/progs/pfkey_sadb.c): every SA
# message, algorithms and keys, GETSPI/UPDATE, lifetimes and EXPIRE, a
# 20,000-SA dump through an 8 KiB buffer, nfipsec's extensions, netns.
exec "$NFIPSEC_PROGS/pfkey_sadb"
