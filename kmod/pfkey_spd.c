// SPDX-License-Identifier: GPL-2.0
/*
 * pfkey_spd.c - the SPD half of PF_KEY, in KAME's form (sadb_x_policy and
 * sadb_x_ipsecrequest of <linux/ipsec.h>): X_SPDADD, X_SPDUPDATE,
 * X_SPDSETIDX, X_SPDDELETE (by selector), X_SPDDELETE2 and X_SPDGET (by
 * id), X_SPDDUMP, X_SPDFLUSH, and the X_SPDEXPIRE the kernel sends.
 *
 * Replies follow af_key: changes are announced to every socket with the
 * requester's seq and pid; SPDGET answers the requester; the policy
 * messages carry the selector addresses, hard/soft/current lifetimes, the
 * policy with its requests, and the security context.  What userspace
 * gave comes back byte for byte (af_key rebuilds it from XFRM state and
 * turns "default" levels into "require", among other things).
 */
#include <linux/in.h>
#include <linux/ipsec.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "netns.h"
#include "pfkey_build.h"
#include "pfkey_spd.h"
#include "pfkey_sock.h"
#include "pfkey_dump.h"
#include "sockpolicy.h"

static struct nfipsec_spd *spd_of(struct sock *sk)
{
	return &nfipsec_net(sock_net(sk))->spd;
}

static int fail(struct pfkey_verdict *v, u16 diag, int err)
{
	v->diag = diag;
	return err;
}

static size_t ext_bytes(const void *ext)
{
	return (size_t)((const struct sadb_ext *)ext)->sadb_ext_len * 8;
}

/* ---------------------------------------------------------------------- */
/* Policies from messages                                                 */
/* ---------------------------------------------------------------------- */

/* Selector from the address extensions (af_key reads proto from src). */
static void parse_selector(const struct pfkey_msg *m, struct nfipsec_sel *sel)
{
	const struct sadb_address *s = m->ext[SADB_EXT_ADDRESS_SRC];
	const struct sadb_address *d = m->ext[SADB_EXT_ADDRESS_DST];
	u16 family;

	memset(sel, 0, sizeof(*sel));
	memcpy(&family, s + 1, sizeof(family));
	sel->family = family;
	sel->splen = s->sadb_address_prefixlen;
	sel->dplen = d->sadb_address_prefixlen;
	/* 0 (IPPROTO_IP) meant "any" to af_key too. */
	sel->proto = s->sadb_address_proto ? s->sadb_address_proto :
		     NFIPSEC_ULPROTO_ANY;
	nfipsec_addr_from_sockaddr(&sel->src, s + 1);
	nfipsec_addr_from_sockaddr(&sel->dst, d + 1);
	nfipsec_addr_mask(&sel->src, family, sel->splen);
	nfipsec_addr_mask(&sel->dst, family, sel->dplen);
	/* sin_port and sin6_port sit at the same offset. */
	sel->sport = ((const struct sockaddr_in *)(s + 1))->sin_port;
	sel->dport = ((const struct sockaddr_in *)(d + 1))->sin_port;
}

/* The endpoints of a tunnel-mode request: two sockaddrs of one family. */
static int parse_endpoints(const struct sadb_x_ipsecrequest *rq,
			   struct nfipsec_ipsecreq *r)
{
	const u8 *p = (const u8 *)(rq + 1);
	size_t left = rq->sadb_x_ipsecrequest_len - sizeof(*rq);
	u16 f1, f2;
	size_t l;

	if (left < 2)
		return -EINVAL;
	memcpy(&f1, p, 2);
	l = pfkey_sockaddr_len(f1);
	if (!l || left < 2 * l)
		return -EINVAL;
	memcpy(&f2, p + l, 2);
	if (f1 != f2)
		return -EINVAL;
	r->family = f1;
	nfipsec_addr_from_sockaddr(&r->src, p);
	nfipsec_addr_from_sockaddr(&r->dst, p + l);
	r->sport = ((const struct sockaddr_in *)p)->sin_port;
	r->dport = ((const struct sockaddr_in *)(p + l))->sin_port;
	return 0;
}

/*
 * The requests of an IPsec policy.  Refused, with BAD_IPSECREQ: lengths
 * that are not multiples of 8 or overrun the policy, unknown protocols,
 * modes or levels, tunnel mode without two endpoints of one family, and
 * more requests than a bundle may have.
 */
static int parse_requests(struct nfipsec_spd *spd, struct sadb_x_policy *xp,
			  struct nfipsec_policy *pol, struct pfkey_verdict *v)
{
	size_t left = ext_bytes(xp) - sizeof(*xp);
	u8 *p = (u8 *)(xp + 1);

	pol->nreq = 0;
	while (left) {
		struct sadb_x_ipsecrequest *rq = (void *)p;
		struct nfipsec_ipsecreq *r;
		size_t len;

		if (left < sizeof(*rq))
			return fail(v, SADB_X_DIAGNOSTIC_BAD_IPSECREQ, -EINVAL);
		len = rq->sadb_x_ipsecrequest_len;
		if (len < sizeof(*rq) || len > left || len % 8)
			return fail(v, SADB_X_DIAGNOSTIC_BAD_IPSECREQ, -EINVAL);
		if (pol->nreq == NFIPSEC_MAX_REQS)
			return fail(v, SADB_X_DIAGNOSTIC_BAD_IPSECREQ, -ELOOP);
		r = &pol->req[pol->nreq];
		memset(r, 0, sizeof(*r));
		r->proto = rq->sadb_x_ipsecrequest_proto;
		r->mode = rq->sadb_x_ipsecrequest_mode;
		r->level = rq->sadb_x_ipsecrequest_level;
		r->reqid = rq->sadb_x_ipsecrequest_reqid;
		if (r->proto != IPPROTO_ESP && r->proto != IPPROTO_AH &&
		    r->proto != IPPROTO_COMP)
			return fail(v, SADB_X_DIAGNOSTIC_BAD_IPSECREQ, -EINVAL);
		if (r->mode != IPSEC_MODE_TRANSPORT && r->mode != IPSEC_MODE_TUNNEL)
			return fail(v, SADB_X_DIAGNOSTIC_BAD_MODE, -EINVAL);
		if (r->level > IPSEC_LEVEL_UNIQUE)
			return fail(v, SADB_X_DIAGNOSTIC_BAD_IPSECREQ, -EINVAL);
		if (r->mode == IPSEC_MODE_TUNNEL && parse_endpoints(rq, r))
			return fail(v, SADB_X_DIAGNOSTIC_BAD_IPSECREQ, -EINVAL);
		/* unique without a usable number: make one, and say which. */
		if (r->level == IPSEC_LEVEL_UNIQUE &&
		    (!r->reqid || r->reqid > NFIPSEC_MANUAL_REQID_MAX)) {
			r->reqid = nfipsec_spd_gen_reqid(spd);
			if (!r->reqid)
				return fail(v, SADB_X_DIAGNOSTIC_NOMEM, -ENOBUFS);
			rq->sadb_x_ipsecrequest_reqid = r->reqid;
		}
		pol->nreq++;
		p += len;
		left -= len;
	}
	if (pol->type == IPSEC_POLICY_IPSEC && !pol->nreq)
		return fail(v, SADB_X_DIAGNOSTIC_BAD_POLICY, -EINVAL);
	return 0;
}

static void lifetime_from(struct nfipsec_lifetime *l, const struct sadb_lifetime *e)
{
	if (!e)
		return;
	l->allocations = e->sadb_lifetime_allocations;
	l->bytes = e->sadb_lifetime_bytes;
	l->addtime = e->sadb_lifetime_addtime;
	l->usetime = e->sadb_lifetime_usetime;
}

/*
 * Build a policy from an SPDADD/SPDUPDATE/SPDSETIDX/SPDDELETE message.
 * The kept copy of its extensions is made first and the requests are
 * parsed out of that copy, so generated reqids land in what is returned.
 */
static struct nfipsec_policy *policy_from_msg(struct nfipsec_spd *spd,
					      const struct pfkey_msg *m,
					      struct pfkey_verdict *v, int *err)
{
	static const u16 kept_types[] = { SADB_EXT_ADDRESS_SRC,
					  SADB_EXT_ADDRESS_DST, SADB_X_EXT_SEC_CTX };
	const struct sadb_x_policy *in = m->ext[SADB_X_EXT_POLICY];
	struct nfipsec_policy *pol;
	struct sadb_x_policy *xp;
	size_t len = 0, i;
	u8 *p;

	if (in->sadb_x_policy_type > IPSEC_POLICY_IPSEC) {
		/* entrust and bypass are for per-socket policies only. */
		*err = fail(v, SADB_X_DIAGNOSTIC_BAD_POLICY, -EINVAL);
		return NULL;
	}
	if (in->sadb_x_policy_dir < IPSEC_DIR_INBOUND ||
	    in->sadb_x_policy_dir > IPSEC_DIR_FWD) {
		*err = fail(v, SADB_X_DIAGNOSTIC_BAD_POLICY, -EINVAL);
		return NULL;
	}
	pol = nfipsec_policy_alloc();
	if (!pol) {
		*err = fail(v, SADB_X_DIAGNOSTIC_NOMEM, -ENOMEM);
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(kept_types); i++)
		if (m->ext[kept_types[i]])
			len += ext_bytes(m->ext[kept_types[i]]);
	len += ext_bytes(in);
	pol->kept = kmalloc(len, GFP_KERNEL);
	if (!pol->kept || len > U16_MAX) {
		*err = fail(v, SADB_X_DIAGNOSTIC_NOMEM, -ENOMEM);
		goto err;
	}
	p = pol->kept;
	for (i = 0; i < ARRAY_SIZE(kept_types); i++) {
		const void *e = m->ext[kept_types[i]];

		if (e) {
			memcpy(p, e, ext_bytes(e));
			p += ext_bytes(e);
		}
	}
	pol->xpol_off = p - pol->kept;
	memcpy(p, in, ext_bytes(in));
	pol->kept_len = len;
	xp = (struct sadb_x_policy *)p;

	pol->dir = xp->sadb_x_policy_dir;
	pol->type = xp->sadb_x_policy_type;
	pol->entry.priority = xp->sadb_x_policy_priority;
	parse_selector(m, &pol->entry.sel);
	*err = 0;
	if (pol->type == IPSEC_POLICY_IPSEC) {
		*err = parse_requests(spd, xp, pol, v);
		if (*err)
			goto err;
	}
	lifetime_from(&pol->hard, m->ext[SADB_EXT_LIFETIME_HARD]);
	lifetime_from(&pol->soft, m->ext[SADB_EXT_LIFETIME_SOFT]);
	return pol;
err:
	nfipsec_policy_put(pol);
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Messages from policies                                                 */
/* ---------------------------------------------------------------------- */

static void put_lifetime(struct sk_buff *skb, u16 type, u64 allocs, u64 bytes,
			 u64 addtime, u64 usetime)
{
	struct sadb_lifetime *l = skb_put_zero(skb, sizeof(*l));

	l->sadb_lifetime_len = sizeof(*l) / 8;
	l->sadb_lifetime_exttype = type;
	l->sadb_lifetime_allocations = min_t(u64, allocs, U32_MAX);
	l->sadb_lifetime_bytes = bytes;
	l->sadb_lifetime_addtime = addtime;
	l->sadb_lifetime_usetime = usetime;
}

/*
 * A policy message: addresses, hard, soft and current lifetimes, the
 * policy, the context.  @expire_hard: an SPDEXPIRE with only the
 * lifetime that ran out (true: hard, false: soft); -1 for the full set.
 */
static struct sk_buff *policy_msg(const struct nfipsec_policy *pol, u8 type,
				  u32 seq, u32 pid, int expire_hard, gfp_t gfp)
{
	const u8 *xp = pol->kept + pol->xpol_off;
	size_t before = pol->xpol_off, after = pol->kept_len - pol->xpol_off;
	struct sk_buff *skb;
	struct sadb_msg *h;
	struct sadb_x_policy *out;
	size_t ctx_len = 0, addr_len = before;
	const u8 *ctx = NULL;

	/* The context is kept after the addresses; it goes last, as af_key. */
	{
		const u8 *q = pol->kept, *end = pol->kept + before;

		while (q < end) {
			if (((const struct sadb_ext *)q)->sadb_ext_type == SADB_X_EXT_SEC_CTX) {
				ctx = q;
				ctx_len = ext_bytes(q);
				addr_len = q - pol->kept;
				break;
			}
			q += ext_bytes(q);
		}
	}
	skb = alloc_skb(sizeof(*h) + before + after + 3 * sizeof(struct sadb_lifetime),
			gfp);
	if (!skb)
		return NULL;
	h = skb_put_zero(skb, sizeof(*h));
	h->sadb_msg_version = PF_KEY_V2;
	h->sadb_msg_type = type;
	h->sadb_msg_seq = seq;
	h->sadb_msg_pid = pid;
	/*
	 * As af_key: the reserved field of policy messages holds a reference
	 * count.  A policy in the SPD is indexed twice (selector, id), which
	 * counts as two, so the numbers are XFRM's: 2 at rest in the SPD.
	 */
	h->sadb_msg_reserved = min_t(u32, refcount_read(&pol->ref) +
				     !list_empty(&pol->node.list), U16_MAX);
	skb_put_data(skb, pol->kept, addr_len);
	if (expire_hard != 0)
		put_lifetime(skb, SADB_EXT_LIFETIME_HARD, pol->hard.allocations,
			     pol->hard.bytes, pol->hard.addtime, pol->hard.usetime);
	if (expire_hard != 1)
		put_lifetime(skb, SADB_EXT_LIFETIME_SOFT, pol->soft.allocations,
			     pol->soft.bytes, pol->soft.addtime, pol->soft.usetime);
	put_lifetime(skb, SADB_EXT_LIFETIME_CURRENT, atomic64_read(&pol->packets),
		     atomic64_read(&pol->bytes), pol->created,
		     READ_ONCE(pol->lastused));
	out = skb_put_data(skb, xp, after);
	out->sadb_x_policy_id = pol->id;
	if (ctx)
		skb_put_data(skb, ctx, ctx_len);
	h->sadb_msg_len = skb->len / 8;
	return skb;
}

/* @pol as a message of @type to every PF_KEY socket of @net. */
static int announce_net(struct net *net, const struct nfipsec_policy *pol, u8 type,
			u32 seq, u32 pid)
{
	struct sk_buff *skb = policy_msg(pol, type, seq, pid, -1, GFP_KERNEL);

	if (!skb)
		return -ENOBUFS;
	pfkey_broadcast(net, skb, PFKEY_TO_ALL, NULL, 0, GFP_KERNEL);
	return 0;
}

/* ...in answer to @req. */
static int announce(struct sock *sk, const struct nfipsec_policy *pol, u8 type,
		    const struct sadb_msg *req)
{
	return announce_net(sock_net(sk), pol, type, req->sadb_msg_seq, req->sadb_msg_pid);
}

/* ---------------------------------------------------------------------- */
/* Handlers                                                               */
/* ---------------------------------------------------------------------- */

static int handle_spdadd(struct sock *sk, const struct pfkey_msg *m,
			 struct pfkey_verdict *v)
{
	struct nfipsec_spd *spd = spd_of(sk);
	u8 type = m->hdr->sadb_msg_type;
	struct nfipsec_policy *pol, *old;
	int err;

	mutex_lock(&spd->lock);
	pol = policy_from_msg(spd, m, v, &err);
	if (!pol)
		goto unlock;
	old = nfipsec_spd_find_sel(spd, pol->dir, &pol->entry.sel);
	/* As af_key: only SPDUPDATE replaces; SPDSETIDX inserts like SPDADD. */
	if (old && type != SADB_X_SPDUPDATE) {
		err = fail(v, SADB_X_DIAGNOSTIC_POLICY_EXISTS, -EEXIST);
		goto put;
	}
	/* SPDUPDATE: the new policy takes the old one's place and id. */
	if (old)
		err = nfipsec_spd_replace(spd, old, pol);
	else
		err = nfipsec_spd_insert(spd, pol);
	if (err) {
		v->diag = SADB_X_DIAGNOSTIC_NOMEM;
		goto put;
	}
	/* As af_key: an SPDSETIDX is announced as the SPDADD it amounts to. */
	announce(sk, pol, type == SADB_X_SPDUPDATE ? SADB_X_SPDUPDATE : SADB_X_SPDADD,
		 m->hdr);
put:
	nfipsec_policy_put(pol);
unlock:
	mutex_unlock(&spd->lock);
	return err;
}

static int handle_spddelete(struct sock *sk, const struct pfkey_msg *m,
			    struct pfkey_verdict *v)
{
	struct nfipsec_spd *spd = spd_of(sk);
	const struct sadb_x_policy *xp = m->ext[SADB_X_EXT_POLICY];
	struct nfipsec_sel sel;
	struct nfipsec_policy *pol;
	int err = 0;

	if (xp->sadb_x_policy_dir < IPSEC_DIR_INBOUND ||
	    xp->sadb_x_policy_dir > IPSEC_DIR_FWD)
		return fail(v, SADB_X_DIAGNOSTIC_BAD_POLICY, -EINVAL);
	parse_selector(m, &sel);
	mutex_lock(&spd->lock);
	pol = nfipsec_spd_find_sel(spd, xp->sadb_x_policy_dir, &sel);
	if (!pol) {
		err = fail(v, SADB_X_DIAGNOSTIC_POLICY_NOTFOUND, -ENOENT);
	} else {
		nfipsec_policy_get(pol);
		nfipsec_spd_remove(spd, pol);
		announce(sk, pol, SADB_X_SPDDELETE, m->hdr);
		nfipsec_policy_put(pol);
	}
	mutex_unlock(&spd->lock);
	return err;
}

/* SPDGET and SPDDELETE2: by id. */
static int handle_spdget(struct sock *sk, const struct pfkey_msg *m,
			 struct pfkey_verdict *v)
{
	struct nfipsec_spd *spd = spd_of(sk);
	const struct sadb_x_policy *xp = m->ext[SADB_X_EXT_POLICY];
	bool del = m->hdr->sadb_msg_type == SADB_X_SPDDELETE2;
	struct nfipsec_policy *pol;
	struct sk_buff *skb;
	int err = 0;

	/* The direction is in the id's low bits (XFRM numbering). */
	if ((xp->sadb_x_policy_id & 7) > 2)
		return fail(v, SADB_X_DIAGNOSTIC_BAD_POLICY, -EINVAL);
	mutex_lock(&spd->lock);
	pol = nfipsec_spd_find_id(spd, xp->sadb_x_policy_id);
	if (!pol) {
		err = fail(v, SADB_X_DIAGNOSTIC_POLICY_NOTFOUND, -ENOENT);
	} else if (del && pol->ifindex) {
		/* An ipsec interface's: it goes with the interface's tunnel. */
		err = fail(v, SADB_X_DIAGNOSTIC_BAD_POLICY, -EPERM);
	} else if (del) {
		nfipsec_policy_get(pol);
		nfipsec_spd_remove(spd, pol);
		announce(sk, pol, SADB_X_SPDDELETE2, m->hdr);
		nfipsec_policy_put(pol);
	} else {
		skb = policy_msg(pol, SADB_X_SPDGET, m->hdr->sadb_msg_seq,
				 m->hdr->sadb_msg_pid, -1, GFP_KERNEL);
		if (!skb)
			err = fail(v, SADB_X_DIAGNOSTIC_NOMEM, -ENOBUFS);
		else
			pfkey_broadcast(sock_net(sk), skb, PFKEY_TO_ONE, sk, 0,
					GFP_KERNEL);
	}
	mutex_unlock(&spd->lock);
	return err;
}

static int handle_spdflush(struct sock *sk, const struct pfkey_msg *m,
			   struct pfkey_verdict *v)
{
	struct nfipsec_spd *spd = spd_of(sk);
	struct nfipsec_policy *pol, *tmp;
	struct sadb_msg *h;
	struct sk_buff *skb;

	skb = alloc_skb(sizeof(*h), GFP_KERNEL);
	if (!skb)
		return fail(v, SADB_X_DIAGNOSTIC_NOMEM, -ENOBUFS);
	mutex_lock(&spd->lock);
	nfipsec_spd_for_each(spd, pol, tmp)
		if (!pol->ifindex)	/* interfaces' policies stay */
			nfipsec_spd_remove(spd, pol);
	mutex_unlock(&spd->lock);
	h = skb_put_data(skb, m->hdr, sizeof(*h));
	h->sadb_msg_errno = 0;
	h->sadb_msg_len = sizeof(*h) / 8;
	pfkey_broadcast(sock_net(sk), skb, PFKEY_TO_ALL, NULL, 0, GFP_KERNEL);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* An ipsec interface's policies (ipsec_if.c)                             */
/* ---------------------------------------------------------------------- */

/* An address extension for a selector: any address of @family, any protocol. */
static u8 *put_any(u8 *p, u16 type, u16 family)
{
	struct sadb_address *a = (void *)p;
	size_t l = pfkey_sockaddr_bytes(family);

	a->sadb_address_len = (sizeof(*a) + l) / 8;
	a->sadb_address_exttype = type;
	a->sadb_address_proto = IPSEC_ULPROTO_ANY;
	memcpy(a + 1, &family, sizeof(family));
	return p + sizeof(*a) + l;
}

struct nfipsec_policy *nfipsec_spd_add_if_policy(struct net *net, int ifindex, u8 dir,
						 u16 sel_family, u16 family,
						 const union nfipsec_addr *src,
						 const union nfipsec_addr *dst, u32 reqid,
						 int *err)
{
	struct nfipsec_spd *spd = &nfipsec_net(net)->spd;
	size_t rql = ALIGN(sizeof(struct sadb_x_ipsecrequest) +
			   2 * pfkey_sockaddr_len(family), 8);
	size_t len = sizeof(struct sadb_msg) +
		     2 * (sizeof(struct sadb_address) + pfkey_sockaddr_bytes(sel_family)) +
		     sizeof(struct sadb_x_policy) + rql;
	struct sadb_x_ipsecrequest *rq;
	struct pfkey_verdict v = {};
	struct nfipsec_policy *pol = NULL;
	struct sadb_x_policy *xp;
	struct pfkey_msg m;
	struct sadb_msg *h;
	u8 *buf, *p;

	buf = kzalloc(len, GFP_KERNEL);
	if (!buf) {
		*err = -ENOMEM;
		return NULL;
	}
	h = (void *)buf;
	h->sadb_msg_version = PF_KEY_V2;
	h->sadb_msg_type = SADB_X_SPDADD;
	h->sadb_msg_len = len / 8;
	p = put_any(buf + sizeof(*h), SADB_EXT_ADDRESS_SRC, sel_family);
	p = put_any(p, SADB_EXT_ADDRESS_DST, sel_family);
	xp = (void *)p;
	xp->sadb_x_policy_len = (sizeof(*xp) + rql) / 8;
	xp->sadb_x_policy_exttype = SADB_X_EXT_POLICY;
	xp->sadb_x_policy_type = IPSEC_POLICY_IPSEC;
	xp->sadb_x_policy_dir = dir;
	rq = (void *)(xp + 1);
	rq->sadb_x_ipsecrequest_len = rql;
	rq->sadb_x_ipsecrequest_proto = IPPROTO_ESP;
	rq->sadb_x_ipsecrequest_mode = IPSEC_MODE_TUNNEL;
	rq->sadb_x_ipsecrequest_level = IPSEC_LEVEL_UNIQUE;
	rq->sadb_x_ipsecrequest_reqid = reqid;
	pfkey_fill_sockaddr(pfkey_fill_sockaddr((u8 *)(rq + 1), family, src), family, dst);

	*err = pfkey_parse(buf, len, &m, &v);
	if (*err)
		goto out;
	mutex_lock(&spd->lock);
	pol = policy_from_msg(spd, &m, &v, err);
	if (pol) {
		pol->ifindex = ifindex;
		*err = nfipsec_spd_insert(spd, pol);
		if (*err) {
			nfipsec_policy_put(pol);
			pol = NULL;
		}
	}
	if (pol)
		announce_net(net, pol, SADB_X_SPDADD, 0, 0);
	mutex_unlock(&spd->lock);
out:
	kfree(buf);
	return pol;	/* the caller's reference; the SPD holds its own */
}

void nfipsec_spd_del_if_policy(struct net *net, struct nfipsec_policy *pol)
{
	struct nfipsec_spd *spd = &nfipsec_net(net)->spd;

	mutex_lock(&spd->lock);
	if (!list_empty(&pol->node.list)) {
		nfipsec_spd_remove(spd, pol);
		announce_net(net, pol, SADB_X_SPDDELETE, 0, 0);
	}
	mutex_unlock(&spd->lock);
}

struct spd_dump {
	struct pfkey_dump d;
	struct nfipsec_walk_node pos;
	struct nfipsec_spd *spd;
	struct net *net;
	bool started, finished;
	/* Per-socket policies, listed after the SPD's own. */
	struct nfipsec_sockpol_view **sock;
	int nsock, isock;
	bool sock_taken;
};

/*
 * A per-socket policy as af_key shows it: empty selector of the socket's
 * family, the policy as given, in direction 4 (inbound) or 5 (outbound):
 * XFRM's socket-policy slots plus one.  Like af_key, which reads the
 * xfrm_policy back: "bypass" (what racoon and charon set on their IKE
 * sockets) shows as "none", the header's reserved field holds XFRM's
 * reference count, and the current lifetime the times XFRM keeps.
 */
static struct sk_buff *sockpol_msg(const struct nfipsec_sockpol_view *v, u32 seq,
				   u32 pid)
{
	size_t salen = pfkey_sockaddr_len(v->family);
	size_t alen = DIV_ROUND_UP(sizeof(struct sadb_address) + salen, 8) * 8;
	struct sadb_x_policy *xp;
	struct sk_buff *skb;
	struct sadb_msg *h;
	int i;

	skb = alloc_skb(sizeof(*h) + 2 * alen + 3 * sizeof(struct sadb_lifetime) +
			v->xpol_len, GFP_KERNEL);
	if (!skb)
		return NULL;
	h = skb_put_zero(skb, sizeof(*h));
	h->sadb_msg_version = PF_KEY_V2;
	h->sadb_msg_type = SADB_X_SPDDUMP;
	h->sadb_msg_seq = seq;
	h->sadb_msg_pid = pid;
	h->sadb_msg_reserved = min_t(u32, v->refcnt, U16_MAX);
	for (i = 0; i < 2; i++) {
		struct sadb_address *a = skb_put_zero(skb, alen);

		a->sadb_address_len = alen / 8;
		a->sadb_address_exttype = i ? SADB_EXT_ADDRESS_DST : SADB_EXT_ADDRESS_SRC;
		a->sadb_address_proto = NFIPSEC_ULPROTO_ANY;
		memcpy(a + 1, &v->family, sizeof(v->family));
	}
	put_lifetime(skb, SADB_EXT_LIFETIME_HARD, 0, 0, 0, 0);
	put_lifetime(skb, SADB_EXT_LIFETIME_SOFT, 0, 0, 0, 0);
	put_lifetime(skb, SADB_EXT_LIFETIME_CURRENT, 0, 0, v->add_time, v->use_time);
	xp = skb_put_data(skb, v->xpol, v->xpol_len);
	if (xp->sadb_x_policy_type == IPSEC_POLICY_BYPASS)
		xp->sadb_x_policy_type = IPSEC_POLICY_NONE;
	xp->sadb_x_policy_id = v->id;
	xp->sadb_x_policy_dir = v->dir + IPSEC_DIR_FWD;
	h->sadb_msg_len = skb->len / 8;
	return skb;
}

static int sockpol_dump_next(struct pfkey_sock *pfk, struct spd_dump *sd)
{
	struct pfkey_dump *d = &sd->d;
	int n;

	if (!sd->sock_taken) {
		n = nfipsec_sockpol_snapshot(sd->net, &sd->sock);
		if (n < 0)
			return n;
		sd->nsock = n;
		sd->sock_taken = true;
	}
	while (sd->isock < sd->nsock) {
		struct sk_buff *skb;
		int err;

		if (d->held && !pfkey_can_dump(&pfk->sk))
			return -ENOBUFS;
		skb = sockpol_msg(sd->sock[sd->isock], d->count + 1,
				  d->req.sadb_msg_pid);
		if (!skb)
			return -ENOMEM;
		err = pfkey_dump_emit(pfk, d, skb);
		if (err)
			return err;
		sd->isock++;
	}
	return 0;
}

static int spd_dump_next(struct pfkey_sock *pfk, struct pfkey_dump *d)
{
	struct spd_dump *sd = container_of(d, struct spd_dump, d);
	struct nfipsec_spd *spd = sd->spd;
	struct list_head *p;
	int err = 0;

	if (sd->finished)
		return sockpol_dump_next(pfk, sd);
	mutex_lock(&spd->lock);
	if (!sd->started) {
		list_add(&sd->pos.list, &spd->all);
		sd->started = true;
	}
	for (p = sd->pos.list.next; p != &spd->all; p = p->next) {
		struct nfipsec_walk_node *n = list_entry(p, struct nfipsec_walk_node, list);
		struct nfipsec_policy *pol;
		struct sk_buff *skb;

		if (n->walker)
			continue;
		pol = container_of(n, struct nfipsec_policy, node);
		if (d->held && !pfkey_can_dump(&pfk->sk)) {
			err = -ENOBUFS;
			break;
		}
		skb = policy_msg(pol, SADB_X_SPDDUMP, d->count + 1,
				 d->req.sadb_msg_pid, -1, GFP_KERNEL);
		if (!skb) {
			err = -ENOMEM;
			break;
		}
		err = pfkey_dump_emit(pfk, d, skb);
		if (err)
			break;
	}
	list_move_tail(&sd->pos.list, p);
	if (!err) {
		list_del_init(&sd->pos.list);
		sd->finished = true;
	}
	mutex_unlock(&spd->lock);
	return err ? err : sockpol_dump_next(pfk, sd);
}

static void spd_dump_release(struct pfkey_dump *d)
{
	struct spd_dump *sd = container_of(d, struct spd_dump, d);

	mutex_lock(&sd->spd->lock);
	list_del(&sd->pos.list);
	mutex_unlock(&sd->spd->lock);
	nfipsec_sockpol_free_views(sd->sock, sd->nsock);
	kfree(sd);
}

static int handle_spddump(struct sock *sk, const struct pfkey_msg *m,
			  struct pfkey_verdict *v)
{
	struct spd_dump *sd;
	int err;

	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return fail(v, SADB_X_DIAGNOSTIC_NOMEM, -ENOMEM);
	sd->d.next = spd_dump_next;
	sd->d.release = spd_dump_release;
	sd->spd = spd_of(sk);
	sd->net = sock_net(sk);
	sd->pos.walker = true;
	INIT_LIST_HEAD(&sd->pos.list);
	err = pfkey_dump_start(pfkey_sk(sk), &sd->d, m->hdr);
	if (err) {
		kfree(sd);
		return fail(v, SADB_X_DIAGNOSTIC_NONE, err);
	}
	return 0;
}

/* SADB_X_SPDEXPIRE to registered sockets (af_key never sends it). */
static void policy_expired(struct nfipsec_spd *spd, struct nfipsec_policy *pol,
			   bool hard)
{
	struct nfipsec_net *nn = spd->owner;
	struct sk_buff *skb;

	skb = policy_msg(pol, SADB_X_SPDEXPIRE, 0, 0, hard, GFP_KERNEL);
	if (!skb) {
		nfipsec_stats_inc(&nn->stats, NFIPSEC_STAT_PFKEY_OUT_DROP_NOMEM);
		return;
	}
	pfkey_broadcast(nn->net, skb, PFKEY_TO_REGISTERED, NULL, 0, GFP_KERNEL);
}

const struct nfipsec_spd_ops nfipsec_pfkey_spd_ops = {
	.expired = policy_expired,
};

const pfkey_handler_t nfipsec_pfkey_spd_handlers[SADB_MAX + 1] = {
	[SADB_X_SPDUPDATE]	= handle_spdadd,
	[SADB_X_SPDADD]		= handle_spdadd,
	[SADB_X_SPDSETIDX]	= handle_spdadd,
	[SADB_X_SPDDELETE]	= handle_spddelete,
	[SADB_X_SPDGET]		= handle_spdget,
	[SADB_X_SPDDELETE2]	= handle_spdget,
	[SADB_X_SPDDUMP]	= handle_spddump,
	[SADB_X_SPDFLUSH]	= handle_spdflush,
};
