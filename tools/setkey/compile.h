/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compile.h - statements into the PF_KEY messages that carry them out.
 */
#ifndef SETKEY_COMPILE_H
#define SETKEY_COMPILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ast.h"
#include "report.h"

/* One message to send; seq and pid are filled in when it is sent. */
struct pmsg {
	uint8_t *buf;
	size_t len;
	bool fwd_twin;		/* the fwd copy of an "in" policy (RFC mode) */
};

struct addr_pair {
	struct sockaddr_storage src, dst;
};

struct plan {
	const struct stmt *st;
	uint8_t satype;
	struct pmsg *msgs;
	size_t nmsgs;
	/*
	 * deleteall: msgs[0] is the SADB_DUMP of satype; every SA it returns
	 * whose addresses are one of these pairs is then deleted.
	 */
	struct addr_pair *pairs;
	size_t npairs;
	bool replay_ext;	/* carries SADB_X_EXT_REPLAY (window > 255, -f esn) */
};

struct compile_opts {
	bool rfc_mode;		/* -r (default): "in" policies get a fwd twin */
};

/*
 * Resolve the addresses of @st and build its messages into @pl.  Errors
 * (names that do not resolve, families that do not match) go to @err with
 * their place in the input; returns 0 or -1.
 */
int compile_stmt(const struct stmt *st, const struct compile_opts *o,
		 struct plan *pl, struct errors *err);
void plan_free(struct plan *pl);

/* SADB_DELETE of one SA, for deleteall. */
struct pmsg build_delete(uint8_t satype, const struct sockaddr *src,
			 const struct sockaddr *dst, uint32_t spi_net);

/* A message with only the base header (flush, dump, spdflush...). */
struct pmsg build_short(uint8_t type, uint8_t satype);

uint8_t sa_proto_satype(enum sa_proto p);

#endif
