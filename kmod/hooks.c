// SPDX-License-Identifier: GPL-2.0
/*
 * hooks.c - where the packet path sits in netfilter, per namespace.
 *
 *   POST_ROUTING  INT_MAX - 1  outbound (pkt_out.c): after NAT, mangle and
 *                              the filter saw the cleartext, before
 *                              conntrack's confirm
 *   LOCAL_IN      NAT_SRC + 1  inbound (pkt_in.c): the INPUT filter sees
 *                              ESP first, then the decrypted packet again
 *   FORWARD       NAT_SRC + 1  forwarded cleartext against FWD policies
 *
 * IPv6 fragments are reassembled before LOCAL_IN only when something asks
 * nf_defrag_ipv6 for it (IPv4 always reassembles before LOCAL_IN): ESP
 * packets fragmented on the way must be whole to be decrypted, so each
 * namespace enables it.  Through symbol_get() so that a kernel without
 * the module still loads nfipsec (fragmented IPv6 ESP then fails, and
 * the kernel log says so once).
 */
#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "pkt.h"

static const struct nf_hook_ops ops[] = {
	{ .hook = nfipsec_out_hook, .pf = NFPROTO_IPV4, .hooknum = NF_INET_POST_ROUTING,
	  .priority = NF_IP_PRI_LAST - 1 },
	{ .hook = nfipsec_out_hook, .pf = NFPROTO_IPV6, .hooknum = NF_INET_POST_ROUTING,
	  .priority = NF_IP6_PRI_LAST - 1 },
	{ .hook = nfipsec_in_hook, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_IN,
	  .priority = NF_IP_PRI_NAT_SRC + 1 },
	{ .hook = nfipsec_in_hook, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_IN,
	  .priority = NF_IP6_PRI_NAT_SRC + 1 },
	{ .hook = nfipsec_fwd_hook, .pf = NFPROTO_IPV4, .hooknum = NF_INET_FORWARD,
	  .priority = NF_IP_PRI_NAT_SRC + 1 },
	{ .hook = nfipsec_fwd_hook, .pf = NFPROTO_IPV6, .hooknum = NF_INET_FORWARD,
	  .priority = NF_IP6_PRI_NAT_SRC + 1 },
};

/* Ask nf_defrag_ipv6 to reassemble in @net; false if it cannot be had. */
static bool defrag6_enable(struct net *net)
{
	int (*enable)(struct net *net) = symbol_get(nf_defrag_ipv6_enable);
	static bool warned;

	if (enable && !enable(net))
		return true;	/* the module reference stays until disable */
	if (enable)
		symbol_put(nf_defrag_ipv6_enable);
	if (!xchg(&warned, true))
		pr_warn("nf_defrag_ipv6 unavailable: fragmented IPv6 ESP will not be decrypted\n");
	return false;
}

static void defrag6_disable(struct net *net)
{
	void (*disable)(struct net *net) = symbol_get(nf_defrag_ipv6_disable);

	if (disable) {
		disable(net);
		symbol_put(nf_defrag_ipv6_disable);
	}
	symbol_put(nf_defrag_ipv6_enable);
}

int nfipsec_hooks_net_init(struct net *net)
{
	int err = nf_register_net_hooks(net, ops, ARRAY_SIZE(ops));

	if (err)
		return err;
	nfipsec_net(net)->defrag6 = defrag6_enable(net);
	return 0;
}

void nfipsec_hooks_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, ops, ARRAY_SIZE(ops));
	if (nfipsec_net(net)->defrag6)
		defrag6_disable(net);
}

/* Load nf_defrag_ipv6 once, so that namespaces find its symbols. */
void nfipsec_hooks_request_modules(void)
{
	request_module("nf_defrag_ipv6");
}
