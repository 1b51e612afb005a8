/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysctl.h - the seeds' IPsec sysctls, per namespace:
 * net.inet.ipsec.*, net.inet6.ipsec6.*, net.inet.{esp,ah,ipcomp}.*_enable,
 * and FreeBSD's net.key.larval_lifetime.
 */
#ifndef _NFIPSEC_SYSCTL_H
#define _NFIPSEC_SYSCTL_H

struct ctl_table_header;
struct net;

/* def_policy values (FreeBSD ipsec(4)): what applies when no policy matches. */
#define NFIPSEC_DEF_POLICY_DISCARD	0
#define NFIPSEC_DEF_POLICY_NONE		1

/* *_deflev values: the "default" level of a policy request. */
#define NFIPSEC_LEVEL_USE		1
#define NFIPSEC_LEVEL_REQUIRE		2

/* Settings one address family has; IPv4 and IPv6 each have a set. */
struct nfipsec_af_sysctl {
	int def_policy;
	int esp_trans_deflev;
	int esp_net_deflev;
	int ah_trans_deflev;
	int ah_net_deflev;
	int ecn;
	int debug;
	int filtertunnel;
};

struct nfipsec_sysctl {
	struct nfipsec_af_sysctl inet;		/* net.inet.ipsec */
	struct nfipsec_af_sysctl inet6;		/* net.inet6.ipsec6 */
	/* IPv4-only knobs of net.inet.ipsec (ipsec(4)). */
	int ah_cleartos;
	int ah_offsetmask;
	int dfbit;
	int natt_cksum_policy;
	int check_policy_history;
	/* Protocol switches: net.inet.{esp,ah,ipcomp}.*_enable. */
	int esp_enable;
	int ah_enable;
	int ipcomp_enable;
	/* net.key (FreeBSD's key(4) tree): seconds a larval SA waits. */
	int larval_lifetime;

	struct ctl_table_header *hdr[6];
};

int nfipsec_sysctl_net_init(struct net *net, struct nfipsec_sysctl *s);
void nfipsec_sysctl_net_exit(struct nfipsec_sysctl *s);

#endif /* _NFIPSEC_SYSCTL_H */
