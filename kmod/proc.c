// SPDX-License-Identifier: GPL-2.0
/*
 * proc.c - the /proc/net/nfipsec/ directory of each namespace:
 *   stats   every counter of stats.h, one "name value" per line.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "netns.h"
#include "proc.h"

static int stats_show(struct seq_file *f, void *v)
{
	nfipsec_stats_show(f, &nfipsec_net(seq_file_single_net(f))->stats);
	return 0;
}

int nfipsec_proc_net_init(struct net *net)
{
	struct proc_dir_entry *dir;

	dir = proc_net_mkdir(net, "nfipsec", net->proc_net);
	if (!dir)
		return -ENOMEM;
	if (!proc_create_net_single("stats", 0444, dir, stats_show, NULL)) {
		remove_proc_subtree("nfipsec", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

void nfipsec_proc_net_exit(struct net *net)
{
	remove_proc_subtree("nfipsec", net->proc_net);
}
