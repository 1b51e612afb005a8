/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sadb.h - the security association database of one network namespace.
 *
 * Three RCU hash tables index the SAs, one per question the kernel asks:
 *
 *   by_spi   (dst, SPI, proto) -> SA         inbound packets, GET, DELETE
 *   by_pair  (src, dst, proto) -> SAs        outbound SA choice, GETSPI
 *   by_seq   ACQUIRE sequence  -> larval SAs UPDATE/GETSPI after ACQUIRE
 *
 * and a list in insertion order serves dumps and flushes.  The tables are
 * rhashtables: lookups take no lock and the tables grow and shrink in the
 * background without stalling readers.  Writers hold db->lock (a mutex:
 * every writer runs in process context; packet-path events that need a
 * write, like a lifetime running out, are handed to a work item).
 *
 * SAs are refcounted.  The database holds one reference while an SA is
 * listed; lookups return a new reference (refcount_inc_not_zero under
 * RCU) that the caller drops with nfipsec_sa_put().  Removal: unlink from
 * the hashes and the list under db->lock, mark DEAD, stop the timer, drop
 * the database's reference; the last put frees through RCU, and the keys
 * are zeroed before the memory is returned.
 */
#ifndef _NFIPSEC_SADB_H
#define _NFIPSEC_SADB_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <linux/refcount.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/pfkeyv2.h>

#include "pfkey_parse.h"
#include "walk.h"

union nfipsec_addr {
	__be32 a4;
	struct in6_addr a6;
	u8 raw[16];
};

/* Key of by_spi: memcmp()able, padding zeroed. */
struct nfipsec_spi_key {
	union nfipsec_addr dst;
	__be32 spi;
	u16 family;
	u8 proto;		/* IPPROTO_ESP, IPPROTO_AH, IPPROTO_COMP */
	u8 pad;
};

/* Key of by_pair. */
struct nfipsec_pair_key {
	union nfipsec_addr src;
	union nfipsec_addr dst;
	u16 family;
	u8 proto;
	u8 pad;
};

struct nfipsec_lifetime {
	u64 allocations;
	u64 bytes;
	u64 addtime;		/* seconds after the SA was added */
	u64 usetime;		/* seconds after its first use */
};

/* Why an SA expired, for SADB_EXPIRE and the state machine. */
enum nfipsec_expiry {
	NFIPSEC_EXPIRE_SOFT,
	NFIPSEC_EXPIRE_HARD,
};

struct nfipsec_sa {
	struct nfipsec_walk_node node;	/* db->all, under db->lock */
	struct rhash_head by_spi;	/* when spi != 0 and not dead */
	struct rhlist_head by_pair;	/* while not dead */
	struct rhlist_head by_seq;	/* larval SAs with seq != 0 */
	struct nfipsec_sadb *db;
	refcount_t ref;
	struct rcu_head rcu;

	struct nfipsec_spi_key id;
	struct nfipsec_pair_key pair;
	u8 satype;			/* SADB_SATYPE_* */
	u8 state;			/* SADB_SASTATE_*, changed under db->lock */
	u8 mode;			/* IPSEC_MODE_ANY/TRANSPORT/TUNNEL */
	u8 aalg;			/* sadb_sa_auth */
	u8 ealg;			/* sadb_sa_encrypt (calg for IPcomp) */
	u8 replay;			/* sadb_sa_replay as given */
	bool esn;
	bool in_spi_table;
	bool in_seq_table;
	bool failed;			/* larval: key manager reported failure */
	u32 flags;			/* sadb_sa_flags */
	u32 replay_window;		/* packets; 0 = no replay check */
	u32 reqid;
	u32 seq;			/* ACQUIRE/GETSPI sequence number */
	u32 pid;			/* sadb_msg_pid of the creator */

	struct nfipsec_lifetime hard, soft;	/* 0 = no limit */
	time64_t created;		/* wall clock, seconds (PF_KEY addtime) */
	time64_t created_mono;		/* monotonic, for deadlines */
	atomic64_t cur_bytes;
	atomic64_t cur_allocations;
	atomic64_t seq_out;		/* last sequence number sent */
	time64_t first_use;		/* wall clock; 0 until used */
	time64_t first_use_mono;
	bool soft_fired;		/* under db->lock */
	time64_t dead_since_mono;	/* DEAD: when it died */

	struct timer_list timer;	/* next lifetime deadline */
	struct llist_node expire_node;	/* on db->expired, ref held */
	unsigned long expire_queued;	/* bit 0: on db->expired */

	struct sadb_key *akey;		/* copies of the extensions, or NULL */
	struct sadb_key *ekey;
	/*
	 * Extensions kept to be returned exactly as given (addresses,
	 * identities, sensitivity, NAT-T, security context...), packed
	 * back to back in one allocation.
	 */
	u8 *kept;
	u16 kept_len;

	/*
	 * ESP in UDP (natt.c): UDP_ENCAP_ESPINUDP or _NON_IKE from the
	 * NAT-T type extension, 0 for none; the ports it goes between
	 * (network order, 4500 where the message gave 0).  Set before
	 * listing.  natt_seen: the peer address and port last reported in
	 * a NEW_MAPPING (a hash; 0: none yet).
	 */
	u8 encap_type;
	__be16 encap_sport, encap_dport;
	u32 natt_seen;

	/* Crypto transform and replay window (xform.h); set before listing. */
	struct nfipsec_xform *xf;
	/* Packet-path drops on this SA by reason (bytes/packets are cur_*). */
	atomic64_t drop_auth, drop_replay, drop_pad, drop_other;
};

struct nfipsec_sadb;

/* What the database tells its owner (the PF_KEY layer); NULL in tests. */
struct nfipsec_sadb_ops {
	/* An SA reached a soft or hard limit (called under db->lock). */
	void (*expired)(struct nfipsec_sadb *db, struct nfipsec_sa *sa,
			enum nfipsec_expiry kind,
			const struct nfipsec_lifetime *which);
};

struct nfipsec_sadb {
	struct mutex lock;
	struct rhashtable by_spi;
	struct rhltable by_pair;
	struct rhltable by_seq;
	struct list_head all;		/* nfipsec_sadb_node, insertion order */
	/*
	 * ESP in UDP: destination ports of the listed SAs that have one
	 * (index: port in host order; value: how many SAs, xa_mk_value),
	 * so that the packet path tells an encapsulation port from any
	 * other UDP port without a lock.  encap_count: SAs with a port.
	 */
	struct xarray encap_ports;
	u32 encap_count;
	u32 count;			/* SAs listed */
	u32 acq_seq;			/* last kernel ACQUIRE sequence */
	bool dying;			/* set once destruction starts */

	struct llist_head expired;	/* SAs whose timer or limit fired */
	struct work_struct expire_work;

	const struct nfipsec_sadb_ops *ops;
	void *owner;			/* for ops: the nfipsec_net */
	const int *larval_lifetime;	/* seconds; the owner's sysctl */
};

/* Default seconds a larval SA waits for UPDATE/ADD (net.key.larval_lifetime). */
#define NFIPSEC_LARVAL_LIFETIME	30
/* Seconds a hard-expired (DEAD) SA stays listed for setkey -D -a. */
#define NFIPSEC_DEAD_LINGER	5

int nfipsec_sadb_init(struct nfipsec_sadb *db, const struct nfipsec_sadb_ops *ops,
		      void *owner);
/* Remove and free every SA; no other user may be left. */
void nfipsec_sadb_destroy(struct nfipsec_sadb *db);

/* A new, unlisted SA with one reference, zeroed; NULL on ENOMEM. */
struct nfipsec_sa *nfipsec_sa_alloc(gfp_t gfp);
void nfipsec_sa_put(struct nfipsec_sa *sa);

static inline bool nfipsec_sa_get(struct nfipsec_sa *sa)
{
	return refcount_inc_not_zero(&sa->ref);
}

/* Lookups: lock-free, return a reference or NULL. */
struct nfipsec_sa *nfipsec_sa_lookup_spi(struct nfipsec_sadb *db, u16 family,
					 const union nfipsec_addr *dst,
					 __be32 spi, u8 proto);
/*
 * Best SA for outbound traffic from @src to @dst: matching proto, a mode
 * equal to @mode (or an SA of mode "any"), and @reqid when non-zero.
 * MATURE beats DYING; among equals the newest wins, as in Linux XFRM.
 */
struct nfipsec_sa *nfipsec_sa_lookup_out(struct nfipsec_sadb *db, u16 family,
					 const union nfipsec_addr *src,
					 const union nfipsec_addr *dst, u8 proto,
					 u8 mode, u32 reqid);

/* Writers: called with db->lock held. */
/* A larval SA (no SPI yet) matching @seq and @dst, or NULL. */
struct nfipsec_sa *nfipsec_sa_find_larval_seq(struct nfipsec_sadb *db, u32 seq,
					      u8 proto, u16 family,
					      const union nfipsec_addr *dst);
/* A larval SA without SPI for (mode, reqid, proto, src, dst), or NULL. */
struct nfipsec_sa *nfipsec_sa_find_larval(struct nfipsec_sadb *db, u16 family,
					  const union nfipsec_addr *src,
					  const union nfipsec_addr *dst, u8 proto,
					  u8 mode, u32 reqid);
/*
 * Lock-free: is a larval SA with an ACQUIRE sequence waiting for this
 * traffic (the packet path sends one ACQUIRE, not one per packet)?
 */
bool nfipsec_sa_larval_pending(struct nfipsec_sadb *db, u16 family,
			       const union nfipsec_addr *src,
			       const union nfipsec_addr *dst, u8 proto,
			       u8 mode, u32 reqid);
/* Mark every larval SA of ACQUIRE @seq failed (key manager gave up). */
void nfipsec_sa_fail_larval(struct nfipsec_sadb *db, u32 seq);
/* List @sa (which must have a unique SPI if it has one). -EEXIST if taken. */
int nfipsec_sa_insert(struct nfipsec_sadb *db, struct nfipsec_sa *sa);
/* Give larval @sa an unused SPI in [min, max]; -EAGAIN if none found. */
int nfipsec_sa_alloc_spi(struct nfipsec_sadb *db, struct nfipsec_sa *sa,
			 u32 min, u32 max);
/* Unlist @sa now (DELETE, FLUSH, replacement). */
void nfipsec_sa_remove(struct nfipsec_sadb *db, struct nfipsec_sa *sa);
/* Atomically put @new in the place of @old (UPDATE of a larval SA). */
int nfipsec_sa_replace(struct nfipsec_sadb *db, struct nfipsec_sa *old,
		       struct nfipsec_sa *new);
/*
 * Give listed ESP-in-UDP @sa new ports (network order; UPDATE of a live
 * SA), keeping the port index right.  -ENOMEM changes nothing.
 */
int nfipsec_sa_move_encap(struct nfipsec_sadb *db, struct nfipsec_sa *sa,
			  __be16 sport, __be16 dport);
/* Is @port (network order) the ESP-in-UDP port of a listed SA?  RCU, lock-free. */
static inline bool nfipsec_sadb_encap_port(struct nfipsec_sadb *db, __be16 port)
{
	return READ_ONCE(db->encap_count) && xa_load(&db->encap_ports, ntohs(port));
}

/* Re-arm the lifetime timer after the limits of a listed SA changed. */
void nfipsec_sa_lifetimes_changed(struct nfipsec_sa *sa);

/*
 * Packet path: count one use of @bytes.  Starts the use-time clock on
 * first use, and hands the SA to the expiry worker when a byte or
 * allocation limit is crossed.  Lock-free.
 */
void nfipsec_sa_account(struct nfipsec_sa *sa, u64 bytes);

/* True for SA types this database holds: AH, ESP, IPcomp. */
u8 nfipsec_satype_to_proto(u8 satype);
u8 nfipsec_proto_to_satype(u8 proto);

/* Address helpers shared by the PF_KEY layer. */
void nfipsec_addr_from_sockaddr(union nfipsec_addr *a, const void *sockaddr);

/* Iteration for dumps and flushes (db->lock held). */
#define nfipsec_sadb_for_each_sa(db, sa, tmp)				\
	nfipsec_walk_for_each(sa, tmp, &(db)->all, node)

#endif /* _NFIPSEC_SADB_H */
