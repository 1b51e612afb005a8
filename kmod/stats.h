/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - named per-namespace counters, per-CPU so that the packet path
 * can count without sharing cache lines.  Shown in /proc/net/nfipsec/stats.
 *
 * Three groups share one index space: the named counters below, one
 * "reject" counter per extended diagnostic (every refused PF_KEY message
 * counts under its reason), and one counter per PF_KEY message type seen.
 */
#ifndef _NFIPSEC_STATS_H
#define _NFIPSEC_STATS_H

#include <linux/percpu.h>
#include <linux/types.h>
#include <linux/pfkeyv2.h>
#include "nfipsec.h"

#define NFIPSEC_STATS(X)						\
	X(PFKEY_IN,		"pfkey_in")	/* messages from sockets */	\
	X(PFKEY_IN_SHORT,	"pfkey_in_short") /* write < base header */	\
	X(PFKEY_IN_REJECTED,	"pfkey_in_rejected") /* answered with errno */	\
	X(PFKEY_OUT,		"pfkey_out")	/* messages queued to sockets */ \
	X(PFKEY_OUT_DROP_RCVBUF, "pfkey_out_drop_rcvbuf") /* receiver full */ \
	X(PFKEY_OUT_DROP_NOMEM,	"pfkey_out_drop_nomem")

enum nfipsec_stat {
#define X(id, name) NFIPSEC_STAT_##id,
	NFIPSEC_STATS(X)
#undef X
	NFIPSEC_STAT_NAMED,
	NFIPSEC_STAT_REJECT = NFIPSEC_STAT_NAMED,
	NFIPSEC_STAT_MSG = NFIPSEC_STAT_REJECT + SADB_X_DIAGNOSTIC_MAX + 1,
	NFIPSEC_STAT_COUNT = NFIPSEC_STAT_MSG + SADB_X_NFIPSEC_OPTIONS + 1,
};

struct nfipsec_stats {
	u64 __percpu *c;		/* NFIPSEC_STAT_COUNT counters */
};

struct seq_file;

int nfipsec_stats_init(struct nfipsec_stats *s);
void nfipsec_stats_exit(struct nfipsec_stats *s);
u64 nfipsec_stats_read(const struct nfipsec_stats *s, unsigned int idx);
void nfipsec_stats_show(struct seq_file *f, const struct nfipsec_stats *s);

static inline void nfipsec_stats_inc(struct nfipsec_stats *s, unsigned int idx)
{
	this_cpu_inc(s->c[idx]);
}

static inline void nfipsec_stats_reject(struct nfipsec_stats *s, u16 diag)
{
	if (diag <= SADB_X_DIAGNOSTIC_MAX)
		nfipsec_stats_inc(s, NFIPSEC_STAT_REJECT + diag);
}

static inline void nfipsec_stats_msg(struct nfipsec_stats *s, u8 type)
{
	if (type <= SADB_X_NFIPSEC_OPTIONS)
		nfipsec_stats_inc(s, NFIPSEC_STAT_MSG + type);
}

#endif /* _NFIPSEC_STATS_H */
