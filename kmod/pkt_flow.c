// SPDX-License-Identifier: GPL-2.0
/*
 * pkt_flow.c - what the outbound and inbound halves of the packet path
 * share (pkt.h): header walking, selector fields, the decrypted mark,
 * conntrack confirmation and the re-entry guard of our own output.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/ipsec.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/siphash.h>
#include <linux/random.h>
#include NFIPSEC_UNALIGNED_H
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>

#include "pkt.h"
#include "sysctl.h"

int nfipsec_l3_parse(struct sk_buff *skb, u16 family, struct nfipsec_l3 *l3)
{
	memset(l3, 0, sizeof(*l3));
	l3->family = family;
	if (family == AF_INET) {
		const struct iphdr *iph;

		if (!pskb_may_pull(skb, sizeof(*iph)))
			return -EINVAL;
		iph = (const struct iphdr *)skb->data;
		if (iph->ihl < 5 || !pskb_may_pull(skb, iph->ihl * 4))
			return -EINVAL;
		iph = (const struct iphdr *)skb->data;
		l3->hdrlen = iph->ihl * 4;
		l3->proto_off = offsetof(struct iphdr, protocol);
		l3->proto = iph->protocol;
		l3->frag = !!(iph->frag_off & htons(IP_OFFSET));
		return 0;
	}
	if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)))
		return -EINVAL;
	l3->hdrlen = sizeof(struct ipv6hdr);
	l3->proto_off = offsetof(struct ipv6hdr, nexthdr);
	l3->proto = ((const struct ipv6hdr *)skb->data)->nexthdr;
	for (;;) {
		const u8 *h;
		unsigned int len;

		switch (l3->proto) {
		case NEXTHDR_HOP:
		case NEXTHDR_ROUTING:
		case NEXTHDR_DEST:
			if (!pskb_may_pull(skb, l3->hdrlen + 2))
				return -EINVAL;
			h = skb->data + l3->hdrlen;
			len = (h[1] + 1) * 8;
			break;
		case NEXTHDR_FRAGMENT:
			if (!pskb_may_pull(skb, l3->hdrlen + 8))
				return -EINVAL;
			h = skb->data + l3->hdrlen;
			len = 8;
			if (((const struct frag_hdr *)h)->frag_off & htons(IP6_OFFSET))
				l3->frag = true;
			break;
		default:
			return 0;
		}
		if (l3->hdrlen + len > 0xffff || !pskb_may_pull(skb, l3->hdrlen + len))
			return -EINVAL;
		l3->proto_off = l3->hdrlen;
		l3->proto = skb->data[l3->hdrlen];
		l3->hdrlen += len;
		if (l3->frag)
			return 0;
	}
}

int nfipsec_flow_from_skb(struct sk_buff *skb, const struct nfipsec_l3 *l3,
			  struct nfipsec_flow *f)
{
	const u8 *t;

	memset(f, 0, sizeof(*f));
	f->family = l3->family;
	f->proto = l3->proto;
	if (l3->family == AF_INET) {
		const struct iphdr *iph = (const struct iphdr *)skb->data;

		f->src.a4 = iph->saddr;
		f->dst.a4 = iph->daddr;
	} else {
		const struct ipv6hdr *ip6h = (const struct ipv6hdr *)skb->data;

		f->src.a6 = ip6h->saddr;
		f->dst.a6 = ip6h->daddr;
	}
	if (l3->frag)
		return 0;
	switch (l3->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		if (!pskb_may_pull(skb, l3->hdrlen + 4))
			return 0;	/* no ports to match: only wildcards will */
		t = skb->data + l3->hdrlen;
		memcpy(&f->sport, t, 2);
		memcpy(&f->dport, t + 2, 2);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		/* Selectors carry ICMP type and code in the port fields. */
		if (!pskb_may_pull(skb, l3->hdrlen + 2))
			return 0;
		t = skb->data + l3->hdrlen;
		f->sport = htons(t[0]);
		f->dport = htons(t[1]);
		break;
	default:
		break;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* The decrypted mark                                                     */
/* ---------------------------------------------------------------------- */

/*
 * A decrypted packet is handed back to the stack with netif_rx() and meets
 * nfipsec's inbound check again at LOCAL_IN or FORWARD; it must pass there
 * as protected, and a packet from the wire must never look like one.  The
 * mark is a keyed hash (boot-time random key) of the packet's source and
 * destination addresses in the last 8 bytes of skb->cb: the receive path
 * up to those hooks (IPCB/IP6CB, tc's cb) uses at most the first 40, a
 * fresh skb has its cb zeroed, and reassembly moves the head fragment's cb
 * to whichever skb becomes the datagram — with the same addresses, so an
 * inner packet that was fragmented before encryption keeps its mark.  A
 * mark lost on the way (a tc/BPF program rewriting all of cb) fails
 * closed: the packet is then checked as cleartext.  The hash's high 32
 * bits are kept; the low 32 carry a word for enc0's receive handler
 * (enc.c): the device the packet came in by, and whether it stays on enc0.
 */
static siphash_key_t mark_key __read_mostly;

static u64 *mark_slot(struct sk_buff *skb)
{
	return (u64 *)(skb->cb + sizeof(skb->cb) - sizeof(u64));
}

static u64 mark_of(const struct sk_buff *skb)
{
	const u8 *nh = skb_network_header(skb);

	if (skb->protocol == htons(ETH_P_IP))
		return siphash(nh + offsetof(struct iphdr, saddr), 8, &mark_key);
	return siphash(nh + offsetof(struct ipv6hdr, saddr), 32, &mark_key);
}

void nfipsec_mark_decrypted(struct sk_buff *skb, u32 word)
{
	put_unaligned((mark_of(skb) & ~(u64)U32_MAX) | word, mark_slot(skb));
}

/* The mark's word, or 0 when @skb carries no valid mark. */
u32 nfipsec_decrypted_word(struct sk_buff *skb)
{
	u64 v = get_unaligned(mark_slot(skb));

	if (!v || (v ^ mark_of(skb)) >> 32)
		return 0;
	return (u32)v;
}

bool nfipsec_take_decrypted_mark(struct sk_buff *skb)
{
	if (!nfipsec_decrypted_word(skb))
		return false;
	put_unaligned(0, mark_slot(skb));
	return true;
}

/* ---------------------------------------------------------------------- */
/* Conntrack and our own output                                           */
/* ---------------------------------------------------------------------- */

/*
 * nfipsec takes packets off the hook chain before conntrack's confirm hook
 * (tunnel mode, asynchronous crypto, decryption): confirm their entry
 * first, so that stateful rules still see the flows.  Through
 * symbol_get(): a packet with a conntrack entry means nf_conntrack is
 * loaded, and nfipsec does not depend on it otherwise.
 */
void nfipsec_ct_confirm(struct sk_buff *skb)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);
	int (*confirm)(struct sk_buff *skb);

	if (!ct || nf_ct_is_confirmed(ct) || nf_ct_is_template(ct))
		return;
	confirm = symbol_get(__nf_conntrack_confirm);
	if (confirm) {
		local_bh_disable();
		confirm(skb);
		local_bh_enable();
		symbol_put(__nf_conntrack_confirm);
	}
}

/*
 * Packets nfipsec sends (tunnel mode's outer packets) go through the
 * LOCAL_OUT and POST_ROUTING hooks like any other, for the firewall and
 * NAT; the outbound hook must not apply policies to them again.  They are
 * sent with bottom halves off, so they cannot move to another CPU or meet
 * another packet there before the hooks ran: a per-CPU flag says "ours".
 */
static DEFINE_PER_CPU(int, in_local_out);

bool nfipsec_in_local_out(void)
{
	return this_cpu_read(in_local_out);
}

int nfipsec_local_out(struct net *net, struct sk_buff *skb, u16 family)
{
	int err;

	local_bh_disable();
	this_cpu_inc(in_local_out);
	if (family == AF_INET)
		err = ip_local_out(net, NULL, skb);
	else
		err = ip6_local_out(net, NULL, skb);
	this_cpu_dec(in_local_out);
	local_bh_enable();
	return err;
}

u8 nfipsec_req_level(const struct nfipsec_net *nn, u16 family, u8 proto,
		     u8 mode, u8 level)
{
	const struct nfipsec_af_sysctl *af;
	int deflev;

	if (level != IPSEC_LEVEL_DEFAULT)
		return level;
	af = family == AF_INET ? &nn->sysctl.inet : &nn->sysctl.inet6;
	if (proto == IPPROTO_AH)
		deflev = mode == IPSEC_MODE_TUNNEL ? af->ah_net_deflev : af->ah_trans_deflev;
	else
		deflev = mode == IPSEC_MODE_TUNNEL ? af->esp_net_deflev : af->esp_trans_deflev;
	return READ_ONCE(deflev) == NFIPSEC_LEVEL_REQUIRE ? IPSEC_LEVEL_REQUIRE :
							    IPSEC_LEVEL_USE;
}

void nfipsec_pkt_net_drain(struct nfipsec_net *nn)
{
	while (atomic_read(&nn->pkts_inflight))
		msleep(1);
}

int nfipsec_pkt_init(void)
{
	get_random_bytes(&mark_key, sizeof(mark_key));
	return 0;
}
