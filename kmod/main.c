// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - module init and exit.
 *
 * Order matters.  The PF_KEY family is claimed first: it is the step that
 * fails when af_key owns PF_KEY, and failing before anything else exists
 * leaves nothing behind (af_key and nfipsec both create /proc/net/pfkey,
 * so per-namespace state must not be set up beside af_key).  Sockets are
 * refused until the per-namespace state exists.  A module notifier then
 * keeps af_key from loading while nfipsec owns the family, with a clear
 * message instead of af_key's own failure half-way through its init.
 */
#include <linux/module.h>
#include <linux/notifier.h>

#include "enc.h"
#include "ipsec_if.h"
#include "netns.h"
#include "pfkey_sock.h"
#include "sockpolicy.h"
#include "pkt.h"
#include "xform.h"

static int afkey_veto(struct notifier_block *nb, unsigned long state, void *data)
{
	struct module *mod = data;

	if (state != MODULE_STATE_COMING || strcmp(mod->name, "af_key"))
		return NOTIFY_DONE;
	pr_err("refusing to load af_key: nfipsec owns PF_KEY in this kernel; run 'rmmod nfipsec' first to use af_key\n");
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block afkey_nb = {
	.notifier_call = afkey_veto,
};

static int __init nfipsec_init(void)
{
	int err;

	err = nfipsec_xform_wq_init();
	if (err)
		return err;
	err = nfipsec_pkt_init();
	if (err)
		goto err_wq;
	nfipsec_hooks_request_modules();
	err = nfipsec_pfkey_sock_init();
	if (err)
		goto err_wq;
	err = nfipsec_netns_init();
	if (err)
		goto err_sock;
	err = nfipsec_enc_init();
	if (err)
		goto err_netns;
	err = nfipsec_ipsec_if_init();
	if (err)
		goto err_enc;
	err = nfipsec_sockpol_init();
	if (err)
		goto err_ipsec_if;
	err = register_module_notifier(&afkey_nb);
	if (err)
		goto err_sockpol;
	nfipsec_pfkey_sock_set_ready(true);
	pr_info("loaded: PF_KEY v2 family registered\n");
	return 0;

err_sockpol:
	nfipsec_sockpol_exit();
err_ipsec_if:
	nfipsec_ipsec_if_exit();
err_enc:
	nfipsec_enc_exit();
err_netns:
	nfipsec_netns_exit();
err_sock:
	nfipsec_pfkey_sock_exit();
err_wq:
	rcu_barrier();
	nfipsec_xform_wq_exit();
	return err;
}

static void __exit nfipsec_exit(void)
{
	/* No socket can be open: each holds a reference on the module. */
	nfipsec_pfkey_sock_set_ready(false);
	unregister_module_notifier(&afkey_nb);
	nfipsec_pfkey_sock_exit();
	nfipsec_sockpol_exit();
	nfipsec_ipsec_if_exit();
	nfipsec_enc_exit();
	nfipsec_netns_exit();
	/* SAs are freed through call_rcu(): wait for the last of them. */
	rcu_barrier();
	/* ...whose crypto transforms are freed by a work item. */
	nfipsec_xform_drain();
	nfipsec_xform_wq_exit();
	pr_info("unloaded\n");
}

module_init(nfipsec_init);
module_exit(nfipsec_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nfipsec: IPsec with its own PF_KEY v2, SADB and SPD on netfilter hooks");
MODULE_AUTHOR("The nfipsec developers");
MODULE_ALIAS_NETPROTO(PF_KEY);
