// SPDX-License-Identifier: GPL-2.0
/*
 * pfkey_sa.c - the SADB half of PF_KEY: GETSPI, UPDATE, ADD, DELETE,
 * GET, ACQUIRE (from userspace), REGISTER, FLUSH, DUMP, and the EXPIRE
 * messages the kernel sends.
 *
 * Who receives what follows RFC 2367 and af_key: GETSPI, GET, REGISTER
 * and errors answer the sender (REGISTER also every registered socket);
 * UPDATE, ADD, DELETE and FLUSH are announced to every socket, the sender
 * included, with the sender's seq and pid; EXPIRE goes to the registered
 * sockets.  "Registered" means for any SA type, as af_key's and KAME's
 * BROADCAST_REGISTERED/KEY_SENDUP_REGISTERED mean it: a listener that
 * registered for AH alone still hears ESP expiries.  Promiscuous sockets
 * see it all.
 *
 * A request changes the database whole or not at all: everything that
 * can fail (validation, algorithm checks, allocations) happens before the
 * first change, under db->lock, and a failure undoes what it created.
 */
#include <linux/in.h>
#include <linux/ipsec.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "netns.h"
#include "pfkey_sa.h"
#include "pfkey_sock.h"
#include "pfkey_dump.h"
#include "sa_msg.h"
#include "alg.h"

static struct nfipsec_sadb *sadb_of(struct sock *sk)
{
	return &nfipsec_net(sock_net(sk))->sadb;
}

static int fail(struct pfkey_verdict *v, u16 diag, int err)
{
	v->diag = diag;
	return err;
}

/* Reply to the sender alone, in the variant it asked for. */
static int reply_one(struct sock *sk, const struct nfipsec_sa *sa, u8 type,
		     const struct sadb_msg *req, unsigned int what)
{
	struct sk_buff *skb;

	if (pfkey_wants_ext(sk))
		what |= SA_MSG_NFIPSEC;
	skb = nfipsec_sa_msg(sa, type, req->sadb_msg_seq, req->sadb_msg_pid,
			     what, GFP_KERNEL);
	if (!skb)
		return -ENOBUFS;
	pfkey_broadcast(sock_net(sk), skb, PFKEY_TO_ONE, sk, 0, GFP_KERNEL);
	return 0;
}

/* Announce a change to every socket. */
static int announce(struct sock *sk, const struct nfipsec_sa *sa, u8 type,
		    const struct sadb_msg *req, unsigned int what)
{
	struct sk_buff *plain, *ext;

	plain = nfipsec_sa_msg(sa, type, req->sadb_msg_seq, req->sadb_msg_pid,
			       what, GFP_KERNEL);
	if (!plain)
		return -ENOBUFS;
	ext = nfipsec_sa_msg(sa, type, req->sadb_msg_seq, req->sadb_msg_pid,
			     what | SA_MSG_NFIPSEC, GFP_KERNEL);
	pfkey_broadcast2(sock_net(sk), plain, ext, PFKEY_TO_ALL, NULL, 0,
			 GFP_KERNEL);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* GETSPI                                                                 */
/* ---------------------------------------------------------------------- */

/* The SPI range of a GETSPI, defaulted and checked. */
static int spi_range(const struct pfkey_msg *m, u8 proto, u32 *min, u32 *max,
		     struct pfkey_verdict *v)
{
	const struct sadb_spirange *r = m->ext[SADB_EXT_SPIRANGE];

	if (proto == IPPROTO_COMP) {
		/* RFC 3173: CPIs 256..61439 are for negotiation. */
		*min = 0x100;
		*max = 0xefff;
	} else {
		*min = 0x100;
		*max = 0x0fffffff;	/* af_key's default */
	}
	if (r) {
		*min = r->sadb_spirange_min;
		*max = r->sadb_spirange_max;
		if (r->sadb_spirange_reserved)
			return fail(v, SADB_X_DIAGNOSTIC_MALFORMED_RANGE, -EINVAL);
	}
	/* 0..255 are reserved (RFC 4303 2.1, RFC 3173 3.3). */
	if (*min < 0x100)
		*min = 0x100;
	if (*min > *max || (proto == IPPROTO_COMP && *max > 0xffff))
		return fail(v, SADB_X_DIAGNOSTIC_MALFORMED_RANGE, -EINVAL);
	return 0;
}

static int handle_getspi(struct sock *sk, const struct pfkey_msg *m,
			 struct pfkey_verdict *v)
{
	struct nfipsec_sadb *db = sadb_of(sk);
	struct nfipsec_sa *tmpl, *sa;
	bool created = false;
	u32 min, max;
	int err;

	tmpl = nfipsec_sa_alloc(GFP_KERNEL);
	if (!tmpl)
		return fail(v, SADB_X_DIAGNOSTIC_NOMEM, -ENOMEM);
	err = nfipsec_sa_set_identity(tmpl, m, v);
	if (!err)
		err = spi_range(m, tmpl->id.proto, &min, &max, v);
	if (err)
		goto out;
	tmpl->id.spi = 0;
	tmpl->state = SADB_SASTATE_LARVAL;

	mutex_lock(&db->lock);
	/*
	 * Complete the larval SA of an ACQUIRE when the sequence number
	 * (and destination) match, else one for the same (mode, reqid,
	 * addresses) without an SPI yet, else create one, as af_key does.
	 */
	sa = nfipsec_sa_find_larval_seq(db, m->hdr->sadb_msg_seq, tmpl->id.proto,
					tmpl->id.family, &tmpl->id.dst);
	if (!sa)
		sa = nfipsec_sa_find_larval(db, tmpl->id.family, &tmpl->pair.src,
					    &tmpl->id.dst, tmpl->id.proto,
					    tmpl->mode, tmpl->reqid);
	if (!sa) {
		err = nfipsec_sa_insert(db, tmpl);
		if (err) {
			v->diag = SADB_X_DIAGNOSTIC_NOMEM;
			goto unlock;
		}
		sa = tmpl;
		created = true;
	}
	err = nfipsec_sa_alloc_spi(db, sa, min, max);
	if (err) {
		v->diag = SADB_X_DIAGNOSTIC_BAD_SPI;
		if (created)
			nfipsec_sa_remove(db, sa);
		goto unlock;
	}
	err = reply_one(sk, sa, SADB_GETSPI, m->hdr, SA_MSG_LIFETIMES);
unlock:
	mutex_unlock(&db->lock);
out:
	nfipsec_sa_put(tmpl);
	return err;
}

/* ---------------------------------------------------------------------- */
/* UPDATE, ADD                                                            */
/* ---------------------------------------------------------------------- */

/* ADD supersedes the larval SA an ACQUIRE created for the same traffic. */
static void drop_acquire_larval(struct nfipsec_sadb *db, const struct nfipsec_sa *sa)
{
	struct nfipsec_sa *larval;

	larval = nfipsec_sa_find_larval_seq(db, sa->seq, sa->id.proto,
					    sa->id.family, &sa->id.dst);
	if (larval && larval->id.spi)
		larval = NULL;
	if (!larval)
		larval = nfipsec_sa_find_larval(db, sa->id.family, &sa->pair.src,
						&sa->id.dst, sa->id.proto,
						sa->mode, sa->reqid);
	if (larval)
		nfipsec_sa_remove(db, larval);
}

/*
 * UPDATE of a live SA (@parsed: what @m says of it).  Its lifetimes
 * change (RFC 2367 3.1.2), and so do its ESP-in-UDP ports: an IKE daemon
 * moves an SA to the peer's new port after a NAT rebinding (strongSwan's
 * kernel-pfkey sends GET, then UPDATE with the new NAT-T ports).  As with
 * af_key (xfrm_state_update), the encapsulation type must stay what it
 * was, none included: EINVAL otherwise.  Keys and algorithms stay.
 */
static int update_live(struct nfipsec_sa *old, const struct nfipsec_sa *parsed,
		       const struct pfkey_msg *m, struct pfkey_verdict *v)
{
	int err;

	if (parsed->encap_type != old->encap_type)
		return fail(v, SADB_X_DIAGNOSTIC_BAD_NATT_TYPE, -EINVAL);
	if (parsed->encap_type) {
		err = nfipsec_sa_update_natt(old, parsed, m);
		if (err)
			return fail(v, SADB_X_DIAGNOSTIC_NOMEM, err);
	}
	nfipsec_sa_set_lifetimes(old, m);
	nfipsec_sa_lifetimes_changed(old);
	return 0;
}

static int handle_add_update(struct sock *sk, const struct pfkey_msg *m,
			     struct pfkey_verdict *v)
{
	struct nfipsec_sadb *db = sadb_of(sk);
	bool update = m->hdr->sadb_msg_type == SADB_UPDATE;
	struct nfipsec_sa *sa, *old;
	int err;

	sa = nfipsec_sa_alloc(GFP_KERNEL);
	if (!sa)
		return fail(v, SADB_X_DIAGNOSTIC_NOMEM, -ENOMEM);
	err = nfipsec_sa_set_identity(sa, m, v);
	if (!err)
		err = nfipsec_sa_set_params(sa, m, v);
	if (err)
		goto out;
	sa->state = SADB_SASTATE_MATURE;

	mutex_lock(&db->lock);
	old = nfipsec_sa_lookup_spi(db, sa->id.family, &sa->id.dst, sa->id.spi,
				    sa->id.proto);
	if (!update) {
		if (old) {
			err = fail(v, SADB_X_DIAGNOSTIC_SA_EXISTS, -EEXIST);
			goto unlock;
		}
		err = nfipsec_sa_insert(db, sa);
		if (err) {
			err = fail(v, err == -EEXIST ? SADB_X_DIAGNOSTIC_SA_EXISTS :
				   SADB_X_DIAGNOSTIC_NOMEM, err);
			goto unlock;
		}
		drop_acquire_larval(db, sa);
		announce(sk, sa, SADB_ADD, m->hdr, SA_MSG_LIFETIMES);
	} else if (!old) {
		err = fail(v, SADB_X_DIAGNOSTIC_SA_NOTFOUND, -ESRCH);
	} else if (old->state == SADB_SASTATE_LARVAL) {
		/* The SA that GETSPI reserved becomes the real one. */
		err = nfipsec_sa_replace(db, old, sa);
		if (err) {
			err = fail(v, SADB_X_DIAGNOSTIC_NOMEM, err);
			goto unlock;
		}
		announce(sk, sa, SADB_UPDATE, m->hdr, SA_MSG_LIFETIMES);
	} else {
		err = update_live(old, sa, m, v);
		if (err)
			goto unlock;
		announce(sk, old, SADB_UPDATE, m->hdr, SA_MSG_LIFETIMES);
	}
unlock:
	mutex_unlock(&db->lock);
	nfipsec_sa_put(old);
out:
	nfipsec_sa_put(sa);
	return err;
}

/* ---------------------------------------------------------------------- */
/* DELETE, GET                                                            */
/* ---------------------------------------------------------------------- */

static struct nfipsec_sa *lookup_msg(struct nfipsec_sadb *db,
				     const struct pfkey_msg *m)
{
	const struct sadb_address *d = m->ext[SADB_EXT_ADDRESS_DST];
	const struct sadb_sa *ssa = m->ext[SADB_EXT_SA];
	union nfipsec_addr dst;
	u16 family;

	memcpy(&family, d + 1, sizeof(family));
	nfipsec_addr_from_sockaddr(&dst, d + 1);
	return nfipsec_sa_lookup_spi(db, family, &dst, ssa->sadb_sa_spi,
				     nfipsec_satype_to_proto(m->hdr->sadb_msg_satype));
}

static int handle_delete(struct sock *sk, const struct pfkey_msg *m,
			 struct pfkey_verdict *v)
{
	struct nfipsec_sadb *db = sadb_of(sk);
	struct nfipsec_sa *sa;
	int err = 0;

	mutex_lock(&db->lock);
	sa = lookup_msg(db, m);
	if (!sa) {
		err = fail(v, SADB_X_DIAGNOSTIC_SA_NOTFOUND, -ESRCH);
	} else {
		nfipsec_sa_remove(db, sa);
		announce(sk, sa, SADB_DELETE, m->hdr, 0);
	}
	mutex_unlock(&db->lock);
	nfipsec_sa_put(sa);
	return err;
}

static int handle_get(struct sock *sk, const struct pfkey_msg *m,
		      struct pfkey_verdict *v)
{
	struct nfipsec_sa *sa = lookup_msg(sadb_of(sk), m);
	int err;

	if (!sa)
		return fail(v, SADB_X_DIAGNOSTIC_SA_NOTFOUND, -ESRCH);
	err = reply_one(sk, sa, SADB_GET, m->hdr, SA_MSG_LIFETIMES | SA_MSG_KEYS);
	nfipsec_sa_put(sa);
	return err;
}

/* ---------------------------------------------------------------------- */
/* ACQUIRE from userspace, REGISTER, FLUSH                                */
/* ---------------------------------------------------------------------- */

/*
 * A key manager reports with ACQUIRE + errno that it could not negotiate
 * the SA of an ACQUIRE.  The larval SA is marked failed and kept until it
 * times out, so the traffic that needs it keeps being dropped without a
 * new ACQUIRE each packet.  No reply, as in af_key.
 */
static int handle_acquire(struct sock *sk, const struct pfkey_msg *m,
			  struct pfkey_verdict *v)
{
	struct nfipsec_sadb *db = sadb_of(sk);

	if (m->hdr->sadb_msg_len != sizeof(struct sadb_msg) / 8)
		return fail(v, SADB_X_DIAGNOSTIC_EXT_NOT_ALLOWED, -EOPNOTSUPP);
	if (!m->hdr->sadb_msg_seq || !m->hdr->sadb_msg_errno)
		return 0;
	mutex_lock(&db->lock);
	nfipsec_sa_fail_larval(db, m->hdr->sadb_msg_seq);
	mutex_unlock(&db->lock);
	return 0;
}

static int handle_register(struct sock *sk, const struct pfkey_msg *m,
			   struct pfkey_verdict *v)
{
	struct pfkey_sock *pfk = pfkey_sk(sk);
	u8 satype = m->hdr->sadb_msg_satype;
	struct sk_buff *skb;
	u32 bit = 1U << satype;

	if (satype != SADB_SATYPE_UNSPEC && (READ_ONCE(pfk->registered) & bit))
		return fail(v, SADB_X_DIAGNOSTIC_NONE, -EEXIST);
	skb = nfipsec_alg_supported_msg(m->hdr, satype);
	if (!skb)
		return fail(v, SADB_X_DIAGNOSTIC_NOMEM, -ENOBUFS);
	if (satype != SADB_SATYPE_UNSPEC)
		WRITE_ONCE(pfk->registered, pfk->registered | bit);
	pfkey_broadcast(sock_net(sk), skb, PFKEY_TO_REGISTERED, sk, 0,
			GFP_KERNEL);
	return 0;
}

static int handle_flush(struct sock *sk, const struct pfkey_msg *m,
			struct pfkey_verdict *v)
{
	struct nfipsec_sadb *db = sadb_of(sk);
	u8 proto = nfipsec_satype_to_proto(m->hdr->sadb_msg_satype);
	struct nfipsec_sa *sa, *tmp;
	struct sadb_msg *h;
	struct sk_buff *skb;

	skb = alloc_skb(sizeof(*h), GFP_KERNEL);
	if (!skb)
		return fail(v, SADB_X_DIAGNOSTIC_NOMEM, -ENOBUFS);
	mutex_lock(&db->lock);
	nfipsec_sadb_for_each_sa(db, sa, tmp)
		if (!proto || sa->id.proto == proto)
			nfipsec_sa_remove(db, sa);
	mutex_unlock(&db->lock);

	h = skb_put_data(skb, m->hdr, sizeof(*h));
	h->sadb_msg_errno = 0;
	h->sadb_msg_len = sizeof(*h) / 8;
	pfkey_broadcast(sock_net(sk), skb, PFKEY_TO_ALL, NULL, 0, GFP_KERNEL);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* DUMP                                                                   */
/* ---------------------------------------------------------------------- */

struct sa_dump {
	struct pfkey_dump d;
	struct nfipsec_walk_node pos;	/* walker in db->all */
	struct nfipsec_sadb *db;
	u8 proto;			/* 0: every type */
	bool started;
	bool finished;			/* walked to the end, walker unlinked */
	bool filtered;
	struct sadb_x_filter filter;
};

static bool prefix_match(const union nfipsec_addr *a, const __u32 *p,
			 unsigned int len, unsigned int max)
{
	const u8 *x = a->raw, *y = (const u8 *)p;
	unsigned int full = min(len, max) / 8, rest = min(len, max) % 8;

	if (memcmp(x, y, full))
		return false;
	return !rest || !((x[full] ^ y[full]) & (0xff00 >> rest));
}

static bool dump_wants(const struct sa_dump *sd, const struct nfipsec_sa *sa)
{
	const struct sadb_x_filter *f = &sd->filter;
	unsigned int max;

	if (sd->proto && sa->id.proto != sd->proto)
		return false;
	if (!sd->filtered)
		return true;
	if (f->sadb_x_filter_family != sa->id.family)
		return false;
	max = sa->id.family == AF_INET ? 32 : 128;
	return prefix_match(&sa->pair.src, f->sadb_x_filter_saddr,
			    f->sadb_x_filter_splen, max) &&
	       prefix_match(&sa->id.dst, f->sadb_x_filter_daddr,
			    f->sadb_x_filter_dplen, max);
}

static int sa_dump_next(struct pfkey_sock *pfk, struct pfkey_dump *d)
{
	struct sa_dump *sd = container_of(d, struct sa_dump, d);
	struct nfipsec_sadb *db = sd->db;
	unsigned int what = SA_MSG_LIFETIMES | SA_MSG_KEYS;
	struct list_head *p;
	int err = 0;

	/* The last message may still wait for room after the walk ended. */
	if (sd->finished)
		return 0;
	if (pfkey_wants_ext(&pfk->sk))
		what |= SA_MSG_NFIPSEC;
	mutex_lock(&db->lock);
	if (!sd->started) {
		list_add(&sd->pos.list, &db->all);
		sd->started = true;
	}
	for (p = sd->pos.list.next; p != &db->all; p = p->next) {
		struct nfipsec_walk_node *n = list_entry(p, struct nfipsec_walk_node, list);
		struct nfipsec_sa *sa;
		struct sk_buff *skb;

		if (n->walker)
			continue;
		sa = container_of(n, struct nfipsec_sa, node);
		if (!dump_wants(sd, sa))
			continue;
		if (d->held && !pfkey_can_dump(&pfk->sk)) {
			err = -ENOBUFS;
			break;
		}
		skb = nfipsec_sa_msg(sa, SADB_DUMP, d->count + 1,
				     d->req.sadb_msg_pid, what, GFP_KERNEL);
		if (!skb) {
			err = -ENOMEM;
			break;
		}
		err = pfkey_dump_emit(pfk, d, skb);
		if (err)
			break;
	}
	/* Park the walker just before the first SA not yet sent. */
	list_move_tail(&sd->pos.list, p);
	if (!err) {
		list_del_init(&sd->pos.list);
		sd->finished = true;
	}
	mutex_unlock(&db->lock);
	return err;
}

static void sa_dump_release(struct pfkey_dump *d)
{
	struct sa_dump *sd = container_of(d, struct sa_dump, d);

	mutex_lock(&sd->db->lock);
	list_del(&sd->pos.list);
	mutex_unlock(&sd->db->lock);
	kfree(sd);
}

static int handle_dump(struct sock *sk, const struct pfkey_msg *m,
		       struct pfkey_verdict *v)
{
	const struct sadb_x_filter *f = m->ext[SADB_X_EXT_FILTER];
	struct sa_dump *sd;
	int err;

	if (f && (f->sadb_x_filter_splen > 128 || f->sadb_x_filter_dplen > 128))
		return fail(v, SADB_X_DIAGNOSTIC_BAD_PREFIXLEN, -EINVAL);
	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return fail(v, SADB_X_DIAGNOSTIC_NOMEM, -ENOMEM);
	sd->d.next = sa_dump_next;
	sd->d.release = sa_dump_release;
	sd->db = sadb_of(sk);
	sd->proto = nfipsec_satype_to_proto(m->hdr->sadb_msg_satype);
	sd->pos.walker = true;
	INIT_LIST_HEAD(&sd->pos.list);
	if (f) {
		sd->filtered = true;
		sd->filter = *f;
	}
	err = pfkey_dump_start(pfkey_sk(sk), &sd->d, m->hdr);
	if (err) {
		kfree(sd);
		return fail(v, SADB_X_DIAGNOSTIC_NONE, err);
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* EXPIRE                                                                 */
/* ---------------------------------------------------------------------- */

static void sa_expired(struct nfipsec_sadb *db, struct nfipsec_sa *sa,
		       enum nfipsec_expiry kind, const struct nfipsec_lifetime *l)
{
	struct nfipsec_net *nn = db->owner;
	struct sk_buff *skb;

	skb = nfipsec_sa_expire_msg(sa, kind == NFIPSEC_EXPIRE_HARD, GFP_KERNEL);
	if (!skb) {
		nfipsec_stats_inc(&nn->stats, NFIPSEC_STAT_PFKEY_OUT_DROP_NOMEM);
		return;
	}
	pfkey_broadcast(nn->net, skb, PFKEY_TO_REGISTERED, NULL, 0, GFP_KERNEL);
}

const struct nfipsec_sadb_ops nfipsec_pfkey_sadb_ops = {
	.expired = sa_expired,
};

const pfkey_handler_t nfipsec_pfkey_sa_handlers[SADB_MAX + 1] = {
	[SADB_GETSPI]	= handle_getspi,
	[SADB_UPDATE]	= handle_add_update,
	[SADB_ADD]	= handle_add_update,
	[SADB_DELETE]	= handle_delete,
	[SADB_GET]	= handle_get,
	[SADB_ACQUIRE]	= handle_acquire,
	[SADB_REGISTER]	= handle_register,
	[SADB_FLUSH]	= handle_flush,
	[SADB_DUMP]	= handle_dump,
};
