#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The PF_KEY socket layer (selftests/progs/pfkey_socket.c): privilege,
# framing, an error reply with errno and diagnostic for every malformed
# message class, promiscuous sockets, /proc/net/pfkey, counters, netns.
exec "$NFIPSEC_PROGS/pfkey_socket"
