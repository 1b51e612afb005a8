/* SPDX-License-Identifier: GPL-2.0 */
/*
 * esp.h - ESP (RFC 4303) framing and crypto on one packet, for the packet
 * path (pkt_out.c, pkt_in.c).  Nothing here decides which SA or policy
 * applies; the caller hands a packet and an SA and gets the packet back
 * transformed, synchronously or through its done() callback.
 *
 * A packet in flight is described by a struct nfipsec_pkt (pkt_ctx.h),
 * with the SA's crypto request behind it.
 */
#ifndef _NFIPSEC_ESP_H
#define _NFIPSEC_ESP_H

#include "pkt_ctx.h"

/* Bytes ESP adds in front (header and IV) and at most at the end. */
unsigned int nfipsec_esp_head(const struct nfipsec_sa *sa);
unsigned int nfipsec_esp_tail_max(const struct nfipsec_sa *sa);
unsigned int nfipsec_esp_overhead(const struct nfipsec_sa *sa);

/*
 * Encapsulate p->skb in ESP: insert the header and IV after hdrlen bytes,
 * pad, set the IP header's protocol and length, encrypt.  0: done now;
 * -EINPROGRESS: p->done() will be called; else an error (-EOVERFLOW when
 * the sequence number space is used up and the SA may not cycle).
 */
int nfipsec_esp_output(struct nfipsec_pkt *p);

/*
 * Check and decrypt the ESP packet at p->skb + hdrlen (replay checks are
 * the caller's), then remove ESP: the packet's headers then carry
 * p->nexthdr.  0: done now; -EINPROGRESS: p->done() follows; -EBADMSG:
 * authentication failed; -EPROTO: bad padding; -EINVAL: malformed.
 */
int nfipsec_esp_input(struct nfipsec_pkt *p);

#endif /* _NFIPSEC_ESP_H */
