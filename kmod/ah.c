// SPDX-License-Identifier: GPL-2.0
/*
 * ah.c - AH framing and integrity on one packet (ah.h).
 *
 *   before   [ hdrlen: IP hdr (+exts) | payload                        ]
 *   after    [ hdrlen | nh len 0 SPI seq ICV (pad) | payload           ]
 *            '------------- all of it authenticated ------------------'
 *
 * The ICV is computed over the packet with the mutable fields of the
 * headers in [0, hdrlen) and the ICV itself taken as zero (the padding
 * behind it, zero when nfipsec sends, is hashed as it is): the
 * headers are saved, normalised in place, hashed with everything behind
 * them, and restored.
 *
 * AH's length must be a multiple of 4 bytes under IPv4 and of 8 under
 * IPv6 (RFC 4302 2.2), the padding counted as ICV.  nfipsec sends 8-byte
 * aligned AH in both families, as Linux XFRM does by default (without
 * its "align4" flag it refuses anything else, and 8 is a multiple of 4);
 * it accepts either alignment under IPv4, as BSD stacks send 4.
 *
 * With ESN the high 32 bits of the sequence number are hashed after the
 * packet (RFC 4302 2.5.1, 3.3.3.2): inbound, as inferred from the replay
 * window before the check (pkt_in.c).
 */
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "ah.h"
#include "netns.h"
#include "pkt_ctx.h"
#include "xform.h"

#define AH_HDR	12	/* next header, length, reserved, SPI, sequence */

struct ah_hdr {
	u8 nexthdr;
	u8 len;		/* in 32-bit words, minus 2 */
	__be16 reserved;
	__be32 spi;
	__be32 seq;
	u8 icv[];
};

unsigned int nfipsec_ah_len(const struct nfipsec_sa *sa)
{
	return ALIGN(AH_HDR + sa->xf->icvlen, 8);
}

/* What AH adds to a packet: its header, ICV included, padded for IPv6. */
unsigned int nfipsec_ah_overhead(const struct nfipsec_sa *sa)
{
	return nfipsec_ah_len(sa);
}

/*
 * IPv4 (RFC 4302 3.3.3.1.1): zero the mutable fields of the header at @h.
 * Options other than the immutable ones are zeroed whole; outbound, a
 * source route's last address (the final destination) stands in for the
 * destination, as the receiver will see it.
 */
static int norm_v4(u8 *h, const struct nfipsec_net *nn, bool out)
{
	struct iphdr *iph = (struct iphdr *)h;
	u8 *o = h + sizeof(*iph), *end = h + iph->ihl * 4;
	u8 len;

	if (READ_ONCE(nn->sysctl.ah_cleartos))
		iph->tos = 0;
	iph->ttl = 0;
	iph->check = 0;
	iph->frag_off &= htons((u16)READ_ONCE(nn->sysctl.ah_offsetmask));
	while (o < end) {
		if (o[0] == IPOPT_END)
			break;
		if (o[0] == IPOPT_NOOP) {
			o++;
			continue;
		}
		if (end - o < 2 || o[1] < 2 || o[1] > end - o)
			return -EINVAL;
		len = o[1];
		switch (o[0]) {
		case IPOPT_SEC:		/* 130 */
		case 133:		/* extended security */
		case IPOPT_CIPSO:	/* 134, commercial security */
		case IPOPT_RA:		/* 148 */
		case 149:		/* sender-directed multi-destination */
			break;
		case IPOPT_LSRR:
		case IPOPT_SSRR:
			if (len < 7)
				return -EINVAL;
			if (out)
				memcpy(&iph->daddr, o + len - 4, 4);
			fallthrough;
		default:
			memset(o, 0, len);
		}
		o += len;
	}
	return 0;
}

/* Hop-by-hop or destination options: zero the data of the mutable ones. */
static int norm_v6_opts(u8 *opt, unsigned int len)
{
	unsigned int off = 2;

	while (off < len) {
		if (opt[off] == IPV6_TLV_PAD1) {
			off++;
			continue;
		}
		if (off + 2 > len || off + 2 + opt[off + 1] > len)
			return -EINVAL;
		if (opt[off] & 0x20)	/* RFC 8200 4.2: may change en route */
			memset(opt + off + 2, 0, opt[off + 1]);
		off += 2 + opt[off + 1];
	}
	return 0;
}

/* A routing header as the final destination will see it (RFC 4302 A.2). */
static int norm_v6_rthdr(struct ipv6hdr *ip6, u8 *rt, unsigned int len)
{
	unsigned int left = rt[3], n;
	struct in6_addr *a, final;

	if (!left)
		return 0;
	switch (rt[2]) {
	case 0:		/* source route (deprecated) and */
	case 2:		/* mobility type 2: addresses in visiting order */
		a = (struct in6_addr *)(rt + 8);
		n = (len - 8) / sizeof(*a);
		if (left > n)
			return -EINVAL;
		final = a[n - 1];
		memmove(&a[n - left + 1], &a[n - left], (left - 1) * sizeof(*a));
		a[n - left] = ip6->daddr;
		ip6->daddr = final;
		break;
	case 4:		/* segment routing: segment 0 is the last one */
		if (len < 8 + sizeof(struct in6_addr))
			return -EINVAL;
		memcpy(&ip6->daddr, rt + 8, sizeof(ip6->daddr));
		break;
	default:
		return -EOPNOTSUPP;
	}
	rt[3] = 0;
	return 0;
}

/* IPv6 (RFC 4302 3.3.3.1.2): the header and the extension headers in [0, hl). */
static int norm_v6(u8 *h, unsigned int hl, bool out)
{
	struct ipv6hdr *ip6 = (struct ipv6hdr *)h;
	unsigned int off = sizeof(*ip6), len;
	u8 nh = ip6->nexthdr;
	int err = 0;

	*(__be32 *)h = htonl(0x60000000);	/* traffic class, flow label */
	ip6->hop_limit = 0;
	while (off < hl && !err) {
		if (off + 2 > hl)
			return -EINVAL;
		len = (h[off + 1] + 1) * 8;
		if (off + len > hl)
			return -EINVAL;
		switch (nh) {
		case NEXTHDR_HOP:
		case NEXTHDR_DEST:
			err = norm_v6_opts(h + off, len);
			break;
		case NEXTHDR_ROUTING:
			if (out)
				err = norm_v6_rthdr(ip6, h + off, len);
			break;
		default:
			return -EINVAL;
		}
		nh = h[off];
		off += len;
	}
	return err;
}

/*
 * The ICV of the packet at p->skb, its AH's ICV field zeroed, into @icv;
 * @seq is the full sequence number (its high half hashed with ESN).
 */
static int ah_icv(struct nfipsec_pkt *p, u8 *icv, bool out, u64 seq)
{
	struct sk_buff *skb = p->skb;
	struct crypto_shash *tfm = p->sa->xf->shash;
	u8 buf[128], *save = buf;
	int err;

	if (p->hdrlen > sizeof(buf)) {
		save = kmalloc(p->hdrlen, GFP_ATOMIC);
		if (!save)
			return -ENOMEM;
	}
	memcpy(save, skb->data, p->hdrlen);
	err = p->family == AF_INET ? norm_v4(skb->data, nfipsec_net(p->net), out) :
				     norm_v6(skb->data, p->hdrlen, out);
	if (!err) {
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		if (p->sa->esn) {
			__be32 hi = htonl(seq >> 32);

			err = crypto_shash_init(desc) ?:
			      crypto_shash_update(desc, skb->data, skb->len) ?:
			      crypto_shash_finup(desc, (u8 *)&hi, sizeof(hi), icv);
		} else {
			err = crypto_shash_digest(desc, skb->data, skb->len, icv);
		}
		shash_desc_zero(desc);
	}
	memcpy(skb->data, save, p->hdrlen);
	if (save != buf)
		kfree(save);
	return err;
}

int nfipsec_ah_output(struct nfipsec_pkt *p)
{
	struct sk_buff *skb = p->skb;
	struct nfipsec_sa *sa = p->sa;
	struct nfipsec_xform *xf = sa->xf;
	unsigned int ahlen = nfipsec_ah_len(sa);
	u8 icv[HASH_MAX_DIGESTSIZE];
	struct ah_hdr *ah;
	u64 seq;
	int err;

	if (skb->len < p->hdrlen || p->proto_off >= p->hdrlen)
		return -EINVAL;
	err = nfipsec_skb_make_room(skb, ahlen, 0);
	if (err)
		return err;

	skb_push(skb, ahlen);
	memmove(skb->data, skb->data + ahlen, p->hdrlen);
	skb_reset_network_header(skb);
	ah = (struct ah_hdr *)(skb->data + p->hdrlen);
	ah->nexthdr = skb->data[p->proto_off];
	ah->len = ahlen / 4 - 2;
	ah->reserved = 0;
	ah->spi = sa->id.spi;
	memset(ah->icv, 0, ahlen - AH_HDR);
	skb->data[p->proto_off] = IPPROTO_AH;
	nfipsec_fix_ip_len(skb, p->family);
	skb->ip_summed = CHECKSUM_NONE;

	/* As for ESP: numbers leave in order (xform.h, out_lock). */
	spin_lock_bh(&xf->out_lock);
	seq = atomic64_inc_return(&sa->seq_out);
	if (seq > U32_MAX && !sa->esn && !(sa->flags & SADB_X_EXT_CYCSEQ)) {
		spin_unlock_bh(&xf->out_lock);
		return -EOVERFLOW;
	}
	ah->seq = htonl((u32)seq);
	err = 0;
	if (xf->shash) {
		err = ah_icv(p, icv, true, seq);
		if (!err)
			memcpy(ah->icv, icv, xf->icvlen);
	}
	spin_unlock_bh(&xf->out_lock);
	memzero_explicit(icv, sizeof(icv));
	return err;
}

int nfipsec_ah_input(struct nfipsec_pkt *p)
{
	struct sk_buff *skb = p->skb;
	const struct nfipsec_xform *xf = p->sa->xf;
	unsigned int ahlen;
	u8 got[HASH_MAX_DIGESTSIZE], want[HASH_MAX_DIGESTSIZE];
	struct ah_hdr *ah;
	int err;

	if (skb->len < p->hdrlen + AH_HDR || p->proto_off >= p->hdrlen)
		return -EINVAL;
	err = nfipsec_skb_make_room(skb, 0, 0);
	if (err)
		return err;
	skb_reset_network_header(skb);
	ah = (struct ah_hdr *)(skb->data + p->hdrlen);
	/* Only the lengths this SA's algorithm gives (RFC 4302 2.2). */
	ahlen = (ah->len + 2) * 4;
	if ((ahlen != ALIGN(AH_HDR + xf->icvlen, 8) &&
	     (p->family != AF_INET || ahlen != ALIGN(AH_HDR + xf->icvlen, 4))) ||
	    skb->len < p->hdrlen + ahlen)
		return -EINVAL;
	if (xf->shash) {
		/*
		 * The ICV itself counts as zero; padding behind it is hashed
		 * as received (RFC 4302 3.3.3.2.1: the sender's choice, and
		 * Linux XFRM leaves it unset).
		 */
		memcpy(got, ah->icv, xf->icvlen);
		memset(ah->icv, 0, xf->icvlen);
		err = ah_icv(p, want, false, p->seq);
		if (err)
			return err;
		err = crypto_memneq(got, want, xf->icvlen) ? -EBADMSG : 0;
		memzero_explicit(want, sizeof(want));
		if (err)
			return err;
	}
	p->nexthdr = ah->nexthdr;
	memmove(skb->data + ahlen, skb->data, p->hdrlen);
	skb_pull(skb, ahlen);
	skb_reset_network_header(skb);
	skb->data[p->proto_off] = p->nexthdr;
	nfipsec_fix_ip_len(skb, p->family);
	return 0;
}
