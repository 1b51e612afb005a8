/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfkey_parse.h - validation of PF_KEY v2 messages as they arrive from
 * userspace: the base header, every extension header, and which
 * extensions each message type requires and allows.
 *
 * Pure code (see pure.h): no allocation, no locks, no kernel state, so
 * the same file is unit-tested in userspace and by KUnit.
 */
#ifndef _NFIPSEC_PFKEY_PARSE_H
#define _NFIPSEC_PFKEY_PARSE_H

#include "pure.h"

/* One slot per extension type we know: Linux's 1..26 and nfipsec's. */
#define PFKEY_EXT_SLOTS		(SADB_X_EXT_NFIPSEC_MAX + 1)
/* Message types: Linux's 1..SADB_MAX and nfipsec's. */
#define PFKEY_MSG_SLOTS		(SADB_X_NFIPSEC_OPTIONS + 1)

#define PFKEY_EXT_BIT(t)	BIT_ULL(t)

/* A message that passed pfkey_parse(): pointers into the caller's buffer. */
struct pfkey_msg {
	const struct sadb_msg *hdr;
	const void *ext[PFKEY_EXT_SLOTS];
	u64 present;			/* PFKEY_EXT_BIT() of each ext[] set */
};

/* Why a message was refused: errno for sadb_msg_errno, diagnostic code. */
struct pfkey_verdict {
	int err;			/* positive errno, 0 when accepted */
	u16 diag;			/* SADB_X_DIAGNOSTIC_* */
	u16 ext;			/* offending extension type, if any */
};

/* True when a reply can echo the header: the write held a whole sadb_msg. */
static inline bool pfkey_has_base(size_t len)
{
	return len >= sizeof(struct sadb_msg);
}

/*
 * Check the base header of a write of @len bytes.  Returns 0 or a negative
 * errno, with @v filled in.  Only meaningful when pfkey_has_base(len).
 */
int pfkey_parse_base(const void *buf, size_t len, struct pfkey_verdict *v);

/*
 * Check the whole message: base header, every extension's length and
 * contents, duplicates, and the extensions its type requires and allows.
 * On success, @m points into @buf.
 */
int pfkey_parse(const void *buf, size_t len, struct pfkey_msg *m,
		struct pfkey_verdict *v);

/* Validation of one extension alone (exported for the tests). */
int pfkey_ext_check(const void *ext, size_t bytes, struct pfkey_verdict *v);

/* Length in bytes of the sockaddr carried by an address extension. */
size_t pfkey_sockaddr_len(u16 family);

/* Human-readable name of a diagnostic, for logs and tools. */
const char *pfkey_diag_name(u16 diag);

/* Identifier of a diagnostic ("UNKNOWN_MSG"), NULL for gaps: counter names. */
const char *pfkey_diag_id(u16 diag);

/* Name of a message type ("GETSPI", ...), or NULL. */
const char *pfkey_msg_name(u8 type);

#endif /* _NFIPSEC_PFKEY_PARSE_H */
