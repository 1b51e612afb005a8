/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msgparse.h - a received PF_KEY message, split into its extensions.
 */
#ifndef SETKEY_MSGPARSE_H
#define SETKEY_MSGPARSE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/pfkeyv2.h>

struct sadb_x_replay;	/* uapi/nfipsec.h */

#define PFK_EXT_SLOTS	64	/* Linux's 1..26, nfipsec's 32.., room to spare */

struct pfk_msg {
	const struct sadb_msg *hdr;
	size_t len;				/* bytes, from sadb_msg_len */
	const void *ext[PFK_EXT_SLOTS];		/* first of each type */
	size_t extlen[PFK_EXT_SLOTS];		/* its length in bytes */
};

/*
 * Split @buf (@len bytes received).  Every extension must lie inside the
 * message; a duplicate keeps the first.  Returns 0, or -1 with the reason
 * in @err ("extension 5 runs past the end of the message").
 */
int pfk_split(const void *buf, size_t len, struct pfk_msg *m, char *err,
	      size_t errlen);

/* The sockaddr of an address extension, or NULL if it does not fit. */
const struct sockaddr *pfk_addr(const struct pfk_msg *m, unsigned int type);

/* nfipsec's SADB_X_EXT_REPLAY (window, ESN), or NULL if absent or short. */
const struct sadb_x_replay *pfk_replay(const struct pfk_msg *m);

#endif
