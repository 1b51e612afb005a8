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
 *   ipsec         every request is applied in the policy's order, the
 *                 first innermost (a bundle: "esp/transport//require
 *                 ah/transport//require" is ESP, then AH around it); ESP
 *                 (esp.c), AH (ah.c) or IPcomp (ipcomp.c), transport or
 *                 tunnel mode, a request after a tunnel between the
 *                 tunnel's endpoints.
 *                 A "use" request without SA is skipped.  A required SA
 *                 that does not exist drops the packet and sends one
 *                 SADB_ACQUIRE (acquire.c); a "use" request asks too.
 *                 The SAs are all found before anything is applied, so a
 *                 packet is never half protected.
 *
 * GSO packets are segmented first, and checksums finished, since ESP
 * encrypts them and AH covers them.  A bundle of transport SAs changes
 * the packet in place and lets it continue down the hook chain; with a
 * tunnel, the outer header is built and routed, and the packet is sent
 * through LOCAL_OUT and POST_ROUTING again (nfipsec_local_out(), which
 * the hook does not transform twice).  An asynchronous ESP step resumes
 * the bundle from its completion.
 *
 * Path MTU: before a packet is protected, its size plus the most the
 * bundle can add (nfipsec_esp_overhead(), nfipsec_ah_overhead(), an outer
 * header per tunnel; IPcomp never grows a packet) is compared with the MTU
 * of the route the protected packet leaves by: the packet's own in
 * transport mode, the outermost tunnel's far end otherwise.  Too big, an
 * IPv4 packet with DF (and not ignore_df) or any IPv6 packet the sender
 * did not allow to fragment is dropped (out_too_big) and answered with
 * ICMP "fragmentation needed" / ICMPv6 "packet too big" carrying that MTU
 * minus the overhead, as a tunnel device would; a local sender's socket
 * learns it from the ICMP looped back to it.  IPv4 without DF, fragments,
 * and IPv6 when the answer would be below 1280 are protected and the
 * result fragmented (outer header's DF ignored).
 * The MTU compared with is the route's configured one (metric, or the
 * device's), not a PMTU learned on it: in transport mode, and in a tunnel
 * to the inner destination itself, inner and protected packets share the
 * route to the peer, and what it learned is what this feedback taught the
 * inner senders.  For the same reason an IPv4 protected packet that fits
 * the configured MTU is sent by it (IPSKB_FORWARDED, ip_skb_dst_mtu()),
 * not fragmented to the learned one; IPv6 has no such switch, and there a
 * protected packet over a learned PMTU is fragmented.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/ipsec.h>
#include <net/dsfield.h>
#include <net/dst.h>
#include <net/icmp.h>
#include NFIPSEC_GSO_H
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "acquire.h"
#include "ah.h"
#include "esp.h"
#include "ipsec_if.h"
#include "ipcomp.h"
#include "enc.h"
#include "natt.h"
#include "pkt.h"
#include "sockpolicy.h"
#include "spd.h"
#include "xform.h"

/* What one packet goes through: a policy's SAs, innermost first. */
struct out_plan {
	struct nfipsec_sa *sa[NFIPSEC_MAX_BUNDLE];	/* referenced */
	struct nfipsec_pkt_step step[NFIPSEC_MAX_BUNDLE];
	u8 n;
};

/* The requests to apply: an SPD policy's, or a socket's own (id 0). */
struct out_reqs {
	const struct nfipsec_ipsecreq *req;
	u8 nreq;
	u32 id, priority;
};

static void plan_put(struct out_plan *plan)
{
	while (plan->n)
		nfipsec_sa_put(plan->sa[--plan->n]);
}

/*
 * Which SA the request @r asks for traffic from @src to @dst (the flow's
 * addresses, or the endpoints of a tunnel applied before), or why none:
 * -ENOENT (level use, none: skip it), -ESRCH (required, none: ACQUIRE
 * sent), -EPERM (protocol disabled), -EINVAL.
 */
static int plan_req(struct nfipsec_net *nn, const struct out_reqs *rs,
		    const struct nfipsec_flow *f, u16 family,
		    const union nfipsec_addr *src, const union nfipsec_addr *dst,
		    const struct nfipsec_ipsecreq *r, struct nfipsec_sa **sap)
{
	u8 level = nfipsec_req_level(nn, f->family, r->proto, r->mode, r->level);
	struct nfipsec_sa *sa;

	if (r->mode == IPSEC_MODE_TUNNEL) {
		if (!r->family)
			return -EINVAL;
		family = r->family;
		src = &r->src;
		dst = &r->dst;
	}
	if (!nfipsec_proto_enabled(nn, r->proto))
		return -EPERM;
	if (r->proto != IPPROTO_ESP && r->proto != IPPROTO_AH && r->proto != IPPROTO_COMP)
		return level == IPSEC_LEVEL_USE ? -ENOENT : -EOPNOTSUPP;
	/* A request with a reqid (unique:N, or set by an IKE daemon) wants that SA. */
	sa = nfipsec_sa_lookup_out(&nn->sadb, family, src, dst, r->proto,
				   r->mode, r->reqid);
	if (sa && !sa->xf) {
		nfipsec_sa_put(sa);
		sa = NULL;
	}
	if (!sa) {
		/* Ask the key managers for it, whatever the level (KAME). */
		nfipsec_acquire(nn, rs->id, rs->priority, r, family, src, dst);
		return level == IPSEC_LEVEL_USE ? -ENOENT : -ESRCH;
	}
	*sap = sa;
	return 0;
}

/*
 * One policy's bundle, in the order of its requests (innermost first: a
 * request after a tunnel applies between the tunnel's endpoints).
 * Returns 0 with plan->n SAs (apply them), 1 (send in clear: only "use"
 * requests without SA), or a negative errno of plan_req() (drop; nothing
 * is half applied).
 */
static int plan_policy(struct nfipsec_net *nn, const struct out_reqs *rs,
		       const struct nfipsec_flow *f, struct out_plan *plan)
{
	const union nfipsec_addr *src = &f->src, *dst = &f->dst;
	u16 family = f->family;
	struct nfipsec_sa *sa;
	int i, err;

	plan->n = 0;
	for (i = 0; i < rs->nreq; i++) {
		const struct nfipsec_ipsecreq *r = &rs->req[i];
		struct nfipsec_pkt_step *st = &plan->step[plan->n];

		err = plan_req(nn, rs, f, family, src, dst, r, &sa);
		if (err == -ENOENT)
			continue;
		if (!err && plan->n == NFIPSEC_MAX_BUNDLE) {
			nfipsec_sa_put(sa);
			err = -EOPNOTSUPP;
		}
		if (err) {
			plan_put(plan);
			return err;
		}
		st->mode = r->mode == IPSEC_MODE_TUNNEL ? IPSEC_MODE_TUNNEL :
							  IPSEC_MODE_TRANSPORT;
		if (st->mode == IPSEC_MODE_TUNNEL) {
			st->family = family = r->family;
			st->src = r->src;
			st->dst = r->dst;
			src = &st->src;
			dst = &st->dst;
		}
		plan->sa[plan->n++] = sa;
	}
	return plan->n ? 0 : 1;
}

/* ---------------------------------------------------------------------- */
/* Tunnel mode: the outer header                                          */
/* ---------------------------------------------------------------------- */

static struct dst_entry *route_outer(struct net *net, struct sk_buff *skb, u8 proto,
				     u16 family, const union nfipsec_addr *src,
				     const union nfipsec_addr *dst)
{
	if (family == AF_INET) {
		struct flowi4 fl4 = {
			.daddr = dst->a4,
			.saddr = src->a4,
			.flowi4_proto = proto,
			.flowi4_mark = skb->mark,
		};
		struct rtable *rt = ip_route_output_key(net, &fl4);

		return IS_ERR(rt) ? NULL : &rt->dst;
	} else {
		struct flowi6 fl6 = {
			.daddr = dst->a6,
			.saddr = src->a6,
			.flowi6_proto = proto,
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

/* Push the outer header of the tunnel step @st in front of p->skb. */
static void push_outer(struct nfipsec_pkt *p, struct nfipsec_net *nn,
		       const struct nfipsec_pkt_step *st, struct dst_entry *dst)
{
	struct sk_buff *skb = p->skb;
	u16 inner_family = p->family;
	u8 ds = inner_dsfield(skb, inner_family);
	u8 inner_proto = inner_family == AF_INET ? IPPROTO_IPIP : IPPROTO_IPV6;
	int ecn = READ_ONCE(nfipsec_af(nn, st->family)->ecn);
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
	p->family = st->family;
	if (st->family == AF_INET) {
		struct iphdr *iph = skb_push(skb, sizeof(*iph));

		skb_reset_network_header(skb);
		iph->version = 4;
		iph->ihl = 5;
		iph->tos = ds;
		iph->tot_len = htons(skb->len);
		iph->frag_off = df ? htons(IP_DF) : 0;
		iph->ttl = ip4_dst_hoplimit(dst);
		iph->protocol = inner_proto;
		iph->saddr = st->src.a4;
		iph->daddr = st->dst.a4;
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
		ip6h->saddr = st->src.a6;
		ip6h->daddr = st->dst.a6;
		p->hdrlen = sizeof(*ip6h);
		p->proto_off = offsetof(struct ipv6hdr, nexthdr);
	}
	skb->protocol = st->family == AF_INET ? htons(ETH_P_IP) : htons(ETH_P_IPV6);
}

/* ---------------------------------------------------------------------- */
/* Applying a bundle                                                      */
/* ---------------------------------------------------------------------- */

/* Bytes an SA adds in front of the headers it follows, and at most behind. */
static unsigned int sa_head(const struct nfipsec_sa *sa)
{
	switch (sa->id.proto) {
	case IPPROTO_AH:
		return nfipsec_ah_len(sa);
	case IPPROTO_COMP:
		return 4;
	default:
		return nfipsec_esp_head(sa);
	}
}

static unsigned int sa_tail(const struct nfipsec_sa *sa)
{
	return sa->id.proto == IPPROTO_ESP ? nfipsec_esp_tail_max(sa) : 0;
}

/*
 * Apply p->sas[p->step]: build the tunnel's outer header first if the
 * step is a tunnel.  0, 1 (IPcomp left the payload as it was),
 * -EINPROGRESS (p->done() follows), -EHOSTUNREACH (no route to the
 * tunnel's far end), or another error.
 */
static int out_step(struct nfipsec_pkt *p)
{
	struct nfipsec_net *nn = nfipsec_net(p->net);
	const struct nfipsec_pkt_step *st = &p->steps[p->step];
	struct nfipsec_sa *sa = p->sas[p->step];
	struct sk_buff *skb = p->skb;

	p->sa = sa;
	p->mode = st->mode;
	if (st->mode == IPSEC_MODE_TUNNEL) {
		unsigned int outer = st->family == AF_INET ? sizeof(struct iphdr) :
							     sizeof(struct ipv6hdr);
		struct dst_entry *dst;
		int err;

		dst = route_outer(p->net, skb, sa->id.proto, st->family, &st->src, &st->dst);
		if (!dst)
			return -EHOSTUNREACH;
		err = nfipsec_skb_make_room(skb, outer + sa_head(sa) +
					    LL_RESERVED_SPACE(dst->dev), sa_tail(sa));
		if (err) {
			dst_release(dst);
			return err;
		}
		nf_reset_ct(skb);
		push_outer(p, nn, st, dst);
		skb_dst_drop(skb);
		skb_dst_set(skb, dst);
		memset(skb->cb, 0, sizeof(skb->cb));
	}
	/*
	 * The SA's bytes are what it is about to protect, as XFRM counts
	 * them: the payload behind the headers that stay in front (the
	 * upper-layer segment in transport mode, the whole inner packet in
	 * tunnel mode), before compression, without ESP's or AH's overhead.
	 */
	nfipsec_sa_account(sa, skb->len - p->hdrlen);
	switch (sa->id.proto) {
	case IPPROTO_AH:
		return nfipsec_ah_output(p);
	case IPPROTO_COMP:
		return nfipsec_ipcomp_output(p);
	default:
		return nfipsec_esp_output(p);
	}
}

/*
 * Step p->step is done (@as_is: IPcomp sent it uncompressed): count it
 * against the namespace (out_step() counted the SA's bytes).
 */
static void out_step_done(struct nfipsec_pkt *p, bool as_is)
{
	struct nfipsec_sa *sa = p->sas[p->step];
	unsigned int stat;

	switch (sa->id.proto) {
	case IPPROTO_AH:
		stat = NFIPSEC_STAT_AH_OUT;
		break;
	case IPPROTO_COMP:
		stat = as_is ? NFIPSEC_STAT_COMP_OUT_RAW : NFIPSEC_STAT_COMP_OUT;
		break;
	default:
		stat = NFIPSEC_STAT_ESP_OUT;
		break;
	}
	if (sa->encap_type)
		nfipsec_natt_out_csum(p);	/* IPv6: covers the ciphertext */
	nfipsec_pkt_count(nfipsec_net(p->net), stat);
	p->step++;
}

/* The steps from p->step on: 0 when all are done, -EINPROGRESS, or an error. */
static int out_steps(struct nfipsec_pkt *p)
{
	int err;

	while (p->step < p->nsa) {
		err = out_step(p);
		if (err < 0)
			return err;
		out_step_done(p, err > 0);
	}
	return 0;
}

static bool has_tunnel(const struct nfipsec_pkt *p)
{
	unsigned int i;

	for (i = 0; i < p->nsa; i++)
		if (p->steps[i].mode == IPSEC_MODE_TUNNEL)
			return true;
	return false;
}

/*
 * The MTU of @dst as configured (a route metric, or the device's), not a
 * PMTU learned on it: see the top of this file.
 */
static unsigned int route_mtu(const struct dst_entry *dst, u16 family)
{
	return family == AF_INET ? ip_dst_mtu_maybe_forward(dst, true) :
				   ip6_dst_mtu_maybe_forward(dst, true);
}

/* The packet, protected, is in @family (the outer one after a tunnel). */
static void set_ignore_df(struct sk_buff *skb, u16 family)
{
	struct dst_entry *dst = skb_dst(skb);

	if (!dst || skb->len <= dst_mtu(dst))
		return;
	/*
	 * Over a learned PMTU but within the configured MTU: IPv4 sends it
	 * whole, by the MTU a forwarded packet goes by.
	 */
	if (family == AF_INET && skb->len <= route_mtu(dst, family)) {
		IPCB(skb)->flags |= IPSKB_FORWARDED;
		return;
	}
	/* Too big for the route once protected: fragment rather than drop. */
	skb->ignore_df = 1;
}

/* Protected by every SA: send it on. */
static void out_send(struct nfipsec_pkt *p)
{
	struct sk_buff *skb = p->skb;

	set_ignore_df(skb, p->family);
	if (has_tunnel(p)) {
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
	unsigned int stat;

	switch (err) {
	case -EOVERFLOW:
		stat = NFIPSEC_STAT_OUT_SEQ_OVERFLOW;
		break;
	case -EHOSTUNREACH:
		stat = NFIPSEC_STAT_OUT_NO_ROUTE;
		break;
	default:
		stat = NFIPSEC_STAT_OUT_ERROR;
		break;
	}
	nfipsec_pkt_count(nn, stat);
	atomic64_inc(&p->sa->drop_other);
	kfree_skb(p->skb);
}

/*
 * Async completion of a step (cryptd, a hardware engine): outside the
 * hook's RCU read section, so take one; then the remaining steps.
 */
static void out_done(struct nfipsec_pkt *p, int err)
{
	nfipsec_pkt_count(nfipsec_net(p->net), NFIPSEC_STAT_ASYNC);
	rcu_read_lock();
	if (!err) {
		out_step_done(p, false);
		err = out_steps(p);
	}
	if (err == -EINPROGRESS) {
		rcu_read_unlock();
		return;		/* the next step completes later */
	}
	if (err)
		out_drop(p, err);
	else
		out_send(p);
	rcu_read_unlock();
	nfipsec_pkt_free(p);
}

/* ---------------------------------------------------------------------- */
/* Path-MTU feedback                                                      */
/* ---------------------------------------------------------------------- */

/* The most @plan adds to a packet. */
static unsigned int plan_overhead(const struct out_plan *plan)
{
	unsigned int i, n = 0;

	for (i = 0; i < plan->n; i++) {
		const struct nfipsec_sa *sa = plan->sa[i];

		switch (sa->id.proto) {
		case IPPROTO_AH:
			n += nfipsec_ah_overhead(sa);
			break;
		case IPPROTO_COMP:
			n += nfipsec_ipcomp_overhead(sa);
			break;
		default:
			n += nfipsec_esp_overhead(sa);
			break;
		}
		if (plan->step[i].mode == IPSEC_MODE_TUNNEL)
			n += plan->step[i].family == AF_INET ? sizeof(struct iphdr) :
							       sizeof(struct ipv6hdr);
	}
	return n;
}

/* Does the inner packet go to the far end of the tunnel @st itself? */
static bool to_tunnel_end(const struct sk_buff *skb, u16 family,
			  const struct nfipsec_pkt_step *st)
{
	if (st->family != family)
		return false;
	if (family == AF_INET)
		return ip_hdr(skb)->daddr == st->dst.a4;
	return ipv6_addr_equal(&ipv6_hdr(skb)->daddr, &st->dst.a6);
}

/*
 * Would @skb, protected by @plan, be too big for the route it leaves by,
 * and may its sender be told?  If so, tell it (ICMP, or ICMPv6 "packet
 * too big", with the MTU left for the inner packet), record that MTU on
 * the inner route where it is not the one the protected packet takes,
 * and return true: the caller drops the packet.
 */
static bool out_too_big(struct net *net, struct sk_buff *skb,
			const struct out_plan *plan, const struct nfipsec_l3 *l3)
{
	const struct nfipsec_pkt_step *outer = NULL;
	struct dst_entry *dst = skb_dst(skb);
	unsigned int overhead, mtu, room;
	int i;

	/* The sender let it be fragmented, or it already is: fragment after. */
	if (!dst || l3->frag || skb->ignore_df)
		return false;
	if (l3->family == AF_INET && !(ip_hdr(skb)->frag_off & htons(IP_DF)))
		return false;
	overhead = plan_overhead(plan);
	if (l3->family == AF_INET6 && skb->len + overhead <= IPV6_MIN_MTU)
		return false;	/* fits any IPv6 route: no lookup */

	for (i = plan->n - 1; i >= 0; i--) {
		if (plan->step[i].mode == IPSEC_MODE_TUNNEL) {
			outer = &plan->step[i];
			break;
		}
	}
	if (outer) {
		/*
		 * Small enough for any route of the outer family (IPv6's 1280;
		 * for IPv4 576, what every host must accept): no route lookup
		 * for ACKs and small datagrams.  A tunnel over a narrower IPv4
		 * path gets these fragmented after protection, as before.
		 */
		if (skb->len + overhead <= (outer->family == AF_INET6 ? IPV6_MIN_MTU : 576))
			return false;
		dst = route_outer(net, skb, plan->sa[i]->id.proto, outer->family,
				  &outer->src, &outer->dst);
		if (!dst)
			return false;	/* out_step() counts it */
		mtu = route_mtu(dst, outer->family);
		dst_release(dst);
	} else {
		mtu = route_mtu(dst, l3->family);
	}
	if (skb->len + overhead <= mtu)
		return false;
	room = mtu > overhead ? mtu - overhead : 0;

	if (l3->family == AF_INET) {
		if (room < 68)		/* RFC 791's minimum: fragment instead */
			return false;
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(room));
	} else {
		/* RFC 8200 5: below 1280, the tunnel fragments (as ip6_tunnel). */
		if (room < IPV6_MIN_MTU)
			return false;
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, room);
	}
	/* A route the protected packets share would learn the wrong MTU. */
	if (outer && !to_tunnel_end(skb, l3->family, outer))
		skb_dst_update_pmtu_no_confirm(skb, room);
	nfipsec_pkt_count(nfipsec_net(net), NFIPSEC_STAT_OUT_PMTU);
	return true;
}

/* ---------------------------------------------------------------------- */
/* Protecting a packet                                                    */
/* ---------------------------------------------------------------------- */

/*
 * Protect one (non-GSO) packet with @plan.  Owns @skb unless it returns
 * NF_ACCEPT (allowed only when @may_accept: the packet then continues
 * down the hook chain, changed in place).
 */
static unsigned int out_one(struct sk_buff *skb, const struct nf_hook_state *state,
			    const struct out_plan *plan, bool may_accept)
{
	struct nfipsec_net *nn = nfipsec_net(state->net);
	struct nfipsec_l3 l3;
	struct nfipsec_pkt *p;
	int err;

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto error;
	/* Leaving the hook chain (tunnel mode, async crypto): confirm now. */
	nfipsec_ct_confirm(skb);
	/* Transport mode needs the whole upper layer; a tunnel takes fragments. */
	if (nfipsec_l3_parse(skb, state->pf == NFPROTO_IPV4 ? AF_INET : AF_INET6, &l3) ||
	    (l3.frag && plan->step[0].mode == IPSEC_MODE_TRANSPORT))
		goto error;
	if (out_too_big(state->net, skb, plan, &l3)) {
		kfree_skb(skb);
		return NF_STOLEN;
	}
	p = nfipsec_pkt_alloc(plan->sa, plan->n, GFP_ATOMIC);
	if (!p)
		goto error;
	memcpy(p->steps, plan->step, sizeof(plan->step[0]) * plan->n);
	p->skb = skb;
	p->net = state->net;
	p->okfn = state->okfn;
	p->done = out_done;
	p->hook = state->hook;
	p->family = l3.family;
	p->hdrlen = l3.hdrlen;
	p->proto_off = l3.proto_off;

	err = out_steps(p);
	if (err == -EINPROGRESS)
		return NF_STOLEN;
	if (err) {
		out_drop(p, err);
		nfipsec_pkt_free(p);
		return NF_STOLEN;
	}
	if (may_accept && !has_tunnel(p)) {
		/* Changed in place: the rest of the hook chain sends it. */
		set_ignore_df(skb, p->family);
		nfipsec_pkt_free(p);
		return NF_ACCEPT;
	}
	out_send(p);
	nfipsec_pkt_free(p);
	return NF_STOLEN;

error:
	nfipsec_pkt_count(nn, NFIPSEC_STAT_OUT_ERROR);
	atomic64_inc(&plan->sa[0]->drop_other);
	kfree_skb(skb);
	return NF_STOLEN;
}

static unsigned int out_apply(struct sk_buff *skb, const struct nf_hook_state *state,
			      const struct out_plan *plan)
{
	struct sk_buff *segs, *seg, *next;

	if (!nfipsec_enc_out(state->net, skb))
		return NF_STOLEN;	/* enc0's egress hook dropped the cleartext */
	if (!skb_is_gso(skb))
		return out_one(skb, state, plan, true);

	/* ESP encrypts, AH covers the payload: segment first, then protect each. */
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
				  err == -EPERM ? NFIPSEC_STAT_PROTO_DISABLED :
				  NFIPSEC_STAT_OUT_NO_SA);
		return NF_DROP;
	}
	verdict = out_apply(skb, state, &plan);
	plan_put(&plan);
	return verdict;
}

/*
 * if_ipsec (ipsec_if.c): protect a packet routed into an ipsec interface
 * with the interface's own outbound policy @pol, as the hook does with an
 * SPD policy (the same ACQUIRE when the SA is missing, the same path-MTU
 * feedback).  Consumes @skb.  False: it was dropped before any transform
 * (no SA yet, a packet nfipsec cannot read); it is never sent in clear.
 */
bool nfipsec_out_if(struct net *net, struct sk_buff *skb, struct nfipsec_policy *pol)
{
	u16 family = skb->protocol == htons(ETH_P_IP) ? AF_INET : AF_INET6;
	struct out_reqs rs = { .req = pol->req, .nreq = pol->nreq,
			       .id = pol->id, .priority = pol->entry.priority };
	struct nf_hook_state state;
	struct nfipsec_flow f;
	struct nfipsec_l3 l3;

	skb_reset_network_header(skb);
	if (nfipsec_l3_parse(skb, family, &l3) || nfipsec_flow_from_skb(skb, &l3, &f)) {
		nfipsec_pkt_count(nfipsec_net(net), NFIPSEC_STAT_OUT_ERROR);
		kfree_skb(skb);
		return false;
	}
	nf_hook_state_init(&state, NF_INET_POST_ROUTING,
			   family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6,
			   NULL, skb->dev, skb->sk, net, NULL);
	nfipsec_policy_used(pol, skb->len);
	if (out_policy_ipsec(skb, &state, &rs, &f) == NF_STOLEN)
		return true;
	kfree_skb(skb);		/* dropped, or nothing to apply: never in clear */
	return false;
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
	/* Into an ipsec interface: its own policy applies there (ipsec_if.c). */
	if (state->out && nfipsec_ipsec_if_is(state->out))
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
