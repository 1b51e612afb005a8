// SPDX-License-Identifier: GPL-2.0
/*
 * esp.c - ESP framing and crypto on one packet (esp.h).
 *
 * Output, in place on a linear skb:
 *
 *   before   [ hdrlen: IP hdr (+exts) | payload                        ]
 *   after    [ hdrlen | SPI seq | IV | payload pad padlen nexthdr | ICV ]
 *                     '---- associated data ----'
 *                                  '------ encrypted --------------'
 *
 * Every transform is an AEAD (xform.h) whose associated data is the ESP
 * header and the IV, and whose req->iv is the IV: RFC 4106/4309/4543/7634
 * templates skip the IV in the associated data, authenc authenticates
 * it, which is what RFC 4303 asks of each.  With ESN the ESP header in
 * the associated data is replaced by SPI, seq-hi, seq-lo, built in the
 * packet context (p->esn_ad) and chained in front of the IV, so the
 * packet itself is never rearranged (xform.h, esn_ad).  The IP header is finished
 * before the crypto runs (ESP does not cover it), so an asynchronous
 * completion only has to send the packet on.
 */
#include <crypto/aead.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/random.h>
#include NFIPSEC_UNALIGNED_H
#include <net/esp.h>
#include <net/ip.h>

#include "esp.h"
#include "natt.h"
#include "xform.h"
#include "nfipsec.h"
#include "netns.h"

#define ESP_HDR	8	/* SPI and sequence number */

/* With ESP in UDP, the UDP header (and marker) is part of the head. */
unsigned int nfipsec_esp_head(const struct nfipsec_sa *sa)
{
	return nfipsec_natt_len(sa) + ESP_HDR + sa->xf->ivlen;
}

unsigned int nfipsec_esp_tail_max(const struct nfipsec_sa *sa)
{
	return sa->xf->block - 1 + 2 + sa->xf->icvlen;
}

/* The most ESP can add to a packet: header, IV, padding, trailer, ICV. */
unsigned int nfipsec_esp_overhead(const struct nfipsec_sa *sa)
{
	return nfipsec_esp_head(sa) + nfipsec_esp_tail_max(sa);
}

static void fill_padding(u8 *pad, unsigned int n, u32 flags)
{
	unsigned int i;

	if (flags & SADB_X_EXT_PZERO) {
		memset(pad, 0, n);
	} else if (flags & SADB_X_EXT_PRAND) {
		get_random_bytes(pad, n);
	} else {
		for (i = 0; i < n; i++)	/* RFC 4303 2.4: 1, 2, 3, ... */
			pad[i] = i + 1;
	}
}

/*
 * The scatterlist of the crypto: from the ESP header at @esph to the end
 * of the ICV (@len bytes), or with ESN the 12-byte associated data then
 * the IV onwards.  Returns the associated data's length (with the IV).
 */
static unsigned int esp_sg(struct nfipsec_pkt *p, u8 *esph, unsigned int len,
			   u64 seq)
{
	const struct nfipsec_xform *xf = p->sa->xf;

	if (!xf->esn_ad) {
		sg_init_one(p->sg, esph, len);
		return ESP_HDR + xf->ivlen;
	}
	memcpy(&p->esn_ad[0], esph, 4);		/* SPI */
	p->esn_ad[1] = htonl(seq >> 32);
	p->esn_ad[2] = htonl((u32)seq);
	sg_init_table(p->sg, 2);
	sg_set_buf(&p->sg[0], p->esn_ad, sizeof(p->esn_ad));
	sg_set_buf(&p->sg[1], esph + ESP_HDR, len - ESP_HDR);
	return sizeof(p->esn_ad) + xf->ivlen;
}

static void esp_output_done(NFIPSEC_CRYPTO_CB_ARGS)
{
	struct nfipsec_pkt *p = NFIPSEC_CRYPTO_CB_DATA;

	if (err == -EINPROGRESS)	/* left the backlog: not done yet */
		return;
	p->done(p, err);
}

int nfipsec_esp_output(struct nfipsec_pkt *p)
{
	struct sk_buff *skb = p->skb;
	struct nfipsec_sa *sa = p->sa;
	struct nfipsec_xform *xf = sa->xf;
	unsigned int esplen = ESP_HDR + xf->ivlen;
	unsigned int encl = nfipsec_natt_len(sa);
	unsigned int plen, padlen, clen;
	struct ip_esp_hdr *esph;
	struct aead_request *req;
	u8 *trailer, *ivp;
	unsigned int adlen;
	u64 seq;
	int err;

	if (skb->len < p->hdrlen || p->proto_off >= p->hdrlen)
		return -EINVAL;
	plen = skb->len - p->hdrlen;
	padlen = ALIGN(plen + 2, xf->block) - plen - 2;
	clen = plen + padlen + 2;
	err = nfipsec_skb_make_room(skb, encl + esplen, padlen + 2 + xf->icvlen);
	if (err)
		return err;

	spin_lock_bh(&xf->out_lock);
	seq = atomic64_inc_return(&sa->seq_out);
	if (seq > U32_MAX && !sa->esn && !(sa->flags & SADB_X_EXT_CYCSEQ)) {
		spin_unlock_bh(&xf->out_lock);
		return -EOVERFLOW;
	}

	/* Open the gap for [UDP,] ESP's header and IV behind the kept headers. */
	skb_push(skb, encl + esplen);
	memmove(skb->data, skb->data + encl + esplen, p->hdrlen);
	skb_reset_network_header(skb);
	esph = (struct ip_esp_hdr *)(skb->data + p->hdrlen + encl);
	esph->spi = sa->id.spi;
	esph->seq_no = htonl((u32)seq);
	ivp = (u8 *)(esph + 1);
	if (xf->iv_kind == NFIPSEC_IV_SEQ)
		put_unaligned_be64(seq, ivp);
	else if (xf->iv_kind == NFIPSEC_IV_RANDOM)
		get_random_bytes(ivp, xf->ivlen);
	memcpy(p->iv, ivp, xf->ivlen);

	trailer = skb_put(skb, padlen + 2 + xf->icvlen);
	fill_padding(trailer, padlen, sa->flags);
	trailer[padlen] = padlen;
	trailer[padlen + 1] = skb->data[p->proto_off];
	skb->data[p->proto_off] = IPPROTO_ESP;
	if (encl)
		nfipsec_natt_push(p);
	nfipsec_fix_ip_len(skb, p->family);
	skb->ip_summed = CHECKSUM_NONE;

	if (!xf->aead) {	/* null/null: no integrity value either */
		spin_unlock_bh(&xf->out_lock);
		return 0;
	}
	adlen = esp_sg(p, (u8 *)esph, esplen + clen + xf->icvlen, seq);
	req = nfipsec_pkt_req(p);
	aead_request_set_tfm(req, xf->aead);
	aead_request_set_callback(req, 0, esp_output_done, p);
	aead_request_set_crypt(req, p->sg, p->sg, clen, p->iv);
	aead_request_set_ad(req, adlen);
	err = crypto_aead_encrypt(req);
	spin_unlock_bh(&xf->out_lock);
	return err == -EBUSY ? -EINPROGRESS : err;
}

/* Decrypted (or failed): check the trailer and take ESP out of the packet. */
static int esp_input_trailer(struct nfipsec_pkt *p, int err)
{
	struct sk_buff *skb = p->skb;
	const struct nfipsec_xform *xf = p->sa->xf;
	unsigned int esplen = ESP_HDR + xf->ivlen;
	unsigned int clen = skb->len - p->hdrlen - esplen - xf->icvlen;
	const u8 *t;
	u8 padlen;

	if (err)
		return err;
	t = skb->data + skb->len - xf->icvlen - 2;
	padlen = t[0];
	if (padlen + 2 > clen)
		return -EPROTO;
	p->nexthdr = t[1];
	skb_trim(skb, skb->len - xf->icvlen - 2 - padlen);
	memmove(skb->data + esplen, skb->data, p->hdrlen);
	skb_pull(skb, esplen);
	skb_reset_network_header(skb);
	skb->data[p->proto_off] = p->nexthdr;
	nfipsec_fix_ip_len(skb, p->family);
	return 0;
}

static void esp_input_done(NFIPSEC_CRYPTO_CB_ARGS)
{
	struct nfipsec_pkt *p = NFIPSEC_CRYPTO_CB_DATA;

	if (err == -EINPROGRESS)
		return;
	p->done(p, esp_input_trailer(p, err));
}

int nfipsec_esp_input(struct nfipsec_pkt *p)
{
	struct sk_buff *skb = p->skb;
	const struct nfipsec_xform *xf = p->sa->xf;
	unsigned int esplen = ESP_HDR + xf->ivlen;
	struct aead_request *req;
	unsigned int clen, adlen;
	u8 *esph;
	int err;

	if (skb->len < p->hdrlen + esplen + xf->icvlen + 2 ||
	    p->proto_off >= p->hdrlen)
		return -EINVAL;
	clen = skb->len - p->hdrlen - esplen - xf->icvlen;
	if (clen % xf->block)
		return -EINVAL;
	err = nfipsec_skb_make_room(skb, 0, 0);
	if (err)
		return err;
	skb_reset_network_header(skb);
	esph = skb->data + p->hdrlen;
	memcpy(p->iv, esph + ESP_HDR, xf->ivlen);
	if (!xf->aead)
		return esp_input_trailer(p, 0);

	/* p->seq: with ESN, the high bits inferred from the window (pkt_in.c). */
	adlen = esp_sg(p, esph, skb->len - p->hdrlen, p->seq);
	req = nfipsec_pkt_req(p);
	aead_request_set_tfm(req, xf->aead);
	aead_request_set_callback(req, 0, esp_input_done, p);
	aead_request_set_crypt(req, p->sg, p->sg, clen + xf->icvlen, p->iv);
	aead_request_set_ad(req, adlen);
	err = crypto_aead_decrypt(req);
	if (err == -EINPROGRESS || err == -EBUSY)
		return -EINPROGRESS;
	return esp_input_trailer(p, err);
}
