// SPDX-License-Identifier: GPL-2.0
/*
 * msgbuf.c - appending extensions to a PF_KEY message.
 *
 * Every extension length is in 64-bit words and every extension starts on
 * an 8-byte boundary (RFC 2367 section 2.2); the padding is zeroed so no
 * stale memory (a key, say) leaks into a message.
 */
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include "msgbuf.h"

static void reserve(struct msgbuf *mb, size_t more)
{
	size_t cap = mb->cap ? mb->cap : 256;

	while (mb->len + more > cap)
		cap *= 2;
	if (cap != mb->cap) {
		uint8_t *b = realloc(mb->buf, cap);

		if (!b)
			abort();
		memset(b + mb->cap, 0, cap - mb->cap);
		mb->buf = b;
		mb->cap = cap;
	}
}

void mb_init(struct msgbuf *mb, uint8_t type, uint8_t satype)
{
	struct sadb_msg *h;

	mb->len = 0;
	reserve(mb, sizeof(*h));
	h = (struct sadb_msg *)mb->buf;
	memset(h, 0, sizeof(*h));
	h->sadb_msg_version = PF_KEY_V2;
	h->sadb_msg_type = type;
	h->sadb_msg_satype = satype;
	mb->len = sizeof(*h);
}

void *mb_ext(struct msgbuf *mb, uint16_t type, const void *hdr, size_t hdrlen,
	     const void *data, size_t datalen)
{
	size_t total = PFK_ALIGN8(hdrlen + datalen);
	struct sadb_ext *e;

	reserve(mb, total);
	e = (struct sadb_ext *)(mb->buf + mb->len);
	memset(e, 0, total);
	memcpy(e, hdr, hdrlen);
	if (datalen)
		memcpy((uint8_t *)e + hdrlen, data, datalen);
	e->sadb_ext_len = PFK_UNITS(total);
	e->sadb_ext_type = type;
	mb->len += total;
	return e;
}

size_t sockaddr_len(int family)
{
	switch (family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	default:
		return 0;
	}
}

void mb_address(struct msgbuf *mb, uint16_t type, const struct sockaddr *sa,
		uint8_t proto, uint8_t prefixlen)
{
	struct sadb_address a;

	memset(&a, 0, sizeof(a));
	a.sadb_address_proto = proto;
	a.sadb_address_prefixlen = prefixlen;
	mb_ext(mb, type, &a, sizeof(a), sa, sockaddr_len(sa->sa_family));
}

void mb_raw(struct msgbuf *mb, const void *data, size_t len)
{
	reserve(mb, len);
	memcpy(mb->buf + mb->len, data, len);
	mb->len += len;
}

struct sadb_msg *mb_finish(struct msgbuf *mb)
{
	struct sadb_msg *h = (struct sadb_msg *)mb->buf;

	h->sadb_msg_len = PFK_UNITS(mb->len);
	return h;
}

void mb_free(struct msgbuf *mb)
{
	if (mb->buf) {
		/* Messages carry keys. */
		explicit_bzero(mb->buf, mb->cap);
		free(mb->buf);
	}
	memset(mb, 0, sizeof(*mb));
}
