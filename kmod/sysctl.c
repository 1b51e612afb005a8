// SPDX-License-Identifier: GPL-2.0
/*
 * sysctl.c - the IPsec sysctls of the seeds (KAME and FreeBSD ipsec(4)),
 * under their BSD names, one copy per network namespace.
 *
 * The tables below are templates whose .data point into a static
 * struct nfipsec_sysctl; each namespace gets a kmemdup()ed copy rebased
 * onto its own struct.  Every entry has a range (proc_dointvec_minmax),
 * so an out-of-range write fails with EINVAL and changes nothing.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "sysctl.h"
#include "sadb.h"

static struct nfipsec_sysctl tmpl;

static int zero;
static int one = 1;
static int two = 2;
static int u16_max = 0xffff;
static int hour = 3600;

#define ENTRY(name, field, lo, hi) {					\
	.procname	= name,						\
	.data		= &tmpl.field,					\
	.maxlen		= sizeof(int),					\
	.mode		= 0644,						\
	.proc_handler	= proc_dointvec_minmax,				\
	.extra1		= lo,						\
	.extra2		= hi,						\
}

#define AF_ENTRIES(af)							\
	ENTRY("def_policy", af.def_policy, &zero, &one),		\
	ENTRY("esp_trans_deflev", af.esp_trans_deflev, &one, &two),	\
	ENTRY("esp_net_deflev", af.esp_net_deflev, &one, &two),		\
	ENTRY("ah_trans_deflev", af.ah_trans_deflev, &one, &two),	\
	ENTRY("ah_net_deflev", af.ah_net_deflev, &one, &two),		\
	ENTRY("ecn", af.ecn, &zero, &one),				\
	ENTRY("debug", af.debug, &zero, &one),				\
	ENTRY("filtertunnel", af.filtertunnel, &zero, &one)

/* net.inet.ipsec: the per-family set plus ipsec(4)'s IPv4-only knobs. */
static struct ctl_table inet_tmpl[] = {
	AF_ENTRIES(inet),
	ENTRY("ah_cleartos", ah_cleartos, &zero, &one),
	ENTRY("ah_offsetmask", ah_offsetmask, &zero, &u16_max),
	ENTRY("dfbit", dfbit, &zero, &two),
	ENTRY("natt_cksum_policy", natt_cksum_policy, &zero, &one),
	ENTRY("check_policy_history", check_policy_history, &zero, &one),
	{ }
};

static struct ctl_table inet6_tmpl[] = {
	AF_ENTRIES(inet6),
	{ }
};

static struct ctl_table esp_tmpl[] = {
	ENTRY("esp_enable", esp_enable, &zero, &one),
	{ }
};

static struct ctl_table ah_tmpl[] = {
	ENTRY("ah_enable", ah_enable, &zero, &one),
	{ }
};

static struct ctl_table ipcomp_tmpl[] = {
	ENTRY("ipcomp_enable", ipcomp_enable, &zero, &one),
	{ }
};

static struct ctl_table key_tmpl[] = {
	ENTRY("larval_lifetime", larval_lifetime, &one, &hour),
	{ }
};

static const struct {
	const char *path;
	const struct ctl_table *table;
	size_t entries;			/* without the terminating { } */
} trees[] = {
	{ "net/inet/ipsec", inet_tmpl, ARRAY_SIZE(inet_tmpl) - 1 },
	{ "net/inet6/ipsec6", inet6_tmpl, ARRAY_SIZE(inet6_tmpl) - 1 },
	{ "net/inet/esp", esp_tmpl, ARRAY_SIZE(esp_tmpl) - 1 },
	{ "net/inet/ah", ah_tmpl, ARRAY_SIZE(ah_tmpl) - 1 },
	{ "net/inet/ipcomp", ipcomp_tmpl, ARRAY_SIZE(ipcomp_tmpl) - 1 },
	{ "net/key", key_tmpl, ARRAY_SIZE(key_tmpl) - 1 },
};

static_assert(ARRAY_SIZE(trees) ==
	      ARRAY_SIZE(((struct nfipsec_sysctl *)NULL)->hdr));

/* The defaults of FreeBSD's ipsec(4), which the seeds document. */
static void set_defaults(struct nfipsec_sysctl *s)
{
	struct nfipsec_af_sysctl af = {
		.def_policy = NFIPSEC_DEF_POLICY_NONE,
		.esp_trans_deflev = NFIPSEC_LEVEL_USE,
		.esp_net_deflev = NFIPSEC_LEVEL_USE,
		.ah_trans_deflev = NFIPSEC_LEVEL_USE,
		.ah_net_deflev = NFIPSEC_LEVEL_USE,
	};

	s->inet = af;
	s->inet6 = af;
	s->ah_cleartos = 1;
	s->ah_offsetmask = 0;
	s->dfbit = 0;
	s->natt_cksum_policy = 0;
	s->check_policy_history = 0;
	s->esp_enable = 1;
	s->ah_enable = 1;
	s->ipcomp_enable = 1;
	s->larval_lifetime = NFIPSEC_LARVAL_LIFETIME;
}

static void unregister_trees(struct nfipsec_sysctl *s)
{
	int i;

	for (i = ARRAY_SIZE(trees) - 1; i >= 0; i--) {
		const struct ctl_table *table;

		if (!s->hdr[i])
			continue;
		table = s->hdr[i]->ctl_table_arg;
		unregister_net_sysctl_table(s->hdr[i]);
		s->hdr[i] = NULL;
		kfree(table);
	}
}

int nfipsec_sysctl_net_init(struct net *net, struct nfipsec_sysctl *s)
{
	size_t i, j;

	set_defaults(s);
	for (i = 0; i < ARRAY_SIZE(trees); i++) {
		struct ctl_table *t;

		t = kmemdup(trees[i].table,
			    (trees[i].entries + 1) * sizeof(*t), GFP_KERNEL);
		if (!t)
			goto fail;
		for (j = 0; j < trees[i].entries; j++)
			t[j].data = (char *)s + ((char *)t[j].data - (char *)&tmpl);
		s->hdr[i] = nfipsec_register_net_sysctl(net, trees[i].path, t,
							trees[i].entries);
		if (!s->hdr[i]) {
			kfree(t);
			goto fail;
		}
	}
	return 0;

fail:
	unregister_trees(s);
	return -ENOMEM;
}

void nfipsec_sysctl_net_exit(struct nfipsec_sysctl *s)
{
	unregister_trees(s);
}
