/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netns.h - the per-network-namespace state of nfipsec.  Every namespace
 * has its own PF_KEY sockets, sysctls and counters (and, as they land, its
 * own SADB and SPD); nothing here is shared between namespaces.
 */
#ifndef _NFIPSEC_NETNS_H
#define _NFIPSEC_NETNS_H

#include <linux/mutex.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "sysctl.h"
#include "stats.h"
#include "sadb.h"
#include "spd.h"

struct nfipsec_net {
	struct net *net;

	/*
	 * PF_KEY sockets of this namespace.  Readers (broadcasts, which may
	 * run in atomic context) walk the list under RCU; insertion and
	 * removal take sock_lock.
	 */
	struct mutex sock_lock;
	struct hlist_head socks;
	atomic_t sock_count;

	/*
	 * Serialises every PF_KEY request of this namespace, so that a
	 * message is applied whole or not at all and its replies and
	 * broadcasts leave in the order the changes happened.
	 */
	struct mutex cfg_lock;

	/* Packet path: packets in flight (async crypto), nf_defrag_ipv6 held. */
	atomic_t pkts_inflight;
	bool defrag6;
	/* ACQUIREs asked by the packet path, sent by a work item (acquire.c). */
	struct llist_head acq_queue;
	struct work_struct acq_work;
	atomic_t acq_pending;

	/* ipsec interfaces (ipsec_if.c): changed under RTNL, read under RCU. */
	struct list_head ipsec_ifs;
	/* This namespace's enc0 (enc.c); NULL while it has none. */
	struct net_device __rcu *enc;

	struct nfipsec_sadb sadb;
	struct nfipsec_spd spd;
	struct nfipsec_sysctl sysctl;
	struct nfipsec_stats stats;
};

extern unsigned int nfipsec_net_id;

static inline struct nfipsec_net *nfipsec_net(const struct net *net)
{
	return net_generic(net, nfipsec_net_id);
}

int nfipsec_netns_init(void);
void nfipsec_netns_exit(void);

#endif /* _NFIPSEC_NETNS_H */
