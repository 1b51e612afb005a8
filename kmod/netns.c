// SPDX-License-Identifier: GPL-2.0
/*
 * netns.c - creation and teardown of the per-namespace state.
 *
 * Init is a straight line with unwind labels; exit undoes it in reverse.
 * A namespace cannot exit while one of its PF_KEY sockets is open (the
 * socket holds a reference on it), so exit finds no sockets.
 */
#include <linux/module.h>
#include <net/net_namespace.h>

#include "netns.h"
#include "pfkey_sock.h"
#include "proc.h"
#include "pfkey_sa.h"
#include "pfkey_spd.h"
#include "pkt.h"
#include "acquire.h"

unsigned int nfipsec_net_id __read_mostly;

static int __net_init nfipsec_net_init(struct net *net)
{
	struct nfipsec_net *nn = nfipsec_net(net);
	int err;

	nn->net = net;
	mutex_init(&nn->sock_lock);
	mutex_init(&nn->cfg_lock);
	INIT_HLIST_HEAD(&nn->socks);
	INIT_LIST_HEAD(&nn->ipsec_ifs);
	atomic_set(&nn->sock_count, 0);
	atomic_set(&nn->pkts_inflight, 0);
	nfipsec_acquire_net_init(nn);

	err = nfipsec_stats_init(&nn->stats);
	if (err)
		return err;
	err = nfipsec_sadb_init(&nn->sadb, &nfipsec_pfkey_sadb_ops, nn);
	if (err)
		goto err_stats;
	err = nfipsec_spd_init(&nn->spd, &nfipsec_pfkey_spd_ops, nn);
	if (err)
		goto err_sadb;
	err = nfipsec_sysctl_net_init(net, &nn->sysctl);
	if (err)
		goto err_spd;
	nn->sadb.larval_lifetime = &nn->sysctl.larval_lifetime;
	err = nfipsec_proc_net_init(net);
	if (err)
		goto err_sysctl;
	err = nfipsec_pfkey_proc_init(net);
	if (err)
		goto err_proc;
	err = nfipsec_hooks_net_init(net);
	if (err)
		goto err_pfkey_proc;
	return 0;

err_pfkey_proc:
	nfipsec_pfkey_proc_exit(net);
err_proc:
	nfipsec_proc_net_exit(net);
err_sysctl:
	nfipsec_sysctl_net_exit(&nn->sysctl);
err_spd:
	nfipsec_spd_destroy(&nn->spd);
err_sadb:
	nfipsec_sadb_destroy(&nn->sadb);
err_stats:
	nfipsec_stats_exit(&nn->stats);
	return err;
}

static void __net_exit nfipsec_net_exit(struct net *net)
{
	struct nfipsec_net *nn = nfipsec_net(net);

	WARN_ON(!hlist_empty(&nn->socks));
	nfipsec_hooks_net_exit(net);
	nfipsec_pkt_net_drain(nn);
	nfipsec_acquire_net_exit(nn);
	nfipsec_pfkey_proc_exit(net);
	nfipsec_proc_net_exit(net);
	nfipsec_sysctl_net_exit(&nn->sysctl);
	nfipsec_spd_destroy(&nn->spd);
	nfipsec_sadb_destroy(&nn->sadb);
	nfipsec_stats_exit(&nn->stats);
}

static struct pernet_operations nfipsec_net_ops = {
	.init	= nfipsec_net_init,
	.exit	= nfipsec_net_exit,
	.id	= &nfipsec_net_id,
	.size	= sizeof(struct nfipsec_net),
};

int nfipsec_netns_init(void)
{
	return register_pernet_subsys(&nfipsec_net_ops);
}

void nfipsec_netns_exit(void)
{
	unregister_pernet_subsys(&nfipsec_net_ops);
}
