// SPDX-License-Identifier: GPL-2.0
/*
 * ipsec_if.c - if_ipsec (seed if_ipsec(4)): route-based IPsec tunnel
 * interfaces, link kind "ipsec".
 *
 *   ip link add ipsec0 type ipsec           (reqid assigned, no tunnel)
 *   ipsecif ipsec0 create reqid 100 tunnel 192.0.2.1 192.0.2.2
 *   ipsecif ipsec0 reqid 200 | tunnel A B | -tunnel
 *
 * (tools/ipsecif speaks the IFLA_NFIPSEC_* attributes of uapi/nfipsec.h,
 * which iproute2 cannot.)  An interface has a reqid, 1..0x3fff, unique in
 * its namespace, given at creation or the lowest free one, changeable
 * later; and, once given, tunnel endpoints LOCAL and REMOTE (IPv4 or
 * IPv6), not shared with another interface.  With endpoints it has four
 * security policies of its own, as FreeBSD's:
 *
 *   any -> any (IPv4), any -> any (IPv6), any protocol, out:
 *           ipsec esp/tunnel/LOCAL-REMOTE/unique:REQID
 *   the same in:  ipsec esp/tunnel/REMOTE-LOCAL/unique:REQID
 *
 * listed in the SPD (SPDDUMP shows them, an ACQUIRE names them, SPDADD
 * and SPDDELETE announce them), but outside the lookup engine: they apply
 * to what is routed through the interface, not to all traffic.  SPDFLUSH
 * leaves them and SPDDELETE2 refuses them (EPERM); they change with the
 * reqid or the endpoints (new ids: new SAs may be needed, as the seed
 * says) and go with the interface.
 *
 * Out: a packet routed into the interface (IPv4 or IPv6) is protected with
 * the out policy of its family by the packet path (pkt_out.c,
 * nfipsec_out_if()): the ESP tunnel-mode SA from LOCAL to REMOTE with the
 * reqid, or an ACQUIRE and a drop when there is none.  Counted as the
 * interface's TX (bytes of the inner packet).  Without endpoints the
 * interface drops what it is given (tx_dropped).
 *
 * In: a tunnel-mode packet decrypted with an SA from REMOTE to LOCAL with
 * the reqid (pkt_in.c) comes out of the interface: received on it, its
 * RX counted, its inbound check being that SA.  The outbound hook leaves
 * alone what the stack sends into the interface (its policy is applied
 * here), so a global SPD policy does not protect the inner packet twice.
 *
 * The configuration (reqid, endpoints, policies) is one RCU-swapped
 * block: packets see the old one or the new one.  Writers hold RTNL.
 * Interfaces cannot move to another namespace: their policies live in
 * this one's SPD.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/ipsec.h>
#include <linux/netdevice.h>
#include <net/ipv6.h>
#include <net/rtnetlink.h>

#include "ipsec_if.h"
#include "netns.h"
#include "nfipsec.h"
#include "pfkey_spd.h"
#include "pkt.h"

#define IPSEC_IF_MTU	1400		/* FreeBSD's if_ipsec default */

struct ipsec_if_cfg {
	u32 reqid;
	u16 family;			/* of the endpoints; 0: no tunnel */
	union nfipsec_addr local, remote;
	/* [0 in, 1 out][0 IPv4, 1 IPv6 inner packets]; referenced */
	struct nfipsec_policy *pol[2][2];
	struct rcu_head rcu;
};

struct ipsec_if {
	struct net_device *dev;
	struct list_head node;		/* nfipsec_net's ipsec_ifs (RCU) */
	struct ipsec_if_cfg __rcu *cfg;
};

static struct rtnl_link_ops ipsec_if_link_ops;

static int fam_index(__be16 protocol)
{
	return protocol == htons(ETH_P_IP) ? 0 : protocol == htons(ETH_P_IPV6) ? 1 : -1;
}

/* ---------------------------------------------------------------------- */
/* Configuration blocks                                                   */
/* ---------------------------------------------------------------------- */

static void cfg_free_rcu(struct rcu_head *head)
{
	struct ipsec_if_cfg *cfg = container_of(head, struct ipsec_if_cfg, rcu);
	int d, f;

	for (d = 0; d < 2; d++)
		for (f = 0; f < 2; f++)
			nfipsec_policy_put(cfg->pol[d][f]);
	kfree(cfg);
}

/* Take @cfg's policies out of the SPD; free it once packets are done with it. */
static void cfg_release(struct net *net, struct ipsec_if_cfg *cfg)
{
	int d, f;

	if (!cfg)
		return;
	for (d = 0; d < 2; d++)
		for (f = 0; f < 2; f++)
			if (cfg->pol[d][f])
				nfipsec_spd_del_if_policy(net, cfg->pol[d][f]);
	call_rcu(&cfg->rcu, cfg_free_rcu);
}

/* A configuration with its policies in the SPD (when it has a tunnel). */
static struct ipsec_if_cfg *cfg_make(struct net_device *dev, u32 reqid, u16 family,
				     const union nfipsec_addr *local,
				     const union nfipsec_addr *remote, int *err)
{
	static const u16 sel_family[2] = { AF_INET, AF_INET6 };
	struct net *net = dev_net(dev);
	struct ipsec_if_cfg *cfg;
	int f;

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg) {
		*err = -ENOMEM;
		return NULL;
	}
	cfg->reqid = reqid;
	cfg->family = family;
	*err = 0;
	if (!family)
		return cfg;
	cfg->local = *local;
	cfg->remote = *remote;
	for (f = 0; f < 2 && !*err; f++) {
		cfg->pol[1][f] = nfipsec_spd_add_if_policy(net, dev->ifindex, IPSEC_DIR_OUTBOUND,
							   sel_family[f], family, local,
							   remote, reqid, err);
		if (!*err)
			cfg->pol[0][f] = nfipsec_spd_add_if_policy(net, dev->ifindex,
								   IPSEC_DIR_INBOUND,
								   sel_family[f], family,
								   remote, local, reqid, err);
	}
	if (*err) {
		cfg_release(net, cfg);
		return NULL;
	}
	return cfg;
}

/* ---------------------------------------------------------------------- */
/* The packet path's side                                                 */
/* ---------------------------------------------------------------------- */

static netdev_tx_t ipsec_if_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct ipsec_if *ii = netdev_priv(dev);
	unsigned int len = skb->len;
	struct ipsec_if_cfg *cfg;
	int f = fam_index(skb->protocol);
	bool sent = false;

	rcu_read_lock();
	cfg = rcu_dereference(ii->cfg);
	if (f >= 0 && cfg && cfg->family) {
		memset(skb->cb, 0, sizeof(skb->cb));
		sent = nfipsec_out_if(dev_net(dev), skb, cfg->pol[1][f]);
	} else {
		kfree_skb(skb);
	}
	rcu_read_unlock();
	if (sent)
		dev_sw_netstats_tx_add(dev, 1, len);
	else
		dev_core_stats_tx_dropped_inc(dev);
	return NETDEV_TX_OK;
}

bool nfipsec_ipsec_if_is(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &ipsec_if_link_ops;
}

struct net_device *nfipsec_ipsec_if_rx(struct net *net, const struct nfipsec_sa *sa,
				       u16 inner_family, unsigned int len)
{
	struct nfipsec_net *nn = nfipsec_net(net);
	struct ipsec_if *ii;

	if (list_empty(&nn->ipsec_ifs) || sa->id.proto != IPPROTO_ESP || !sa->reqid)
		return NULL;
	list_for_each_entry_rcu(ii, &nn->ipsec_ifs, node) {
		struct ipsec_if_cfg *cfg = rcu_dereference(ii->cfg);

		if (!cfg || cfg->family != sa->pair.family || cfg->reqid != sa->reqid ||
		    !nfipsec_addr_eq(cfg->family, &cfg->remote, &sa->pair.src) ||
		    !nfipsec_addr_eq(cfg->family, &cfg->local, &sa->pair.dst))
			continue;
		nfipsec_policy_used(cfg->pol[0][inner_family == AF_INET ? 0 : 1], len);
		local_bh_disable();
		dev_sw_netstats_rx_add(ii->dev, len);
		local_bh_enable();
		return ii->dev;
	}
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* The device                                                             */
/* ---------------------------------------------------------------------- */

static int ipsec_if_dev_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

/* Unregistered (ip link del, namespace exit, rmmod): its policies go. */
static void ipsec_if_dev_uninit(struct net_device *dev)
{
	struct ipsec_if *ii = netdev_priv(dev);
	struct ipsec_if_cfg *cfg = rtnl_dereference(ii->cfg);

	if (!list_empty(&ii->node))
		list_del_rcu(&ii->node);
	RCU_INIT_POINTER(ii->cfg, NULL);
	cfg_release(dev_net(dev), cfg);
}

static void ipsec_if_dev_free(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static const struct net_device_ops ipsec_if_ops = {
	.ndo_init	 = ipsec_if_dev_init,
	.ndo_uninit	 = ipsec_if_dev_uninit,
	.ndo_start_xmit	 = ipsec_if_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
};

static void ipsec_if_setup(struct net_device *dev)
{
	struct ipsec_if *ii = netdev_priv(dev);

	ii->dev = dev;
	INIT_LIST_HEAD(&ii->node);
	dev->netdev_ops = &ipsec_if_ops;
	dev->rtnl_link_ops = &ipsec_if_link_ops;
	dev->type = ARPHRD_NONE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = IPSEC_IF_MTU;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU - sizeof(struct ipv6hdr) - 64;	/* room for the ESP tunnel */
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	nfipsec_set_lltx(dev);
	nfipsec_set_netns_immutable(dev);
	dev->needs_free_netdev = true;
	dev->priv_destructor = ipsec_if_dev_free;
}

/* ---------------------------------------------------------------------- */
/* rtnetlink                                                              */
/* ---------------------------------------------------------------------- */

static const struct nla_policy ipsec_if_policy[IFLA_NFIPSEC_MAX + 1] = {
	[IFLA_NFIPSEC_REQID]	= { .type = NLA_U32 },
	[IFLA_NFIPSEC_LOCAL]	= { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[IFLA_NFIPSEC_REMOTE]	= { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
};

static int ipsec_if_validate(struct nlattr *tb[], struct nlattr *data[],
			     struct netlink_ext_ack *extack)
{
	struct nlattr *l, *r;

	if (!data)
		return 0;
	if (data[IFLA_NFIPSEC_REQID] &&
	    nla_get_u32(data[IFLA_NFIPSEC_REQID]) > NFIPSEC_IF_REQID_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_NFIPSEC_REQID],
				    "reqid must be 1..16383 (0: assign one)");
		return -ERANGE;
	}
	l = data[IFLA_NFIPSEC_LOCAL];
	r = data[IFLA_NFIPSEC_REMOTE];
	if (!l && !r)
		return 0;
	if (!l || !r || nla_len(l) != nla_len(r) ||
	    (nla_len(l) != 0 && nla_len(l) != 4 && nla_len(l) != 16)) {
		NL_SET_ERR_MSG(extack, "tunnel: local and remote addresses, both IPv4 or both IPv6");
		return -EINVAL;
	}
	return 0;
}

/* Another interface of the namespace with @reqid, or with these endpoints. */
static struct net_device *clash(struct net *net, struct net_device *self, u32 reqid, u16 family,
			 const union nfipsec_addr *local, const union nfipsec_addr *remote,
			 bool *same_reqid)
{
	struct ipsec_if *ii;

	list_for_each_entry(ii, &nfipsec_net(net)->ipsec_ifs, node) {
		struct ipsec_if_cfg *cfg = rtnl_dereference(ii->cfg);

		if (ii->dev == self || !cfg)
			continue;
		*same_reqid = cfg->reqid == reqid;
		if (*same_reqid ||
		    (family && cfg->family == family && nfipsec_addr_eq(family, &cfg->local, local) &&
		     nfipsec_addr_eq(family, &cfg->remote, remote)))
			return ii->dev;
	}
	return NULL;
}

static u32 free_reqid(struct net *net)
{
	u32 r;
	bool same;

	for (r = 1; r <= NFIPSEC_IF_REQID_MAX; r++)
		if (!clash(net, NULL, r, 0, NULL, NULL, &same))
			return r;
	return 0;
}

/* Apply what @data asks on top of the current configuration (RTNL held). */
static int configure(struct net_device *dev, struct nlattr *data[], bool create,
		     struct netlink_ext_ack *extack)
{
	struct ipsec_if *ii = netdev_priv(dev);
	struct ipsec_if_cfg *cur = rtnl_dereference(ii->cfg), *cfg;
	struct net *net = dev_net(dev);
	union nfipsec_addr local = {}, remote = {};
	u16 family = cur ? cur->family : 0;
	u32 reqid = cur ? cur->reqid : 0;
	struct net_device *other;
	bool same = false;
	int err;

	if (cur && family) {
		local = cur->local;
		remote = cur->remote;
	}
	if (data && data[IFLA_NFIPSEC_REQID] && nla_get_u32(data[IFLA_NFIPSEC_REQID]))
		reqid = nla_get_u32(data[IFLA_NFIPSEC_REQID]);
	if (data && data[IFLA_NFIPSEC_LOCAL]) {
		int len = nla_len(data[IFLA_NFIPSEC_LOCAL]);

		family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
		memset(&local, 0, sizeof(local));
		memset(&remote, 0, sizeof(remote));
		nla_memcpy(&local, data[IFLA_NFIPSEC_LOCAL], len);
		nla_memcpy(&remote, data[IFLA_NFIPSEC_REMOTE], len);
	}
	if (!reqid)
		reqid = free_reqid(net);
	if (!reqid) {
		NL_SET_ERR_MSG(extack, "no free reqid left for ipsec interfaces");
		return -ENOSPC;
	}
	if (!create && cur && cur->reqid == reqid && cur->family == family &&
	    (!family || (nfipsec_addr_eq(family, &cur->local, &local) &&
			 nfipsec_addr_eq(family, &cur->remote, &remote))))
		return 0;	/* nothing changes */
	other = clash(net, dev, reqid, family, &local, &remote, &same);
	if (other) {
		if (same)
			NL_SET_ERR_MSG_MOD(extack, "another ipsec interface has this reqid");
		else
			NL_SET_ERR_MSG_MOD(extack, "another ipsec interface has this tunnel");
		return -EEXIST;
	}
	cfg = cfg_make(dev, reqid, family, &local, &remote, &err);
	if (!cfg) {
		NL_SET_ERR_MSG(extack, "cannot create the interface's policies");
		return err;
	}
	rcu_assign_pointer(ii->cfg, cfg);
	cfg_release(net, cur);
	return 0;
}

static int ipsec_if_newlink(struct net *src_net, struct net_device *dev, struct nlattr *tb[],
			    struct nlattr *data[], struct netlink_ext_ack *extack)
{
	struct ipsec_if *ii = netdev_priv(dev);
	int err;

	err = register_netdevice(dev);
	if (err)
		return err;
	err = configure(dev, data, true, extack);
	if (err) {
		unregister_netdevice(dev);
		return err;
	}
	list_add_tail_rcu(&ii->node, &nfipsec_net(dev_net(dev))->ipsec_ifs);
	return 0;
}

static int ipsec_if_changelink(struct net_device *dev, struct nlattr *tb[],
			       struct nlattr *data[], struct netlink_ext_ack *extack)
{
	return configure(dev, data, false, extack);
}

static size_t ipsec_if_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u32)) + 2 * nla_total_size(sizeof(struct in6_addr));
}

static int ipsec_if_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	struct ipsec_if *ii = netdev_priv(dev);
	struct ipsec_if_cfg *cfg = rtnl_dereference(ii->cfg);
	int len;

	if (!cfg)
		return 0;
	if (nla_put_u32(skb, IFLA_NFIPSEC_REQID, cfg->reqid))
		return -EMSGSIZE;
	if (!cfg->family)
		return 0;
	len = cfg->family == AF_INET ? 4 : 16;
	if (nla_put(skb, IFLA_NFIPSEC_LOCAL, len, &cfg->local) ||
	    nla_put(skb, IFLA_NFIPSEC_REMOTE, len, &cfg->remote))
		return -EMSGSIZE;
	return 0;
}

static struct rtnl_link_ops ipsec_if_link_ops __read_mostly = {
	.kind		= NFIPSEC_IF_KIND,
	.maxtype	= IFLA_NFIPSEC_MAX,
	.policy		= ipsec_if_policy,
	.priv_size	= sizeof(struct ipsec_if),
	.setup		= ipsec_if_setup,
	.validate	= ipsec_if_validate,
	.newlink	= ipsec_if_newlink,
	.changelink	= ipsec_if_changelink,
	.get_size	= ipsec_if_get_size,
	.fill_info	= ipsec_if_fill_info,
};

int nfipsec_ipsec_if_init(void)
{
	return rtnl_link_register(&ipsec_if_link_ops);
}

/* Deletes every ipsec interface of every namespace first. */
void nfipsec_ipsec_if_exit(void)
{
	rtnl_link_unregister(&ipsec_if_link_ops);
}
