/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipcomp.h - IP payload compression (RFC 3173) on one packet, for the
 * packet path (pkt_out.c, pkt_in.c), as esp.h and ah.h are for ESP and
 * AH, and the compressors IPcomp SAs share.
 *
 * A compressor (crypto_comp) keeps its work area in its context, so one
 * cannot serve two packets at once: each algorithm has one per CPU, with
 * a per-CPU scratch buffer, shared by every SA of every namespace that
 * uses the algorithm and freed with the last of them.  They are used
 * with bottom halves disabled.
 *
 * On the wire (RFC 3173): next header, flags, 16-bit CPI, then the
 * compressed payload.  The CPI is the SA's SPI when it was added with
 * setkey -R (SADB_X_EXT_RAWCPI), else the algorithm's well-known number
 * (deflate: 2), as setkey(8) describes.  Payloads under the algorithm's
 * threshold (deflate: 90 bytes), or that do not shrink, are sent as they
 * are, without an IPcomp header (RFC 3173 2.2).
 */
#ifndef _NFIPSEC_IPCOMP_H
#define _NFIPSEC_IPCOMP_H

#include <linux/types.h>

struct nfipsec_pkt;
struct nfipsec_sa;
struct nfipsec_ipcomp_alg;

/*
 * The shared compressors of algorithm @crypto (a crypto API name),
 * created on first use: a reference, or an ERR_PTR (-ENOENT when the
 * kernel lacks it).  Process context.
 */
struct nfipsec_ipcomp_alg *nfipsec_ipcomp_get(const char *crypto, u8 calg);
/* Drop the reference (process context). */
void nfipsec_ipcomp_put(struct nfipsec_ipcomp_alg *a);

/* The 16-bit CPI @sa puts on the wire. */
u16 nfipsec_ipcomp_cpi(const struct nfipsec_sa *sa);
unsigned int nfipsec_ipcomp_overhead(const struct nfipsec_sa *sa);

/*
 * Compress the payload behind hdrlen bytes of p->skb and insert the
 * IPcomp header.  0: compressed; 1: left as it is (small, or it did not
 * shrink), which is not an error; else -ENOMEM.
 */
int nfipsec_ipcomp_output(struct nfipsec_pkt *p);

/*
 * Decompress the IPcomp packet at p->skb + hdrlen and take the header
 * out: the headers then carry p->nexthdr.  0, or -EINVAL when the
 * payload does not decompress (or would exceed 64 KiB).
 */
int nfipsec_ipcomp_input(struct nfipsec_pkt *p);

#endif /* _NFIPSEC_IPCOMP_H */
