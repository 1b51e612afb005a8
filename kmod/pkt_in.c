// SPDX-License-Identifier: GPL-2.0
/*
 * pkt_in.c - the inbound packet path.
 *
 * LOCAL_IN, ESP, AH or IPcomp addressed to us: find the SA by
 * (destination, SPI or CPI, protocol), check the replay window, decrypt
 * (esp.c), check (ah.c) or decompress (ipcomp.c), record the sequence
 * number, then
 *
 *   transport mode   the packet, ESP/AH/IPcomp removed, carries the next
 *                    protocol; if that is one of them again (a bundle),
 *                    the next layer is processed the same way
 *   tunnel mode      the outer header is removed: the inner packet
 *
 * and check it against the inbound (or, when it is not for us, forward)
 * policy of its own selector: the SAs it came through (the "secpath",
 * outermost first) must be those the policy's requests ask for (protocol,
 * mode, reqid, tunnel endpoints), matched from the outermost request
 * as Linux XFRM does: a "use" request may be missing, a required one may
 * not, and no SA left over may be a tunnel.  The packet then goes back
 * to the stack with netif_rx(), as if received again on the same device
 * (or first on enc0 when it is up, enc.c),
 * with the "decrypted" mark (pkt_flow.c) so the check below lets it pass
 * at LOCAL_IN or FORWARD, and the firewall sees the cleartext as XFRM
 * shows it.
 *
 * LOCAL_IN and FORWARD, anything else: a packet that an ipsec policy
 * requires to be protected (any request whose level is not "use") is
 * dropped as a policy violation, so is one a discard policy covers —
 * unless, at LOCAL_IN, the socket it is for has a bypass policy of its
 * own (IKE daemons' sockets).
 *
 * Every drop is counted by reason in /proc/net/nfipsec/stats, and against
 * the SA when there is one.
 */
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/ipsec.h>
#include <linux/netdevice.h>
#include NFIPSEC_UNALIGNED_H
#include <net/addrconf.h>
#include <net/dsfield.h>
#include <net/esp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/xfrm.h>

#include "ah.h"
#include "enc.h"
#include "esp.h"
#include "ipcomp.h"
#include "ipsec_if.h"
#include "natt.h"
#include "pkt.h"
#include "sockpolicy.h"
#include "spd.h"
#include "xform.h"

static bool is_local(struct net *net, u16 family, const union nfipsec_addr *a)
{
	if (family == AF_INET)
		return inet_addr_type(net, a->a4) == RTN_LOCAL;
	return ipv6_chk_addr(net, &a->a6, NULL, 0);
}

/* Is the SA of @e one that request @r asks for? */
static bool req_matches(const struct nfipsec_ipsecreq *r,
			const struct nfipsec_secpath_entry *e)
{
	if (r->proto != e->proto || r->mode != e->mode)
		return false;
	if (r->reqid && r->reqid != e->reqid)
		return false;
	if (e->mode == IPSEC_MODE_TUNNEL &&
	    (r->family != e->family ||
	     !nfipsec_addr_eq(r->family, &r->src, &e->src) ||
	     !nfipsec_addr_eq(r->family, &r->dst, &e->dst)))
		return false;
	return true;
}

/*
 * Request @r against the SAs of @sp from index @start: the index after
 * the SA that satisfies it, or @start when @r may be skipped (level use),
 * or -1.  A required request may pass over transport-mode SAs it does not
 * ask for, never over a tunnel (the rules of Linux XFRM's inbound check).
 */
static int req_ok(struct nfipsec_net *nn, u16 family, const struct nfipsec_ipsecreq *r,
		  const struct nfipsec_secpath *sp, int start)
{
	/*
	 * IPcomp is never required of a packet: small or incompressible
	 * payloads travel without it (RFC 3173 2.2; KAME does not check it).
	 */
	bool optional = r->proto == IPPROTO_COMP ||
			nfipsec_req_level(nn, family, r->proto, r->mode, r->level) ==
			IPSEC_LEVEL_USE;
	int i;

	if (optional && r->mode != IPSEC_MODE_TUNNEL)
		return start;
	for (i = start; i < sp->n; i++) {
		if (req_matches(r, &sp->e[i]))
			return i + 1;
		if (sp->e[i].mode == IPSEC_MODE_TUNNEL)
			break;
	}
	return optional ? start : -1;
}

/*
 * The verdict of a policy on a packet that arrived through the SAs of @sp
 * (outermost first; none: in clear).  The requests are listed innermost
 * first, so they are matched from the last one; an SA left over must not
 * be a tunnel.
 */
static bool policy_allows(struct nfipsec_net *nn, const struct nfipsec_policy *pol,
			  u16 family, const struct nfipsec_secpath *sp)
{
	int i, k = 0;

	switch (pol->type) {
	case IPSEC_POLICY_DISCARD:
		return false;
	case IPSEC_POLICY_IPSEC:
		break;
	default:
		return true;
	}
	for (i = pol->nreq - 1; i >= 0; i--) {
		k = req_ok(nn, family, &pol->req[i], sp, k);
		if (k < 0)
			return false;
	}
	for (; k < sp->n; k++)
		if (sp->e[k].mode == IPSEC_MODE_TUNNEL)
			return false;
	return true;
}

static const struct nfipsec_secpath no_secpath;

/*
 * The inbound check of the packet at skb->data, which came through the
 * SAs of @sp: policy of direction IN when it is for this host, FWD
 * otherwise (@dir 0: find out).
 */
static bool check_policy(struct nfipsec_net *nn, struct sk_buff *skb, u16 family,
			 u8 dir, const struct nfipsec_secpath *sp)
{
	struct nfipsec_policy *pol;
	struct nfipsec_flow f;
	struct nfipsec_l3 l3;
	bool ok;

	if (nfipsec_l3_parse(skb, family, &l3) || nfipsec_flow_from_skb(skb, &l3, &f))
		return false;
	if (!dir)
		dir = is_local(nn->net, family, &f.dst) ? IPSEC_DIR_INBOUND : IPSEC_DIR_FWD;
	pol = nfipsec_spd_lookup(&nn->spd, dir, &f);
	if (!pol) {
		if (sp->n)
			return true;
		return READ_ONCE(nfipsec_af(nn, family)->def_policy) != NFIPSEC_DEF_POLICY_DISCARD;
	}
	nfipsec_policy_used(pol, skb->len);
	ok = policy_allows(nn, pol, family, sp);
	nfipsec_policy_put(pol);
	return ok;
}

static void mac_rebuild(struct sk_buff *skb, u16 mac_len)
{
	if (mac_len && skb_mac_header_was_set(skb) && skb_headroom(skb) >= mac_len) {
		memmove(skb->data - mac_len, skb_mac_header(skb), mac_len);
		skb_set_mac_header(skb, -(int)mac_len);
		if (mac_len == ETH_HLEN)
			eth_hdr(skb)->h_proto = skb->protocol;
	} else {
		skb_reset_mac_header(skb);
		mac_len = 0;
	}
	skb->mac_len = mac_len;
}

/* Tunnel mode: take the outer header off; the inner packet must be whole. */
static int decap(struct nfipsec_pkt *p, struct nfipsec_net *nn, u16 *family)
{
	struct sk_buff *skb = p->skb;
	u8 outer_ds = p->family == AF_INET ? ip_hdr(skb)->tos :
					     ipv6_get_dsfield(ipv6_hdr(skb));
	int ecn = READ_ONCE(nfipsec_af(nn, p->family)->ecn);
	unsigned int len;

	skb_pull(skb, p->hdrlen);
	skb_reset_network_header(skb);
	if (p->nexthdr == IPPROTO_IPIP) {
		const struct iphdr *iph;

		if (!pskb_may_pull(skb, sizeof(*iph)))
			return -EINVAL;
		iph = ip_hdr(skb);
		len = ntohs(iph->tot_len);
		if (iph->version != 4 || iph->ihl < 5 || len < iph->ihl * 4 ||
		    len > skb->len)
			return -EINVAL;
		*family = AF_INET;
		skb->protocol = htons(ETH_P_IP);
	} else {
		if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)))
			return -EINVAL;
		len = sizeof(struct ipv6hdr) + ntohs(ipv6_hdr(skb)->payload_len);
		if ((ipv6_hdr(skb)->version) != 6 || len > skb->len)
			return -EINVAL;
		*family = AF_INET6;
		skb->protocol = htons(ETH_P_IPV6);
	}
	if (pskb_trim(skb, len))
		return -EINVAL;
	if (ecn && INET_ECN_is_ce(outer_ds))
		INET_ECN_set_ce(skb);
	return 0;
}

static void in_drop(struct nfipsec_pkt *p, unsigned int stat)
{
	struct nfipsec_sa *sa = p->sa;

	nfipsec_pkt_count(nfipsec_net(p->net), stat);
	atomic64_inc(stat == NFIPSEC_STAT_IN_AUTH ? &sa->drop_auth :
		     stat == NFIPSEC_STAT_IN_REPLAY ? &sa->drop_replay :
		     stat == NFIPSEC_STAT_IN_BAD_PAD ? &sa->drop_pad : &sa->drop_other);
	kfree_skb(p->skb);
}

static void in_layer(struct sk_buff *skb, struct net *net, u8 hook,
		     const struct nfipsec_l3 *l3, u16 mac_len,
		     const struct nfipsec_secpath *sp, const struct nfipsec_natt_in *natt);

/* Checked and decrypted (or not): the rest of the inbound path.  Consumes @p. */
static void in_finish(struct nfipsec_pkt *p, int err)
{
	struct nfipsec_net *nn = nfipsec_net(p->net);
	struct nfipsec_sa *sa = p->sa;
	struct sk_buff *skb = p->skb;
	struct nfipsec_secpath_entry *e;
	struct net_device *ifdev;
	u16 family = p->family;
	u8 mode;
	int i;

	switch (err) {
	case 0:
		break;
	case -EBADMSG:
		in_drop(p, NFIPSEC_STAT_IN_AUTH);
		goto out;
	case -EPROTO:
		in_drop(p, NFIPSEC_STAT_IN_BAD_PAD);
		goto out;
	case -EINVAL:
		in_drop(p, NFIPSEC_STAT_IN_MALFORMED);
		goto out;
	default:
		in_drop(p, NFIPSEC_STAT_IN_ERROR);
		goto out;
	}
	/* Authenticated: only now may the window move (IPcomp has none). */
	if (sa->id.proto != IPPROTO_COMP &&
	    nfipsec_replay_advance(&sa->xf->replay, p->seq)) {
		in_drop(p, NFIPSEC_STAT_IN_REPLAY);
		goto out;
	}
	/* The payload the SA protected, as XFRM counts it (see out_step()). */
	nfipsec_sa_account(sa, skb->len - p->hdrlen);
	skb->ip_summed = CHECKSUM_NONE;	/* any device checksum covered ciphertext */

	mode = sa->mode;
	if (mode == IPSEC_MODE_ANY)
		mode = p->nexthdr == IPPROTO_IPIP || p->nexthdr == IPPROTO_IPV6 ?
		       IPSEC_MODE_TUNNEL : IPSEC_MODE_TRANSPORT;
	if (p->natt)
		nfipsec_natt_in_done(nn, p, mode);
	if (p->sp.n == NFIPSEC_MAX_BUNDLE) {
		in_drop(p, NFIPSEC_STAT_IN_MALFORMED);	/* nested deeper than any policy */
		goto out;
	}
	e = &p->sp.e[p->sp.n++];
	e->src = sa->pair.src;
	e->dst = sa->pair.dst;
	e->family = sa->pair.family;
	e->reqid = sa->reqid;
	e->proto = sa->id.proto;
	e->mode = mode;

	if (mode == IPSEC_MODE_TRANSPORT &&
	    (p->nexthdr == IPPROTO_ESP || p->nexthdr == IPPROTO_AH ||
	     p->nexthdr == IPPROTO_COMP)) {
		/* A bundle (esp then ah, ...): the next SA's header follows. */
		struct nfipsec_l3 l3 = {
			.family = p->family, .hdrlen = p->hdrlen,
			.proto_off = p->proto_off, .proto = p->nexthdr,
		};

		in_layer(skb, p->net, p->hook, &l3, p->mac_len, &p->sp, NULL);
		goto out;
	}
	if (mode == IPSEC_MODE_TUNNEL) {
		if ((p->nexthdr != IPPROTO_IPIP && p->nexthdr != IPPROTO_IPV6) ||
		    decap(p, nn, &family)) {
			in_drop(p, NFIPSEC_STAT_IN_MALFORMED);
			goto out;
		}
	}
	/* An ipsec interface's SA: the packet comes out of that interface. */
	ifdev = mode == IPSEC_MODE_TUNNEL ?
		nfipsec_ipsec_if_rx(p->net, sa, family, skb->len) : NULL;
	if (!ifdev && !check_policy(nn, skb, family, 0, &p->sp)) {
		in_drop(p, NFIPSEC_STAT_IN_POLICY);
		goto out;
	}
	for (i = 0; i < p->sp.n; i++)
		nfipsec_pkt_count(nn, p->sp.e[i].proto == IPPROTO_AH ? NFIPSEC_STAT_AH_IN :
				  p->sp.e[i].proto == IPPROTO_COMP ? NFIPSEC_STAT_COMP_IN :
				  NFIPSEC_STAT_ESP_IN);
	nf_reset_ct(skb);
	skb_dst_drop(skb);
	memset(skb->cb, 0, sizeof(skb->cb));
	mac_rebuild(skb, p->mac_len);
	if (ifdev)
		skb->dev = ifdev;
	nfipsec_enc_in(p->net, skb, mode == IPSEC_MODE_TUNNEL && !ifdev, family);
out:
	nfipsec_pkt_free(p);
}

/*
 * Async completion (cryptd, a hardware engine): outside the hook's RCU
 * read section, so take one for the SPD check and the delivery.
 */
static void in_done(struct nfipsec_pkt *p, int err)
{
	nfipsec_pkt_count(nfipsec_net(p->net), NFIPSEC_STAT_ASYNC);
	rcu_read_lock();
	in_finish(p, err);
	rcu_read_unlock();
}

/* The source and destination of the IP packet at skb->data. */
static void pkt_addrs(const struct sk_buff *skb, u16 family, union nfipsec_addr *src,
		      union nfipsec_addr *dst)
{
	if (family == AF_INET) {
		src->a4 = ip_hdr(skb)->saddr;
		dst->a4 = ip_hdr(skb)->daddr;
	} else {
		src->a6 = ipv6_hdr(skb)->saddr;
		dst->a6 = ipv6_hdr(skb)->daddr;
	}
}

/*
 * The context of @skb on its way through @sa (whose reference it takes
 * over), the headers as @l3 found them; NULL (counted) on ENOMEM.
 */
static struct nfipsec_pkt *in_pkt(struct sk_buff *skb, struct net *net, u8 hook,
				  const struct nfipsec_l3 *l3, u16 mac_len,
				  struct nfipsec_sa *sa)
{
	struct nfipsec_pkt *p = nfipsec_pkt_alloc(&sa, 1, GFP_ATOMIC);

	nfipsec_sa_put(sa);
	if (!p) {
		nfipsec_pkt_count(nfipsec_net(net), NFIPSEC_STAT_IN_ERROR);
		return NULL;
	}
	nfipsec_ct_confirm(skb);
	p->skb = skb;
	p->net = net;
	p->done = in_done;
	p->family = l3->family;
	p->hdrlen = l3->hdrlen;
	p->proto_off = l3->proto_off;
	p->mac_len = mac_len;
	p->hook = hook;
	return p;
}

/*
 * An ESP or AH header at @l3->hdrlen, after the SAs of @sp were removed:
 * find its SA by (destination, SPI, protocol), check the replay window,
 * then check or decrypt (esp.c, ah.c).  Consumes @skb.
 */
static void in_layer(struct sk_buff *skb, struct net *net, u8 hook,
		     const struct nfipsec_l3 *l3, u16 mac_len,
		     const struct nfipsec_secpath *sp, const struct nfipsec_natt_in *natt)
{
	struct nfipsec_net *nn = nfipsec_net(net);
	u8 proto = l3->proto;
	union nfipsec_addr src = {}, dst = {};
	struct nfipsec_pkt *p;
	struct nfipsec_sa *sa;
	__be32 spi, seq = 0;
	u64 seq64 = 0;
	u8 st;
	int err;

	if (!nfipsec_proto_enabled(nn, proto)) {
		nfipsec_pkt_count(nn, NFIPSEC_STAT_PROTO_DISABLED);
		goto drop;
	}
	/* SPI and sequence (ESP: 0 and 4, AH: 4 and 8), IPcomp's 16-bit CPI at 2. */
	if (l3->frag || !pskb_may_pull(skb, l3->hdrlen + (proto == IPPROTO_AH ? 12 :
							 proto == IPPROTO_COMP ? 4 : 8))) {
		nfipsec_pkt_count(nn, NFIPSEC_STAT_IN_MALFORMED);
		goto drop;
	}
	switch (proto) {
	case IPPROTO_ESP:
		memcpy(&spi, skb->data + l3->hdrlen, 4);
		memcpy(&seq, skb->data + l3->hdrlen + 4, 4);
		break;
	case IPPROTO_AH:
		memcpy(&spi, skb->data + l3->hdrlen + 4, 4);
		memcpy(&seq, skb->data + l3->hdrlen + 8, 4);
		break;
	default:
		spi = htonl(get_unaligned_be16(skb->data + l3->hdrlen + 2));
		break;
	}
	pkt_addrs(skb, l3->family, &src, &dst);
	sa = nfipsec_sa_lookup_spi(&nn->sadb, l3->family, &dst, spi, proto);
	if (!sa && proto == IPPROTO_COMP && ntohl(spi) < 256) {
		/* A well-known CPI (no -R): the pair's SA of that algorithm. */
		sa = nfipsec_sa_lookup_out(&nn->sadb, l3->family, &src, &dst, proto,
					   IPSEC_MODE_ANY, 0);
		if (sa && (sa->ealg != ntohl(spi) || (sa->flags & SADB_X_EXT_RAWCPI))) {
			nfipsec_sa_put(sa);
			sa = NULL;
		}
	}
	if (sa) {
		st = READ_ONCE(sa->state);
		if (!sa->xf || (st != SADB_SASTATE_MATURE && st != SADB_SASTATE_DYING)) {
			nfipsec_sa_put(sa);
			sa = NULL;
		}
	}
	if (!sa) {
		nfipsec_pkt_count(nn, NFIPSEC_STAT_IN_NO_SA);
		goto drop;
	}
	/* ESP in UDP only for an SA that encapsulates so, the same way. */
	if (natt && natt->type != sa->encap_type) {
		nfipsec_pkt_count(nn, NFIPSEC_STAT_NATT_BAD);
		nfipsec_sa_put(sa);
		goto drop;
	}
	/* With ESN, the high bits are inferred here, for the ICV check. */
	if (proto != IPPROTO_COMP &&
	    nfipsec_replay_check(&sa->xf->replay, ntohl(seq), &seq64)) {
		nfipsec_pkt_count(nn, NFIPSEC_STAT_IN_REPLAY);
		atomic64_inc(&sa->drop_replay);
		nfipsec_sa_put(sa);
		goto drop;
	}
	p = in_pkt(skb, net, hook, l3, mac_len, sa);
	if (!p)
		goto drop;
	p->seq = seq64;
	p->sp = *sp;
	if (natt) {
		p->natt = natt->type;
		p->natt_sport = natt->sport;
	}
	switch (proto) {
	case IPPROTO_AH:
		err = nfipsec_ah_input(p);
		break;
	case IPPROTO_COMP:
		err = nfipsec_ipcomp_input(p);
		break;
	default:
		err = nfipsec_esp_input(p);
		break;
	}
	if (err != -EINPROGRESS)
		in_finish(p, err);
	return;
drop:
	kfree_skb(skb);
}

/*
 * An IP-in-IP packet to us from the far end of an IPcomp tunnel SA: a
 * payload it sent uncompressed (RFC 3173 2.2: no IPcomp header, only the
 * tunnel).  Taken as that SA's packet and decapsulated; true if it was.
 */
static bool in_ipcomp_as_is(struct sk_buff *skb, const struct nf_hook_state *state,
			    const struct nfipsec_l3 *l3)
{
	struct nfipsec_net *nn = nfipsec_net(state->net);
	union nfipsec_addr src = {}, dst = {};
	struct nfipsec_pkt *p;
	struct nfipsec_sa *sa;

	if (l3->frag)
		return false;
	pkt_addrs(skb, l3->family, &src, &dst);
	sa = nfipsec_sa_lookup_out(&nn->sadb, l3->family, &src, &dst, IPPROTO_COMP,
				   IPSEC_MODE_TUNNEL, 0);
	if (!sa)
		return false;
	if (!sa->xf || sa->mode != IPSEC_MODE_TUNNEL ||
	    !nfipsec_proto_enabled(nn, IPPROTO_COMP)) {
		nfipsec_sa_put(sa);
		return false;
	}
	p = in_pkt(skb, state->net, state->hook, l3, skb->mac_len, sa);
	if (!p) {
		kfree_skb(skb);
		return true;
	}
	p->nexthdr = l3->proto;
	in_finish(p, 0);
	return true;
}

/*
 * The socket a cleartext packet is for, when it has a policy of its own
 * (IP_IPSEC_POLICY): IKE daemons put "bypass" on their sockets so that IKE
 * passes the "any" policies they install.  TCP is found when early demux
 * attached it; UDP is looked up (only on the way to a drop: the lookup is
 * through symbol_get(), exported when nf_socket/nf_tproxy are built).
 */
static const struct nfipsec_sockpol *dest_sockpol(struct sk_buff *skb, u16 family,
						  struct sock **ref)
{
	struct nfipsec_flow f;
	struct nfipsec_l3 l3;
	struct sock *sk = NULL;

	*ref = NULL;
	if (skb->sk)
		return nfipsec_sockpol_of(skb->sk, XFRM_POLICY_IN);
	if (nfipsec_l3_parse(skb, family, &l3) || l3.frag || l3.proto != IPPROTO_UDP ||
	    nfipsec_flow_from_skb(skb, &l3, &f))
		return NULL;
	if (family == AF_INET) {
		typeof(&udp4_lib_lookup) lookup = symbol_get(udp4_lib_lookup);

		if (lookup) {
			sk = lookup(dev_net(skb->dev), f.src.a4, f.sport, f.dst.a4,
				    f.dport, skb->dev->ifindex);
			symbol_put(udp4_lib_lookup);
		}
	} else {
		typeof(&udp6_lib_lookup) lookup = symbol_get(udp6_lib_lookup);

		if (lookup) {
			sk = lookup(dev_net(skb->dev), &f.src.a6, f.sport, &f.dst.a6,
				    f.dport, skb->dev->ifindex);
			symbol_put(udp6_lib_lookup);
		}
	}
	*ref = sk;
	return sk ? nfipsec_sockpol_of(sk, XFRM_POLICY_IN) : NULL;
}

static bool socket_bypasses(struct sk_buff *skb, u16 family)
{
	const struct nfipsec_sockpol *sp;
	struct sock *ref;
	bool pass;

	sp = dest_sockpol(skb, family, &ref);
	pass = sp && (sp->type == IPSEC_POLICY_BYPASS || sp->type == IPSEC_POLICY_NONE);
	if (ref)
		sock_put(ref);
	return pass;
}

static unsigned int clear_verdict(struct nfipsec_net *nn, struct sk_buff *skb,
				  u16 family, u8 dir)
{
	if (check_policy(nn, skb, family, dir, &no_secpath))
		return NF_ACCEPT;
	if (dir == IPSEC_DIR_INBOUND && skb->dev && socket_bypasses(skb, family))
		return NF_ACCEPT;
	nfipsec_pkt_count(nn, NFIPSEC_STAT_IN_POLICY);
	return NF_DROP;
}

unsigned int nfipsec_in_hook(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct nfipsec_net *nn = nfipsec_net(state->net);
	u16 family = state->pf == NFPROTO_IPV4 ? AF_INET : AF_INET6;
	struct nfipsec_l3 l3;

	if (nfipsec_take_decrypted_mark(skb) || !nfipsec_pkt_active(nn))
		return NF_ACCEPT;
	if (skb_network_offset(skb) || nfipsec_l3_parse(skb, family, &l3))
		return NF_ACCEPT;	/* the stack will judge what it cannot parse */
	switch (l3.proto) {
	case IPPROTO_ESP:
	case IPPROTO_AH:
	case IPPROTO_COMP:
		in_layer(skb, state->net, state->hook, &l3, skb->mac_len, &no_secpath, NULL);
		return NF_STOLEN;
	case IPPROTO_UDP: {
		struct nfipsec_natt_in natt = {};

		switch (nfipsec_natt_in(nn, skb, &l3, &natt)) {
		case NFIPSEC_NATT_ESP:
			in_layer(skb, state->net, state->hook, &l3, skb->mac_len,
				 &no_secpath, &natt);
			return NF_STOLEN;
		case NFIPSEC_NATT_DROP:
			return NF_DROP;
		case NFIPSEC_NATT_PASS:
			break;
		}
		break;
	}
	case IPPROTO_IPIP:
	case IPPROTO_IPV6:
		if (in_ipcomp_as_is(skb, state, &l3))
			return NF_STOLEN;
		break;
	}
	return clear_verdict(nn, skb, family, IPSEC_DIR_INBOUND);
}

unsigned int nfipsec_fwd_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct nfipsec_net *nn = nfipsec_net(state->net);
	u16 family = state->pf == NFPROTO_IPV4 ? AF_INET : AF_INET6;

	if (nfipsec_take_decrypted_mark(skb) || !nfipsec_pkt_active(nn))
		return NF_ACCEPT;
	if (skb_network_offset(skb))
		return NF_ACCEPT;
	return clear_verdict(nn, skb, family, IPSEC_DIR_FWD);
}
