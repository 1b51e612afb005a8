// SPDX-License-Identifier: GPL-2.0
/*
 * pkt_in.c - the inbound packet path.
 *
 * LOCAL_IN, ESP addressed to us: find the SA by (destination, SPI), check
 * the replay window, decrypt (esp.c), record the sequence number, then
 *
 *   transport mode   the packet, ESP removed, carries the inner protocol
 *   tunnel mode      the outer header is removed: the inner packet
 *
 * and check it against the inbound (or, when it is not for us, forward)
 * policy of its own selector: the SA must be one the policy asks for
 * (protocol, mode, reqid, tunnel endpoints).  The packet then goes back
 * to the stack with netif_rx(), as if received again on the same device,
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
#include <net/addrconf.h>
#include <net/dsfield.h>
#include <net/esp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/xfrm.h>

#include "esp.h"
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

static bool addr_eq(u16 family, const union nfipsec_addr *a, const union nfipsec_addr *b)
{
	return family == AF_INET ? a->a4 == b->a4 : ipv6_addr_equal(&a->a6, &b->a6);
}

/* Is @sa, used in @mode, one of the transforms @pol asks for? */
static bool req_matches(const struct nfipsec_ipsecreq *r, const struct nfipsec_sa *sa,
			u8 mode)
{
	if (r->proto != sa->id.proto || r->mode != mode)
		return false;
	if (r->reqid && r->reqid != sa->reqid)
		return false;
	if (mode == IPSEC_MODE_TUNNEL &&
	    (r->family != sa->pair.family ||
	     !addr_eq(r->family, &r->src, &sa->pair.src) ||
	     !addr_eq(r->family, &r->dst, &sa->pair.dst)))
		return false;
	return true;
}

/* The verdict of a policy on a packet that arrived through @sa (NULL: in clear). */
static bool policy_allows(struct nfipsec_net *nn, const struct nfipsec_policy *pol,
			  u16 family, const struct nfipsec_sa *sa, u8 mode)
{
	int i;

	switch (pol->type) {
	case IPSEC_POLICY_DISCARD:
		return false;
	case IPSEC_POLICY_IPSEC:
		break;
	default:
		return true;
	}
	for (i = 0; i < pol->nreq; i++) {
		const struct nfipsec_ipsecreq *r = &pol->req[i];

		if (sa && req_matches(r, sa, mode))
			return true;
		if (nfipsec_req_level(nn, family, r->proto, r->mode, r->level) !=
		    IPSEC_LEVEL_USE)
			return false;
	}
	return true;	/* every request optional */
}

/*
 * The inbound check of the packet at skb->data: policy of direction IN
 * when it is for this host, FWD otherwise (@dir 0: find out).
 */
static bool check_policy(struct nfipsec_net *nn, struct sk_buff *skb, u16 family,
			 u8 dir, const struct nfipsec_sa *sa, u8 mode)
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
		if (sa)
			return true;
		return READ_ONCE(nfipsec_af(nn, family)->def_policy) != NFIPSEC_DEF_POLICY_DISCARD;
	}
	nfipsec_policy_used(pol, skb->len);
	ok = policy_allows(nn, pol, family, sa, mode);
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

/* Decrypted (or not): the rest of the inbound path.  Consumes @p. */
static void in_finish(struct nfipsec_pkt *p, int err)
{
	struct nfipsec_net *nn = nfipsec_net(p->net);
	struct nfipsec_sa *sa = p->sa;
	struct sk_buff *skb = p->skb;
	u16 family = p->family;
	u8 mode;

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
	/* Authenticated: only now may the window move. */
	if (nfipsec_replay_advance(&sa->xf->replay, p->seq)) {
		in_drop(p, NFIPSEC_STAT_IN_REPLAY);
		goto out;
	}
	nfipsec_sa_account(sa, skb->len);
	skb->ip_summed = CHECKSUM_NONE;	/* any device checksum covered ciphertext */

	mode = sa->mode;
	if (mode == IPSEC_MODE_ANY)
		mode = p->nexthdr == IPPROTO_IPIP || p->nexthdr == IPPROTO_IPV6 ?
		       IPSEC_MODE_TUNNEL : IPSEC_MODE_TRANSPORT;
	if (mode == IPSEC_MODE_TUNNEL) {
		if ((p->nexthdr != IPPROTO_IPIP && p->nexthdr != IPPROTO_IPV6) ||
		    decap(p, nn, &family)) {
			in_drop(p, NFIPSEC_STAT_IN_MALFORMED);
			goto out;
		}
	}
	if (!check_policy(nn, skb, family, 0, sa, mode)) {
		in_drop(p, NFIPSEC_STAT_IN_POLICY);
		goto out;
	}
	nfipsec_pkt_count(nn, NFIPSEC_STAT_ESP_IN);
	nf_reset_ct(skb);
	skb_dst_drop(skb);
	memset(skb->cb, 0, sizeof(skb->cb));
	mac_rebuild(skb, p->mac_len);
	nfipsec_mark_decrypted(skb);
	netif_rx(skb);
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

static unsigned int esp_rcv(struct sk_buff *skb, const struct nf_hook_state *state,
			    const struct nfipsec_l3 *l3)
{
	struct nfipsec_net *nn = nfipsec_net(state->net);
	union nfipsec_addr dst = {};
	struct nfipsec_pkt *p;
	struct nfipsec_sa *sa;
	__be32 spi, seq;
	u8 st;
	int err;

	if (l3->frag || !pskb_may_pull(skb, l3->hdrlen + 8)) {
		nfipsec_pkt_count(nn, NFIPSEC_STAT_IN_MALFORMED);
		return NF_DROP;
	}
	memcpy(&spi, skb->data + l3->hdrlen, 4);
	memcpy(&seq, skb->data + l3->hdrlen + 4, 4);
	if (l3->family == AF_INET)
		dst.a4 = ip_hdr(skb)->daddr;
	else
		dst.a6 = ipv6_hdr(skb)->daddr;
	sa = nfipsec_sa_lookup_spi(&nn->sadb, l3->family, &dst, spi, IPPROTO_ESP);
	if (sa) {
		st = READ_ONCE(sa->state);
		if (!sa->xf || (st != SADB_SASTATE_MATURE && st != SADB_SASTATE_DYING)) {
			nfipsec_sa_put(sa);
			sa = NULL;
		}
	}
	if (!sa) {
		nfipsec_pkt_count(nn, NFIPSEC_STAT_IN_NO_SA);
		return NF_DROP;
	}
	if (nfipsec_replay_check(&sa->xf->replay, ntohl(seq))) {
		nfipsec_pkt_count(nn, NFIPSEC_STAT_IN_REPLAY);
		atomic64_inc(&sa->drop_replay);
		nfipsec_sa_put(sa);
		return NF_DROP;
	}
	p = nfipsec_pkt_alloc(sa, GFP_ATOMIC);
	nfipsec_sa_put(sa);
	if (!p) {
		nfipsec_pkt_count(nn, NFIPSEC_STAT_IN_ERROR);
		return NF_DROP;
	}
	nfipsec_ct_confirm(skb);
	p->skb = skb;
	p->net = state->net;
	p->done = in_done;
	p->family = l3->family;
	p->hdrlen = l3->hdrlen;
	p->proto_off = l3->proto_off;
	p->mac_len = skb->mac_len;
	p->seq = ntohl(seq);
	p->hook = state->hook;
	err = nfipsec_esp_input(p);
	if (err != -EINPROGRESS)
		in_finish(p, err);
	return NF_STOLEN;
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
	if (check_policy(nn, skb, family, dir, NULL, 0))
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
	if (l3.proto == IPPROTO_ESP)
		return esp_rcv(skb, state, &l3);
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
