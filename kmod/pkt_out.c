// SPDX-License-Identifier: GPL-2.0
/*
 * pkt_out.c - the outbound packet path: at the end of POST_ROUTING (after
 * NAT and the firewall, before conntrack's confirm), every packet of a
 * namespace where nfipsec has policies is looked up in the outbound SPD.
 *
 *   socket policy (IP_IPSEC_POLICY, sockpolicy.c) first: bypass/none pass,
 *                 discard drops, ipsec applies its own requests, entrust
 *                 asks the SPD
 *   no policy     def_policy: pass, or drop
 *   none          pass
 *   discard       drop
 *   ipsec         the first request that has an SA (or whose level is
 *                 use and has none: passed in clear) is applied; ESP in
 *                 transport or tunnel mode.  A required SA that does not
 *                 exist drops the packet and sends one SADB_ACQUIRE
 *                 (acquire.c); a "use" request without SA asks too.
 *
 * GSO packets are segmented first, and checksums finished, since ESP
 * encrypts them.  Transport mode changes the packet in place and lets it
 * continue down the hook chain; tunnel mode builds the outer header,
 * routes it and sends it through LOCAL_OUT and POST_ROUTING again
 * (nfipsec_local_out(), which the hook does not transform twice).
 * Packets larger than the route's MTU after ESP are fragmented (outer
 * header's DF ignored); path-MTU feedback is not implemented yet.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/ipsec.h>
#include <net/dsfield.h>
#include <net/dst.h>
#include NFIPSEC_GSO_H
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "acquire.h"
#include "esp.h"
#include "pkt.h"
#include "sockpolicy.h"
#include "spd.h"
#include "xform.h"

struct out_plan {
	struct nfipsec_sa *sa;		/* referenced */
	const struct nfipsec_ipsecreq *req;
	u8 mode;
};

/* Which SA the request @r asks for this packet, or why none. */
/* The requests to apply: an SPD policy's, or a socket's own (id 0). */
struct out_reqs {
	const struct nfipsec_ipsecreq *req;
	u8 nreq;
	u32 id, priority;
};

static int plan_req(struct nfipsec_net *nn, const struct out_reqs *rs,
		    const struct nfipsec_flow *f, const struct nfipsec_ipsecreq *r,
		    struct out_plan *plan)
{
	const union nfipsec_addr *src = &f->src, *dst = &f->dst;
	u16 family = f->family;
	u8 level = nfipsec_req_level(nn, f->family, r->proto, r->mode, r->level);

	if (r->mode == IPSEC_MODE_TUNNEL) {
		if (!r->family)
			return -EINVAL;
		family = r->family;
		src = &r->src;
		dst = &r->dst;
	}
	if (r->proto != IPPROTO_ESP)
		return level == IPSEC_LEVEL_USE ? -ENOENT : -EOPNOTSUPP;
	/* A request with a reqid (unique:N, or set by an IKE daemon) wants that SA. */
	plan->sa = nfipsec_sa_lookup_out(&nn->sadb, family, src, dst, r->proto,
					 r->mode, r->reqid);
	if (plan->sa && !plan->sa->xf) {
		nfipsec_sa_put(plan->sa);
		plan->sa = NULL;
	}
	if (!plan->sa) {
		/* Ask the key managers for it, whatever the level (KAME). */
		nfipsec_acquire(nn, rs->id, rs->priority, r, family, src, dst);
		return level == IPSEC_LEVEL_USE ? -ENOENT : -ESRCH;
	}
	plan->req = r;
	plan->mode = r->mode;
	return 0;
}

/*
 * One policy's bundle.  Returns 0 with plan->sa set (apply it), 1 (send
 * in clear: only "use" requests without SA), or a negative errno (drop).
 * Only one transform per packet is carried so far: a bundle that needs
 * two is refused as unsupported rather than half applied.
 */
static int plan_policy(struct nfipsec_net *nn, const struct out_reqs *rs,
		       const struct nfipsec_flow *f, struct out_plan *plan)
{
	struct out_plan p = {};
	int i, err, found = 0;

	plan->sa = NULL;
	for (i = 0; i < rs->nreq; i++) {
		err = plan_req(nn, rs, f, &rs->req[i], &p);
		if (err == -ENOENT)
			continue;
		if (err) {
			if (plan->sa)
				nfipsec_sa_put(plan->sa);
			plan->sa = NULL;
			return err;
		}
		if (found++) {
			nfipsec_sa_put(p.sa);
			nfipsec_sa_put(plan->sa);
			plan->sa = NULL;
			return -EOPNOTSUPP;
		}
		*plan = p;
	}
	return found ? 0 : 1;
}

/* ---------------------------------------------------------------------- */
/* Tunnel mode: the outer header                                          */
/* ---------------------------------------------------------------------- */

static struct dst_entry *route_outer(struct net *net, struct sk_buff *skb,
				     u16 family, const union nfipsec_addr *src,
				     const union nfipsec_addr *dst)
{
	if (family == AF_INET) {
		struct flowi4 fl4 = {
			.daddr = dst->a4,
			.saddr = src->a4,
			.flowi4_proto = IPPROTO_ESP,
			.flowi4_mark = skb->mark,
		};
		struct rtable *rt = ip_route_output_key(net, &fl4);

		return IS_ERR(rt) ? NULL : &rt->dst;
	} else {
		struct flowi6 fl6 = {
			.daddr = dst->a6,
			.saddr = src->a6,
			.flowi6_proto = IPPROTO_ESP,
			.flowi6_mark = skb->mark,
		};
		struct dst_entry *d = ip6_route_output(net, NULL, &fl6);

		if (d->error) {
			dst_release(d);
			return NULL;
		}
		return d;
	}
}

static u8 inner_dsfield(const struct sk_buff *skb, u16 inner_family)
{
	return inner_family == AF_INET ? ip_hdr(skb)->tos : ipv6_get_dsfield(ipv6_hdr(skb));
}

/* Push the outer header of @p (family p->family, endpoints p->tsrc/tdst). */
static void push_outer(struct nfipsec_pkt *p, struct nfipsec_net *nn,
		       u16 inner_family, struct dst_entry *dst)
{
	struct sk_buff *skb = p->skb;
	u8 ds = inner_dsfield(skb, inner_family);
	u8 inner_proto = inner_family == AF_INET ? IPPROTO_IPIP : IPPROTO_IPV6;
	int ecn = READ_ONCE(nfipsec_af(nn, p->family)->ecn);
	bool df = false;

	/* RFC 6040: ECN copied (ecn=1) or cleared (ecn=0, compatibility mode). */
	ds = ecn ? INET_ECN_encapsulate(ds, ds) : (ds & ~INET_ECN_MASK);
	if (inner_family == AF_INET) {
		switch (READ_ONCE(nn->sysctl.dfbit)) {
		case 1:
			df = true;
			break;
		case 2:
			df = ip_hdr(skb)->frag_off & htons(IP_DF);
			break;
		}
	}
	if (p->family == AF_INET) {
		struct iphdr *iph = skb_push(skb, sizeof(*iph));

		skb_reset_network_header(skb);
		iph->version = 4;
		iph->ihl = 5;
		iph->tos = ds;
		iph->tot_len = htons(skb->len);
		iph->frag_off = df ? htons(IP_DF) : 0;
		iph->ttl = ip4_dst_hoplimit(dst);
		iph->protocol = inner_proto;
		iph->saddr = p->tsrc.a4;
		iph->daddr = p->tdst.a4;
		__ip_select_ident(p->net, iph, 1);
		ip_send_check(iph);
		p->hdrlen = sizeof(*iph);
		p->proto_off = offsetof(struct iphdr, protocol);
	} else {
		struct ipv6hdr *ip6h = skb_push(skb, sizeof(*ip6h));

		skb_reset_network_header(skb);
		ip6_flow_hdr(ip6h, ds, 0);
		ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
		ip6h->nexthdr = inner_proto;
		ip6h->hop_limit = ip6_dst_hoplimit(dst);
		ip6h->saddr = p->tsrc.a6;
		ip6h->daddr = p->tdst.a6;
		p->hdrlen = sizeof(*ip6h);
		p->proto_off = offsetof(struct ipv6hdr, nexthdr);
	}
}

/* ---------------------------------------------------------------------- */
/* Sending                                                                */
/* ---------------------------------------------------------------------- */

static void set_ignore_df(struct sk_buff *skb)
{
	/* Too big for the route once protected: fragment rather than drop. */
	if (skb_dst(skb) && skb->len > dst_mtu(skb_dst(skb)))
		skb->ignore_df = 1;
}

/* The packet is protected: count it against the namespace and the SA. */
static void out_protected(struct nfipsec_pkt *p)
{
	nfipsec_pkt_count(nfipsec_net(p->net), NFIPSEC_STAT_ESP_OUT);
	nfipsec_sa_account(p->sa, p->skb->len);
	set_ignore_df(p->skb);
}

/* ... and send it on. */
static void out_send(struct nfipsec_pkt *p)
{
	struct sk_buff *skb = p->skb;

	out_protected(p);
	if (p->mode == IPSEC_MODE_TUNNEL) {
		nfipsec_local_out(p->net, skb, p->family);
	} else {
		local_bh_disable();
		p->okfn(p->net, NULL, skb);
		local_bh_enable();
	}
}

static void out_drop(struct nfipsec_pkt *p, int err)
{
	struct nfipsec_net *nn = nfipsec_net(p->net);

	atomic64_inc(&p->sa->drop_other);
	nfipsec_pkt_count(nn, err == -EOVERFLOW ? NFIPSEC_STAT_OUT_SEQ_OVERFLOW :
		  NFIPSEC_STAT_OUT_ERROR);
	kfree_skb(p->skb);
}

/* Async completion: outside the hook's RCU read section, so take one. */
static void out_done(struct nfipsec_pkt *p, int err)
{
	nfipsec_pkt_count(nfipsec_net(p->net), NFIPSEC_STAT_ASYNC);
	rcu_read_lock();
	if (err)
		out_drop(p, err);
	else
		out_send(p);
	rcu_read_unlock();
	nfipsec_pkt_free(p);
}

/*
 * Protect one (non-GSO) packet with @plan.  Owns @skb unless it returns
 * NF_ACCEPT (allowed only when @may_accept: the packet then continues
 * down the hook chain, changed in place).
 */
static unsigned int out_one(struct sk_buff *skb, const struct nf_hook_state *state,
			    const struct out_plan *plan, bool may_accept)
{
	struct nfipsec_net *nn = nfipsec_net(state->net);
	struct nfipsec_sa *sa = plan->sa;
	u16 family = state->pf == NFPROTO_IPV4 ? AF_INET : AF_INET6;
	struct dst_entry *dst = NULL;
	struct nfipsec_l3 l3;
	struct nfipsec_pkt *p;
	int err;

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto error;
	/* Leaving the hook chain (tunnel mode, async crypto): confirm now. */
	nfipsec_ct_confirm(skb);
	p = nfipsec_pkt_alloc(sa, GFP_ATOMIC);
	if (!p)
		goto error;
	p->skb = skb;
	p->net = state->net;
	p->okfn = state->okfn;
	p->done = out_done;
	p->mode = plan->mode;
	p->hook = state->hook;

	if (plan->mode == IPSEC_MODE_TUNNEL) {
		p->family = plan->req->family;
		p->tsrc = plan->req->src;
		p->tdst = plan->req->dst;
		dst = route_outer(state->net, skb, p->family, &p->tsrc, &p->tdst);
		if (!dst) {
			nfipsec_pkt_count(nn, NFIPSEC_STAT_OUT_NO_ROUTE);
			nfipsec_pkt_free(p);
			kfree_skb(skb);
			return NF_STOLEN;
		}
		err = nfipsec_skb_make_room(skb, (p->family == AF_INET ?
					    sizeof(struct iphdr) : sizeof(struct ipv6hdr)) +
					    nfipsec_esp_head(sa) + LL_RESERVED_SPACE(dst->dev),
					    nfipsec_esp_tail_max(sa));
		if (err) {
			dst_release(dst);
			nfipsec_pkt_free(p);
			goto error;
		}
		nf_reset_ct(skb);
		push_outer(p, nn, family, dst);
		skb_dst_drop(skb);
		skb_dst_set(skb, dst);
		memset(skb->cb, 0, sizeof(skb->cb));
		skb->protocol = p->family == AF_INET ? htons(ETH_P_IP) : htons(ETH_P_IPV6);
	} else {
		if (nfipsec_l3_parse(skb, family, &l3) || l3.frag) {
			nfipsec_pkt_free(p);
			goto error;
		}
		p->family = family;
		p->hdrlen = l3.hdrlen;
		p->proto_off = l3.proto_off;
	}

	err = nfipsec_esp_output(p);
	if (err == -EINPROGRESS)
		return NF_STOLEN;
	if (err) {
		out_drop(p, err);
		nfipsec_pkt_free(p);
		return NF_STOLEN;
	}
	if (plan->mode == IPSEC_MODE_TRANSPORT && may_accept) {
		/* Changed in place: the rest of the hook chain sends it. */
		out_protected(p);
		nfipsec_pkt_free(p);
		return NF_ACCEPT;
	}
	out_send(p);
	nfipsec_pkt_free(p);
	return NF_STOLEN;

error:
	nfipsec_pkt_count(nn, NFIPSEC_STAT_OUT_ERROR);
	atomic64_inc(&sa->drop_other);
	kfree_skb(skb);
	return NF_STOLEN;
}

static unsigned int out_apply(struct sk_buff *skb, const struct nf_hook_state *state,
			      const struct out_plan *plan)
{
	struct sk_buff *segs, *seg, *next;

	if (!skb_is_gso(skb))
		return out_one(skb, state, plan, true);

	/* ESP encrypts: segment first, then protect every segment. */
	nfipsec_ct_confirm(skb);
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		nfipsec_pkt_count(nfipsec_net(state->net), NFIPSEC_STAT_OUT_ERROR);
		kfree_skb(skb);
		return NF_STOLEN;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		out_one(seg, state, plan, false);
	}
	return NF_STOLEN;
}

static unsigned int out_policy_ipsec(struct sk_buff *skb,
				     const struct nf_hook_state *state,
				     const struct out_reqs *rs,
				     const struct nfipsec_flow *f)
{
	struct nfipsec_net *nn = nfipsec_net(state->net);
	struct out_plan plan = {};
	unsigned int verdict;
	int err;

	err = plan_policy(nn, rs, f, &plan);
	if (err == 1)
		return NF_ACCEPT;
	if (err) {
		nfipsec_pkt_count(nn, err == -EOPNOTSUPP ? NFIPSEC_STAT_OUT_UNSUPPORTED :
			  NFIPSEC_STAT_OUT_NO_SA);
		return NF_DROP;
	}
	verdict = out_apply(skb, state, &plan);
	nfipsec_sa_put(plan.sa);
	return verdict;
}

unsigned int nfipsec_out_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct nfipsec_net *nn = nfipsec_net(state->net);
	u16 family = state->pf == NFPROTO_IPV4 ? AF_INET : AF_INET6;
	const struct nfipsec_sockpol *sp;
	struct nfipsec_policy *pol;
	struct nfipsec_flow f;
	struct nfipsec_l3 l3;
	unsigned int verdict;

	if (!nfipsec_pkt_active(nn) || nfipsec_in_local_out())
		return NF_ACCEPT;
	if (skb_network_offset(skb) ||
	    nfipsec_l3_parse(skb, family, &l3) ||
	    nfipsec_flow_from_skb(skb, &l3, &f))
		return NF_ACCEPT;	/* not an IP packet we can read: not ours */

	/* A socket's own policy (IP_IPSEC_POLICY) comes before the SPD's. */
	sp = nfipsec_sockpol_of(skb->sk, XFRM_POLICY_OUT);
	if (sp) {
		switch (sp->type) {
		case IPSEC_POLICY_BYPASS:
		case IPSEC_POLICY_NONE:
			return NF_ACCEPT;
		case IPSEC_POLICY_DISCARD:
			nfipsec_pkt_count(nn, NFIPSEC_STAT_OUT_POLICY_DISCARD);
			return NF_DROP;
		case IPSEC_POLICY_IPSEC: {
			struct out_reqs rs = { .req = sp->req, .nreq = sp->nreq };

			return out_policy_ipsec(skb, state, &rs, &f);
		}
		default:	/* entrust: the SPD decides */
			break;
		}
	}

	pol = nfipsec_spd_lookup(&nn->spd, IPSEC_DIR_OUTBOUND, &f);
	if (!pol) {
		int def = READ_ONCE(nfipsec_af(nn, family)->def_policy);

		if (def == NFIPSEC_DEF_POLICY_DISCARD) {
			nfipsec_pkt_count(nn, NFIPSEC_STAT_OUT_POLICY_DISCARD);
			return NF_DROP;
		}
		return NF_ACCEPT;
	}
	nfipsec_policy_used(pol, skb->len);
	switch (pol->type) {
	case IPSEC_POLICY_DISCARD:
		nfipsec_pkt_count(nn, NFIPSEC_STAT_OUT_POLICY_DISCARD);
		verdict = NF_DROP;
		break;
	case IPSEC_POLICY_IPSEC: {
		struct out_reqs rs = { .req = pol->req, .nreq = pol->nreq,
				       .id = pol->id, .priority = pol->entry.priority };

		verdict = out_policy_ipsec(skb, state, &rs, &f);
		break;
	}
	default:	/* none, entrust, bypass */
		verdict = NF_ACCEPT;
		break;
	}
	nfipsec_policy_put(pol);
	return verdict;
}
