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
	X(PFKEY_OUT_DROP_NOMEM,	"pfkey_out_drop_nomem")	\
	/* packet path: what passed */						\
	X(ESP_OUT,		"esp_out")	/* packets ESP-protected */	\
	X(ESP_IN,		"esp_in")	/* ESP packets accepted */	\
	X(AH_OUT,		"ah_out")	/* packets AH-protected */	\
	X(AH_IN,		"ah_in")	/* AH packets accepted */	\
	X(COMP_OUT,		"ipcomp_out")	/* packets compressed */	\
	X(COMP_OUT_RAW,		"ipcomp_out_uncompressed") /* small or incompressible: sent as is */ \
	X(COMP_IN,		"ipcomp_in")	/* IPcomp packets accepted (or a tunnel's uncompressed ones) */ \
	X(ASYNC,		"crypto_async")	/* completions after -EINPROGRESS */ \
	X(ACQUIRE,		"acquire")	/* SADB_ACQUIREs sent for traffic */ \
	/* ESP in UDP (natt.c) */						\
	X(NATT_OUT,		"natt_out")	/* ESP packets sent in UDP */	\
	X(NATT_IN,		"natt_in")	/* ESP found in UDP, unwrapped */ \
	X(NATT_KEEPALIVE,	"natt_keepalive") /* 0xff keepalives, left to the socket */ \
	X(NATT_IKE,		"natt_ike")	/* non-ESP marker (IKE), left to the socket */ \
	X(NATT_BAD,		"natt_bad")	/* dropped: neither ESP, IKE nor keepalive; bad UDP length */ \
	X(NATT_MAPPING,		"natt_new_mapping") /* SADB_X_NAT_T_NEW_MAPPINGs sent */ \
	/* outbound drops, by reason */						\
	X(OUT_POLICY_DISCARD,	"out_policy_discard") /* discard policy or def_policy */ \
	X(OUT_NO_SA,		"out_no_sa")	/* required SA missing */	\
	X(OUT_UNSUPPORTED,	"out_unsupported") /* bundles of more than 4 */ \
	X(PROTO_DISABLED,	"proto_disabled") /* in or out: *_enable sysctl is 0 */ \
	X(OUT_SEQ_OVERFLOW,	"out_seq_overflow") /* sequence space used up */ \
	X(OUT_NO_ROUTE,		"out_no_route")	/* tunnel endpoint unroutable */ \
	X(OUT_ERROR,		"out_error")	/* memory, crypto, GSO errors */ \
	X(OUT_PMTU,		"out_too_big")	/* too big once protected: ICMP sent */ \
	/* inbound drops, by reason */						\
	X(IN_NO_SA,		"in_no_sa")	/* unknown SPI */		\
	X(IN_AUTH,		"in_auth_fail")	/* integrity check failed */	\
	X(IN_REPLAY,		"in_replay")	/* replayed or too old */	\
	X(IN_BAD_PAD,		"in_bad_padding") /* pad length beyond payload */ \
	X(IN_MALFORMED,		"in_malformed")	/* truncated, misaligned, bad inner header */ \
	X(IN_POLICY,		"in_policy_violation") /* cleartext under require, SA/policy mismatch */ \
	X(IN_ERROR,		"in_error")	/* memory, crypto errors */

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
