// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - allocation, summing and printing of the per-namespace
 * counters declared in stats.h.
 */
#include <linux/percpu.h>
#include <linux/seq_file.h>

#include "stats.h"
#include "pfkey_parse.h"

static const char *const names[NFIPSEC_STAT_NAMED] = {
#define X(id, name) [NFIPSEC_STAT_##id] = name,
	NFIPSEC_STATS(X)
#undef X
};

int nfipsec_stats_init(struct nfipsec_stats *s)
{
	s->c = __alloc_percpu(sizeof(u64) * NFIPSEC_STAT_COUNT, sizeof(u64));
	return s->c ? 0 : -ENOMEM;
}

void nfipsec_stats_exit(struct nfipsec_stats *s)
{
	free_percpu(s->c);
	s->c = NULL;
}

u64 nfipsec_stats_read(const struct nfipsec_stats *s, unsigned int idx)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(s->c, cpu)[idx];
	return sum;
}

/*
 * One "name value" line per counter.  Every named counter and every
 * reject reason is listed, zero or not, so scripts can rely on the names;
 * message types are listed by their PF_KEY names.
 */
void nfipsec_stats_show(struct seq_file *f, const struct nfipsec_stats *s)
{
	unsigned int i;

	for (i = 0; i < NFIPSEC_STAT_NAMED; i++)
		seq_printf(f, "%s %llu\n", names[i], nfipsec_stats_read(s, i));
	for (i = 1; i <= SADB_X_DIAGNOSTIC_MAX; i++) {
		const char *id = pfkey_diag_id(i);

		if (id)
			seq_printf(f, "pfkey_reject_%s %llu\n", id,
				   nfipsec_stats_read(s, NFIPSEC_STAT_REJECT + i));
	}
	for (i = 1; i <= SADB_X_NFIPSEC_OPTIONS; i++) {
		const char *name = pfkey_msg_name(i);

		if (name)
			seq_printf(f, "pfkey_msg_%s %llu\n", name,
				   nfipsec_stats_read(s, NFIPSEC_STAT_MSG + i));
	}
}
