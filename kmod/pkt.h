/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pkt.h - the packet path: netfilter hooks (hooks.c), outbound
 * (pkt_out.c), inbound (pkt_in.c), and what they share (pkt_flow.c):
 * reading a packet's selector fields and IPv6 headers, the "decrypted by
 * nfipsec" mark, the guard against transforming our own output again.
 *
 *   POST_ROUTING (late)  outbound policy: none / discard / ipsec -> ESP
 *   LOCAL_IN             ESP to us -> decrypt -> reinject (netif_rx);
 *                        cleartext -> inbound policy check
 *   FORWARD              cleartext -> forward policy check
 */
#ifndef _NFIPSEC_PKT_H
#define _NFIPSEC_PKT_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>

#include "spd_engine.h"
#include "netns.h"

/* The sysctls of one address family (net.inet.ipsec or net.inet6.ipsec6). */
static inline struct nfipsec_af_sysctl *nfipsec_af(struct nfipsec_net *nn, u16 family)
{
	return family == AF_INET ? &nn->sysctl.inet : &nn->sysctl.inet6;
}

/* net.inet.{esp,ah,ipcomp}.*_enable: may the protocol carry packets? */
static inline bool nfipsec_proto_enabled(const struct nfipsec_net *nn, u8 proto)
{
	switch (proto) {
	case IPPROTO_ESP:
		return READ_ONCE(nn->sysctl.esp_enable);
	case IPPROTO_AH:
		return READ_ONCE(nn->sysctl.ah_enable);
	default:
		return READ_ONCE(nn->sysctl.ipcomp_enable);
	}
}

static inline void nfipsec_pkt_count(struct nfipsec_net *nn, unsigned int stat)
{
	nfipsec_stats_inc(&nn->stats, stat);
}

/* Are @a and @b the same address of @family? */
static inline bool nfipsec_addr_eq(u16 family, const union nfipsec_addr *a,
				   const union nfipsec_addr *b)
{
	return family == AF_INET ? a->a4 == b->a4 : ipv6_addr_equal(&a->a6, &b->a6);
}

/* Does this namespace have anything for the packet path to do? */
static inline bool nfipsec_pkt_active(const struct nfipsec_net *nn)
{
	return READ_ONCE(nn->sadb.count) || READ_ONCE(nn->spd.count);
}

/*
 * Offsets in an IP packet at skb->data: the upper-layer protocol, where
 * its header starts, and the offset of the byte that names it.  IPv6
 * extension headers that come before ESP in transport mode (hop-by-hop,
 * routing, destination options before routing) are walked.  -EINVAL for
 * a truncated header.  @frag is set for a non-first fragment.
 */
struct nfipsec_l3 {
	u16 family;
	u16 hdrlen;		/* bytes before the upper-layer header */
	u16 proto_off;		/* offset of the byte holding @proto */
	u8 proto;
	bool frag;		/* a fragment: no upper-layer ports */
};
int nfipsec_l3_parse(struct sk_buff *skb, u16 family, struct nfipsec_l3 *l3);

/* The selector fields of the packet at skb->data (see nfipsec_flow). */
int nfipsec_flow_from_skb(struct sk_buff *skb, const struct nfipsec_l3 *l3,
			  struct nfipsec_flow *f);

/*
 * The mark a packet decrypted by nfipsec carries until its inbound check,
 * with a nonzero @word for enc0 (enc.c).
 */
void nfipsec_mark_decrypted(struct sk_buff *skb, u32 word);
u32 nfipsec_decrypted_word(struct sk_buff *skb);
bool nfipsec_take_decrypted_mark(struct sk_buff *skb);

/* Confirm the packet's conntrack entry before nfipsec takes the packet over. */
void nfipsec_ct_confirm(struct sk_buff *skb);

/* Send a packet nfipsec produced, without its hooks transforming it again. */
int nfipsec_local_out(struct net *net, struct sk_buff *skb, u16 family);
bool nfipsec_in_local_out(void);

/* if_ipsec: protect @skb with an ipsec interface's policy (pkt_out.c). */
struct nfipsec_policy;
bool nfipsec_out_if(struct net *net, struct sk_buff *skb, struct nfipsec_policy *pol);

unsigned int nfipsec_out_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state);
unsigned int nfipsec_in_hook(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state);
unsigned int nfipsec_fwd_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state);

/* Per-namespace registration (netns.c) and module-wide setup (main.c). */
int nfipsec_hooks_net_init(struct net *net);
void nfipsec_hooks_net_exit(struct net *net);
void nfipsec_hooks_request_modules(void);
/* Wait until no packet of @nn is in flight (after its hooks are gone). */
void nfipsec_pkt_net_drain(struct nfipsec_net *nn);
int nfipsec_pkt_init(void);

/* Level a request applies with, "default" resolved through the sysctls. */
u8 nfipsec_req_level(const struct nfipsec_net *nn, u16 family, u8 proto,
		     u8 mode, u8 level);

#endif /* _NFIPSEC_PKT_H */
