/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msgbuf.h - building PF_KEY v2 messages.
 */
#ifndef SETKEY_MSGBUF_H
#define SETKEY_MSGBUF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <linux/pfkeyv2.h>

/* Bytes rounded up to PF_KEY's 64-bit units. */
#define PFK_ALIGN8(n)	(((n) + 7) & ~(size_t)7)
#define PFK_UNITS(n)	((uint16_t)(PFK_ALIGN8(n) / 8))

/* A message under construction; grows as extensions are appended. */
struct msgbuf {
	uint8_t *buf;
	size_t len, cap;
};

/* Start a message: the base header with PF_KEY_V2, seq and pid 0. */
void mb_init(struct msgbuf *mb, uint8_t type, uint8_t satype);

/*
 * Append an extension: @hdr (@hdrlen bytes, whose first two fields are
 * rewritten with the length and @type) followed by @data, zero-padded to
 * 8 bytes.  Returns the extension in the buffer (valid until the next
 * append).
 */
void *mb_ext(struct msgbuf *mb, uint16_t type, const void *hdr, size_t hdrlen,
	     const void *data, size_t datalen);

/* An address extension holding @sa (sockaddr_in or sockaddr_in6). */
void mb_address(struct msgbuf *mb, uint16_t type, const struct sockaddr *sa,
		uint8_t proto, uint8_t prefixlen);

/* Append raw bytes (already 8-aligned), e.g. a built sadb_x_policy. */
void mb_raw(struct msgbuf *mb, const void *data, size_t len);

/* Set sadb_msg_len; the message is then buf[0..len). */
struct sadb_msg *mb_finish(struct msgbuf *mb);

void mb_free(struct msgbuf *mb);

/* Length of a sockaddr of @family as PF_KEY carries it, 0 if unknown. */
size_t sockaddr_len(int family);

#endif
