/* SPDX-License-Identifier: GPL-2.0 */
/* proc.h - /proc/net/nfipsec/: the namespace's counters and, later, tables. */
#ifndef _NFIPSEC_PROC_H
#define _NFIPSEC_PROC_H

struct net;

int nfipsec_proc_net_init(struct net *net);
void nfipsec_proc_net_exit(struct net *net);

#endif /* _NFIPSEC_PROC_H */
