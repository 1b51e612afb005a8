/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfkey_dump.h - dumps that never truncate.
 *
 * SADB_DUMP and SADB_X_SPDDUMP may produce far more messages than a
 * socket buffer holds (the seeds' BUGS sections complain that KAME cut
 * them short).  A dump here is a walker that produces messages only while
 * the receiver has room, and is resumed from recvmsg() as the receiver
 * drains its queue, for as many rounds as it takes.  A receiver that
 * stops reading costs one parked walker, nothing more; closing the
 * socket ends the dump.
 *
 * RFC 2367 marks the last message of a dump with sadb_msg_seq 0, so the
 * machinery holds each message back until the next one exists.
 */
#ifndef _NFIPSEC_PFKEY_DUMP_H
#define _NFIPSEC_PFKEY_DUMP_H

#include <linux/skbuff.h>

struct pfkey_sock;

struct pfkey_dump {
	/*
	 * Produce the next messages with pfkey_dump_emit() until it returns
	 * -ENOBUFS (no room: stop, keep position) or the walk ends.  Return
	 * 0 when the walk is complete, -ENOBUFS to be called again later, or
	 * another negative errno to end the dump with that error.
	 */
	int (*next)(struct pfkey_sock *pfk, struct pfkey_dump *d);
	/* Free the walker (and whatever position it holds). */
	void (*release)(struct pfkey_dump *d);

	struct sk_buff *held;		/* last message, not yet sent */
	struct sadb_msg req;		/* the request: seq, pid, satype */
	u32 count;			/* messages produced so far */
};

/* Start @d on @pfk and run its first round.  -EBUSY if one is running. */
int pfkey_dump_start(struct pfkey_sock *pfk, struct pfkey_dump *d,
		     const struct sadb_msg *req);
/* Queue @skb (consumed) as the next message of the dump, if room. */
int pfkey_dump_emit(struct pfkey_sock *pfk, struct pfkey_dump *d,
		    struct sk_buff *skb);
void pfkey_dump_continue(struct pfkey_sock *pfk);
void pfkey_dump_abort(struct pfkey_sock *pfk);

#endif /* _NFIPSEC_PFKEY_DUMP_H */
