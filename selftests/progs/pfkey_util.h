/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfkey_util.h - small PF_KEY helpers for the selftest programs: open a
 * socket, send a message, receive with a timeout, wait for the reply to
 * a given sequence number.
 */
#ifndef _NFIPSEC_PFKEY_UTIL_H
#define _NFIPSEC_PFKEY_UTIL_H

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/pfkeyv2.h>
#include <linux/ipsec.h>
#include "nfipsec.h"

#define PFK_BUF 65536

static inline int pfk_open(void)
{
	return socket(PF_KEY, SOCK_RAW, PF_KEY_V2);
}

/* Wait up to @ms for a message; returns its length, 0 on timeout, -errno. */
static inline ssize_t pfk_recv(int fd, void *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	r = poll(&p, 1, ms);
	if (r < 0)
		return -errno;
	if (r == 0)
		return 0;
	n = recv(fd, buf, len, MSG_DONTWAIT);
	return n < 0 ? -errno : n;
}

/* Receive until a message with @seq and @type arrives (others dropped). */
static inline ssize_t pfk_recv_reply(int fd, void *buf, size_t len,
				     uint8_t type, uint32_t seq, int ms)
{
	for (;;) {
		ssize_t n = pfk_recv(fd, buf, len, ms);
		const struct sadb_msg *h = buf;

		if (n <= 0)
			return n;
		if ((size_t)n >= sizeof(*h) && h->sadb_msg_type == type &&
		    h->sadb_msg_seq == seq && h->sadb_msg_pid == (uint32_t)getpid())
			return n;
	}
}

/* Discard whatever is queued. */
static inline void pfk_drain(int fd)
{
	char buf[PFK_BUF];

	while (pfk_recv(fd, buf, sizeof(buf), 0) > 0)
		;
}

static inline void pfk_hdr(struct sadb_msg *h, uint8_t type, uint8_t satype,
			   uint32_t seq)
{
	memset(h, 0, sizeof(*h));
	h->sadb_msg_version = PF_KEY_V2;
	h->sadb_msg_type = type;
	h->sadb_msg_satype = satype;
	h->sadb_msg_len = sizeof(*h) / 8;
	h->sadb_msg_seq = seq;
	h->sadb_msg_pid = getpid();
}

#endif /* _NFIPSEC_PFKEY_UTIL_H */
