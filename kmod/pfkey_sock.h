/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfkey_sock.h - the PF_KEY socket family: socket objects, message I/O,
 * and delivery of kernel messages to the sockets of a namespace.
 */
#ifndef _NFIPSEC_PFKEY_SOCK_H
#define _NFIPSEC_PFKEY_SOCK_H

#include <linux/mutex.h>
#include <net/sock.h>
#include "nfipsec.h"

struct pfkey_dump;

struct pfkey_sock {
	struct sock sk;			/* must be first */
	u32 registered;			/* bit (1 << satype) per SADB_REGISTER */
	bool promisc;			/* SADB_X_PROMISC: sees every message */
	u32 options;			/* SADB_X_NFIPSEC_OPT_* */

	/*
	 * A dump in progress (SADB_DUMP, SADB_X_SPDDUMP): continued from
	 * recvmsg() as the receive queue drains, so no dump is ever cut
	 * short by the socket buffer.  dump_lock orders the steps.
	 */
	struct mutex dump_lock;
	struct pfkey_dump *dump;
};

static inline struct pfkey_sock *pfkey_sk(struct sock *sk)
{
	return container_of(sk, struct pfkey_sock, sk);
}

/* Who receives a message besides promiscuous sockets, which get all. */
enum pfkey_dest {
	PFKEY_TO_ONE,			/* the socket given (a reply) */
	PFKEY_TO_ALL,			/* every socket of the namespace */
	PFKEY_TO_REGISTERED,		/* sockets registered for the SA type */
	PFKEY_TO_PROMISC,		/* promiscuous sockets only */
};

/*
 * Deliver @skb (consumed) in @net.  For PFKEY_TO_REGISTERED, @satype
 * selects the registration (0: any).  Returns 0 when at least the
 * intended receiver got it, -ESRCH when nobody was listening, or
 * -ENOBUFS when its receive buffer was full.  Safe in atomic context
 * with GFP_ATOMIC.
 */
int pfkey_broadcast(struct net *net, struct sk_buff *skb, enum pfkey_dest dest,
		    struct sock *one, u8 satype, gfp_t gfp);

/*
 * The same with two versions of one message: sockets that enabled
 * SADB_X_NFIPSEC_OPT_EXT receive @ext, the others @skb.  Both consumed;
 * @ext may be NULL.
 */
int pfkey_broadcast2(struct net *net, struct sk_buff *skb, struct sk_buff *ext,
		     enum pfkey_dest dest, struct sock *one, u8 satype, gfp_t gfp);

/* Whether @sk asked for nfipsec's extensions. */
static inline bool pfkey_wants_ext(struct sock *sk)
{
	return READ_ONCE(pfkey_sk(sk)->options) & SADB_X_NFIPSEC_OPT_EXT;
}

/*
 * A reply carrying only the base header of @req, with errno and
 * diagnostic.  -ENOMEM when it could not be built; otherwise what
 * pfkey_broadcast() returned.
 */
int pfkey_send_error(struct sock *sk, const struct sadb_msg *req, int err,
		     u16 diag);

/* Receive buffer has room for more of a dump (2/3 rule of af_key). */
bool pfkey_can_dump(const struct sock *sk);

/* Let socket creation in (after the per-namespace state exists) or not. */
void nfipsec_pfkey_sock_set_ready(bool ready);

int nfipsec_pfkey_sock_init(void);
void nfipsec_pfkey_sock_exit(void);

/* /proc/net/pfkey */
int nfipsec_pfkey_proc_init(struct net *net);
void nfipsec_pfkey_proc_exit(struct net *net);

#endif /* _NFIPSEC_PFKEY_SOCK_H */
