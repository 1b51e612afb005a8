// SPDX-License-Identifier: GPL-2.0
/*
 * natt.c - ESP in UDP (natt.h).
 *
 * On the wire (RFC 3948 2.1; type 1 is the non-IKE marker of the drafts
 * before it, which 6.1's XFRM still speaks):
 *
 *   type 2   [ IP hdr | UDP hdr |          ESP hdr | ... ]
 *   type 1   [ IP hdr | UDP hdr | 8 x 0  | ESP hdr | ... ]
 *   IKE      [ IP hdr | UDP hdr | 4 x 0  | IKE hdr | ... ]   left alone
 *   keepalive[ IP hdr | UDP hdr | 0xff ]                      left alone
 *
 * Which SA a packet belongs to is decided as for bare ESP, by
 * (destination, SPI): the UDP ports only say that a datagram may be ESP.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <linux/jhash.h>
#include NFIPSEC_UNALIGNED_H

#include "natt.h"
#include "netns.h"
#include "pfkey_build.h"
#include "pfkey_sock.h"

#define NATT_PORT	4500	/* RFC 3948's, where a message gave port 0 */

static __be16 port_or_default(const struct sadb_x_nat_t_port *p)
{
	return p && p->sadb_x_nat_t_port_port ? p->sadb_x_nat_t_port_port :
						  htons(NATT_PORT);
}

int nfipsec_natt_from_msg(struct nfipsec_sa *sa, const struct pfkey_msg *m,
			  struct pfkey_verdict *v)
{
	const struct sadb_x_nat_t_type *t = m->ext[SADB_X_EXT_NAT_T_TYPE];

	sa->encap_type = 0;
	if (!t)
		return 0;
	if ((t->sadb_x_nat_t_type_type != UDP_ENCAP_ESPINUDP &&
	     t->sadb_x_nat_t_type_type != UDP_ENCAP_ESPINUDP_NON_IKE) ||
	    sa->id.proto != IPPROTO_ESP) {
		v->diag = SADB_X_DIAGNOSTIC_BAD_NATT_TYPE;
		return -EINVAL;
	}
	sa->encap_type = t->sadb_x_nat_t_type_type;
	sa->encap_sport = port_or_default(m->ext[SADB_X_EXT_NAT_T_SPORT]);
	sa->encap_dport = port_or_default(m->ext[SADB_X_EXT_NAT_T_DPORT]);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Outbound                                                               */
/* ---------------------------------------------------------------------- */

void nfipsec_natt_push(struct nfipsec_pkt *p)
{
	struct sk_buff *skb = p->skb;
	struct nfipsec_sa *sa = p->sa;
	struct udphdr *uh = (struct udphdr *)(skb->data + p->hdrlen);

	uh->source = sa->encap_sport;
	uh->dest = sa->encap_dport;
	uh->len = htons(skb->len - p->hdrlen);
	uh->check = 0;		/* IPv4: none (RFC 3948 2.1); IPv6: after the crypto */
	if (sa->encap_type == UDP_ENCAP_ESPINUDP_NON_IKE)
		memset(uh + 1, 0, NFIPSEC_NATT_NON_IKE_MARKER);
	skb->data[p->proto_off] = IPPROTO_UDP;
	nfipsec_pkt_count(nfipsec_net(p->net), NFIPSEC_STAT_NATT_OUT);
}

void nfipsec_natt_out_csum(struct nfipsec_pkt *p)
{
	struct sk_buff *skb = p->skb;
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct udphdr *uh = (struct udphdr *)(skb->data + p->hdrlen);
	unsigned int len = skb->len - p->hdrlen;

	if (p->family != AF_INET6)
		return;
	uh->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len, IPPROTO_UDP,
				    skb_checksum(skb, p->hdrlen, len, 0));
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
}

/* ---------------------------------------------------------------------- */
/* Inbound                                                                */
/* ---------------------------------------------------------------------- */

enum nfipsec_natt_verdict nfipsec_natt_in(struct nfipsec_net *nn, struct sk_buff *skb,
					  struct nfipsec_l3 *l3,
					  struct nfipsec_natt_in *in)
{
	unsigned int off = l3->hdrlen, ulen, encl;
	const struct udphdr *uh;
	const u8 *d;
	u8 type;

	if (l3->frag || !pskb_may_pull(skb, off + sizeof(*uh)))
		return NFIPSEC_NATT_PASS;	/* the stack judges fragments */
	uh = (const struct udphdr *)(skb->data + off);
	if (!nfipsec_sadb_encap_port(&nn->sadb, uh->dest))
		return NFIPSEC_NATT_PASS;
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || ulen > skb->len - off) {
		nfipsec_pkt_count(nn, NFIPSEC_STAT_NATT_BAD);
		return NFIPSEC_NATT_DROP;
	}
	ulen -= sizeof(*uh);		/* the payload's length */
	if (!pskb_may_pull(skb, off + sizeof(*uh) + min(ulen, 8U))) {
		nfipsec_pkt_count(nn, NFIPSEC_STAT_NATT_BAD);
		return NFIPSEC_NATT_DROP;
	}
	uh = (const struct udphdr *)(skb->data + off);
	d = (const u8 *)(uh + 1);
	if (ulen == 1 && d[0] == 0xff) {
		nfipsec_pkt_count(nn, NFIPSEC_STAT_NATT_KEEPALIVE);
		return NFIPSEC_NATT_PASS;	/* the daemon's socket may have it */
	}
	if (ulen >= 4 && !get_unaligned((const u32 *)d)) {
		if (ulen < 8 || get_unaligned((const u32 *)(d + 4))) {
			nfipsec_pkt_count(nn, NFIPSEC_STAT_NATT_IKE);
			return NFIPSEC_NATT_PASS;	/* IKE behind the non-ESP marker */
		}
		type = UDP_ENCAP_ESPINUDP_NON_IKE;
		encl = sizeof(*uh) + NFIPSEC_NATT_NON_IKE_MARKER;
	} else if (ulen > 8) {
		type = UDP_ENCAP_ESPINUDP;	/* SPI and sequence number at least */
		encl = sizeof(*uh);
	} else {
		nfipsec_pkt_count(nn, NFIPSEC_STAT_NATT_BAD);
		return NFIPSEC_NATT_DROP;	/* neither ESP, nor IKE, nor a keepalive */
	}
	if (skb->len - off - sizeof(*uh) != ulen) {
		/* Trailing bytes behind the datagram: cut before the move. */
		if (pskb_trim(skb, off + sizeof(*uh) + ulen)) {
			nfipsec_pkt_count(nn, NFIPSEC_STAT_NATT_BAD);
			return NFIPSEC_NATT_DROP;
		}
	}
	if (skb_ensure_writable(skb, off + encl)) {
		nfipsec_pkt_count(nn, NFIPSEC_STAT_IN_ERROR);
		return NFIPSEC_NATT_DROP;
	}
	in->type = type;
	in->sport = ((const struct udphdr *)(skb->data + off))->source;
	/* The IP header (and its extensions) slides over the UDP header. */
	memmove(skb->data + encl, skb->data, off);
	__skb_pull(skb, encl);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, off);
	skb->data[l3->proto_off] = IPPROTO_ESP;
	nfipsec_fix_ip_len(skb, l3->family);
	l3->proto = IPPROTO_ESP;
	nfipsec_pkt_count(nn, NFIPSEC_STAT_NATT_IN);
	return NFIPSEC_NATT_ESP;
}

/*
 * af_key's layout: HDR | SA | ADDRESS_SRC (the SA's peer address) |
 * NAT_T_SPORT (its port) | ADDRESS_DST (the new address) | NAT_T_DPORT
 * (the new port), to the sockets registered for ESP.
 */
static void new_mapping(struct nfipsec_net *nn, const struct nfipsec_sa *sa,
			const union nfipsec_addr *addr, __be16 port)
{
	u16 family = sa->pair.family;
	size_t alen = sizeof(struct sadb_address) + pfkey_sockaddr_bytes(family);
	struct sadb_x_nat_t_port *np;
	struct sadb_msg *h;
	struct sadb_sa *s;
	struct sk_buff *skb;

	skb = alloc_skb(sizeof(*h) + sizeof(*s) + 2 * alen + 2 * sizeof(*np), GFP_ATOMIC);
	if (!skb)
		return;
	h = skb_put_zero(skb, sizeof(*h));
	h->sadb_msg_version = PF_KEY_V2;
	h->sadb_msg_type = SADB_X_NAT_T_NEW_MAPPING;
	h->sadb_msg_satype = SADB_SATYPE_ESP;
	h->sadb_msg_seq = sa->seq;
	s = pfkey_put_ext(skb, sizeof(*s), SADB_EXT_SA);
	s->sadb_sa_spi = sa->id.spi;
	pfkey_put_address(skb, SADB_EXT_ADDRESS_SRC, family, &sa->pair.src);
	np = pfkey_put_ext(skb, sizeof(*np), SADB_X_EXT_NAT_T_SPORT);
	np->sadb_x_nat_t_port_port = sa->encap_sport;
	pfkey_put_address(skb, SADB_EXT_ADDRESS_DST, family, addr);
	np = pfkey_put_ext(skb, sizeof(*np), SADB_X_EXT_NAT_T_DPORT);
	np->sadb_x_nat_t_port_port = port;
	h->sadb_msg_len = skb->len / 8;
	nfipsec_pkt_count(nn, NFIPSEC_STAT_NATT_MAPPING);
	pfkey_broadcast(nn->net, skb, PFKEY_TO_REGISTERED, NULL, SADB_SATYPE_ESP, GFP_ATOMIC);
}

/* Transport mode, a TCP or UDP payload behind p->hdrlen: its checksum. */
static void fix_checksum(struct nfipsec_net *nn, struct nfipsec_pkt *p)
{
	struct sk_buff *skb = p->skb;
	unsigned int off = p->hdrlen, len = skb->len - off;
	__sum16 *check;
	__wsum csum;

	if (p->nexthdr == IPPROTO_TCP && len >= sizeof(struct tcphdr))
		check = &((struct tcphdr *)(skb->data + off))->check;
	else if (p->nexthdr == IPPROTO_UDP && len >= sizeof(struct udphdr))
		check = &((struct udphdr *)(skb->data + off))->check;
	else
		return;
	if (!READ_ONCE(nn->sysctl.natt_cksum_policy)) {
		/*
		 * The sender's checksum covers addresses a NAT has changed
		 * since; ESP vouched for the segment.  Ignored, as XFRM does.
		 */
		skb->ip_summed = CHECKSUM_UNNECESSARY;
		return;
	}
	/* Recomputed for the addresses the packet has now (a zero UDP one stays). */
	if (p->nexthdr == IPPROTO_UDP && !*check && p->family == AF_INET)
		return;
	*check = 0;
	csum = skb_checksum(skb, off, len, 0);
	if (p->family == AF_INET)
		*check = csum_tcpudp_magic(ip_hdr(skb)->saddr, ip_hdr(skb)->daddr, len,
					   p->nexthdr, csum);
	else
		*check = csum_ipv6_magic(&ipv6_hdr(skb)->saddr, &ipv6_hdr(skb)->daddr, len,
					 p->nexthdr, csum);
	if (p->nexthdr == IPPROTO_UDP && !*check)
		*check = CSUM_MANGLED_0;
	skb->ip_summed = CHECKSUM_UNNECESSARY;
}

void nfipsec_natt_in_done(struct nfipsec_net *nn, struct nfipsec_pkt *p, u8 mode)
{
	struct nfipsec_sa *sa = p->sa;
	union nfipsec_addr src = {};
	u32 seen;

	if (p->family == AF_INET)
		src.a4 = ip_hdr(p->skb)->saddr;
	else
		src.a6 = ipv6_hdr(p->skb)->saddr;
	/* An inbound SA: its source is the peer, its source port the peer's. */
	if (p->family == sa->pair.family &&
	    (memcmp(&src, &sa->pair.src, sizeof(src)) || p->natt_sport != sa->encap_sport)) {
		seen = jhash(&src, sizeof(src), (__force u32)p->natt_sport) | 1;
		if (READ_ONCE(sa->natt_seen) != seen &&
		    xchg(&sa->natt_seen, seen) != seen)
			new_mapping(nn, sa, &src, p->natt_sport);
	}
	if (mode == IPSEC_MODE_TRANSPORT)
		fix_checksum(nn, p);
}
