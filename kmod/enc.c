// SPDX-License-Identifier: GPL-2.0
/*
 * enc.c - the enc0 interface of every namespace (seed ipsec(4): "packets
 * can be passed to a virtual enc(4) interface, to perform packet
 * filtering before outbound encryption and after decapsulation inbound").
 *
 * enc0 exists in every namespace from the moment nfipsec is loaded (or
 * the namespace created) until it is unloaded (or the namespace goes);
 * it cannot be deleted or moved to another namespace.  Like any new
 * interface it starts down, and while it is down nothing changes: the
 * packet path is exactly as without it.  With `ip link set enc0 up`:
 *
 *   outbound   every packet about to be protected (the cleartext, after
 *              the outbound policy chose its SAs, before the first
 *              transform) is shown to enc0's taps (tcpdump -i enc0, as
 *              sent) and run through enc0's netdev egress hook
 *              (nftables: "type filter hook egress device enc0"), where
 *              a drop drops it.  Counted as enc0's TX.
 *   inbound    every packet nfipsec decrypted and whose inbound policy
 *              check passed is received on enc0 (netif_rx): enc0's taps
 *              (as received), its tc and netdev ingress hooks see it.
 *              Counted as enc0's RX.  Then enc0's receive handler
 *                - transport mode, or tunnel mode with filtertunnel = 1
 *                  (net.inet.ipsec.filtertunnel for an inner IPv4
 *                  packet, net.inet6.ipsec6.filtertunnel for IPv6):
 *                  hands it on to the device it arrived by, so that
 *                  device's filters see it as well (ipsec(4): "filter on
 *                  the inner packets of an ipsec tunnel");
 *                - tunnel mode with filtertunnel = 0 (the default):
 *                  leaves it on enc0, where it continues up the stack:
 *                  the inet family's prerouting/input/forward rules see
 *                  it with iif enc0 and not with the outer interface.
 *
 * The device the packet arrived by and the choice travel in the word of
 * the decrypted mark (pkt_flow.c), which is in skb->cb beyond what the
 * receive path uses.
 *
 * Anything the stack itself sends on enc0 (a route through it, an IPv6
 * router solicitation) is dropped and counted as enc0's TX drops: enc0
 * is a place to look, not a way out.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/netfilter_netdev.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>

#include "enc.h"
#include "netns.h"
#include "pkt.h"

#define ENC_STAY	BIT(31)		/* mark word: stays on enc0 */

static netdev_tx_t enc_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_core_stats_tx_dropped_inc(dev);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static int enc_dev_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static void enc_dev_free(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static const struct net_device_ops enc_ops = {
	.ndo_init	 = enc_dev_init,
	.ndo_start_xmit	 = enc_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
};

static void enc_setup(struct net_device *dev)
{
	dev->netdev_ops = &enc_ops;
	dev->type = ARPHRD_NONE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = ETH_DATA_LEN;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	dev->flags = IFF_NOARP | IFF_POINTOPOINT;
	dev->priv_flags |= IFF_NO_QUEUE;
	nfipsec_set_netns_immutable(dev);
	dev->needs_free_netdev = true;
	dev->priv_destructor = enc_dev_free;
}

/* ---------------------------------------------------------------------- */
/* The packet path's two calls                                            */
/* ---------------------------------------------------------------------- */

static struct net_device *enc_dev(struct net *net)
{
	struct net_device *dev = rcu_dereference(nfipsec_net(net)->enc);

	return dev && netif_running(dev) ? dev : NULL;
}

bool nfipsec_enc_out(struct net *net, struct sk_buff *skb)
{
	struct net_device *dev = enc_dev(net);
	struct net_device *orig;
	bool keep = true;

	if (!dev)
		return true;
	orig = skb->dev;
	skb->dev = dev;
	local_bh_disable();
	if (dev_nit_active(dev))
		dev_queue_xmit_nit(skb, dev);
#ifdef CONFIG_NETFILTER_EGRESS
	if (nf_hook_egress_active()) {
		struct nf_hook_entries *e = rcu_dereference(dev->nf_hooks_egress);
		struct nf_hook_state state;

		if (e) {
			nf_hook_state_init(&state, NF_NETDEV_EGRESS, NFPROTO_NETDEV,
					   NULL, dev, NULL, net, NULL);
			keep = nf_hook_slow(skb, &state, e, 0) == 1;
		}
	}
#endif
	if (keep) {
		dev_sw_netstats_tx_add(dev, 1, skb->len);
		skb->dev = orig;
	} else {
		dev_core_stats_tx_dropped_inc(dev);	/* the hook freed it */
	}
	local_bh_enable();
	return keep;
}

void nfipsec_enc_in(struct net *net, struct sk_buff *skb, bool tunnel, u16 family)
{
	struct net_device *dev = enc_dev(net);
	u32 word = skb->dev->ifindex;

	if (dev && tunnel &&
	    !READ_ONCE(nfipsec_af(nfipsec_net(net), family)->filtertunnel))
		word |= ENC_STAY;
	nfipsec_mark_decrypted(skb, word);
	if (dev) {
		skb->dev = dev;
		local_bh_disable();	/* per-CPU counters; async completions may preempt */
		dev_sw_netstats_rx_add(dev, skb->len);
		local_bh_enable();
	}
	netif_rx(skb);
}

/* enc0's receive handler: after its taps and ingress hooks. */
static rx_handler_result_t enc_rx(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	u32 word = nfipsec_decrypted_word(skb);
	struct net_device *dev;

	if (!word || (word & ENC_STAY))
		return RX_HANDLER_PASS;
	dev = dev_get_by_index_rcu(dev_net(skb->dev), word & ~ENC_STAY);
	if (!dev) {
		kfree_skb(skb);		/* the device it came by is gone */
		return RX_HANDLER_CONSUMED;
	}
	skb->dev = dev;
	return RX_HANDLER_ANOTHER;
}

/* ---------------------------------------------------------------------- */
/* One enc0 per namespace                                                 */
/* ---------------------------------------------------------------------- */

static int __net_init enc_net_init(struct net *net)
{
	struct net_device *dev;
	int err;

	dev = alloc_netdev(0, "enc0", NET_NAME_PREDICTABLE, enc_setup);
	if (!dev)
		return -ENOMEM;
	dev_net_set(dev, net);
	rtnl_lock();
	err = register_netdevice(dev);
	if (err) {
		free_netdev(dev);
	} else {
		err = netdev_rx_handler_register(dev, enc_rx, NULL);
		if (err)
			unregister_netdevice(dev);	/* frees it */
		else
			rcu_assign_pointer(nfipsec_net(net)->enc, dev);
	}
	rtnl_unlock();
	if (err == -EEXIST) {
		/* An interface of that name was there first: do without. */
		pr_warn("enc0: the name is taken in a namespace; it has no enc0\n");
		return 0;
	}
	if (err)
		pr_err("enc0: cannot create it in a namespace (%d)\n", err);
	return err;
}

static void __net_exit enc_net_exit(struct net *net)
{
	struct nfipsec_net *nn = nfipsec_net(net);
	struct net_device *dev;

	rtnl_lock();
	dev = rtnl_dereference(nn->enc);
	if (dev) {
		RCU_INIT_POINTER(nn->enc, NULL);
		netdev_rx_handler_unregister(dev);
		unregister_netdevice(dev);	/* waits for RCU readers */
	}
	rtnl_unlock();
}

/*
 * Device operations: when a namespace goes, they run before the core
 * moves or deletes its remaining devices, and after nfipsec's own state
 * exists (that is subsystem state, set up first and torn down last).
 */
static struct pernet_operations enc_net_ops = {
	.init = enc_net_init,
	.exit = enc_net_exit,
};

int nfipsec_enc_init(void)
{
	return register_pernet_device(&enc_net_ops);
}

void nfipsec_enc_exit(void)
{
	unregister_pernet_device(&enc_net_ops);
}
