// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - module init and exit.
 *
 * Order matters: per-namespace state first, so that every namespace has
 * its tables before anyone can open a socket; the PF_KEY family last,
 * because registering it is what makes nfipsec visible, and it is also
 * the step that fails when af_key already owns PF_KEY.
 */
#include <linux/module.h>

#include "netns.h"
#include "pfkey_sock.h"

static int __init nfipsec_init(void)
{
	int err;

	err = nfipsec_netns_init();
	if (err)
		return err;
	err = nfipsec_pfkey_sock_init();
	if (err)
		goto err_netns;
	pr_info("nfipsec loaded: PF_KEY v2 family registered\n");
	return 0;

err_netns:
	nfipsec_netns_exit();
	return err;
}

static void __exit nfipsec_exit(void)
{
	nfipsec_pfkey_sock_exit();
	nfipsec_netns_exit();
	/* SAs are freed through call_rcu(): wait for the last of them. */
	rcu_barrier();
	pr_info("nfipsec unloaded\n");
}

module_init(nfipsec_init);
module_exit(nfipsec_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nfipsec: IPsec with its own PF_KEY v2, SADB and SPD on netfilter hooks");
MODULE_AUTHOR("The nfipsec developers");
MODULE_ALIAS_NETPROTO(PF_KEY);
