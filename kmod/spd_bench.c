// SPDX-License-Identifier: GPL-2.0
/*
 * spd_bench.c - lookups per second of the SPD engine at a given number of
 * random, mixed selectors (see spd_bench.h for how to run it).
 *
 * Two selector mixes (spd_bench.h): "mixed", the policies of a large
 * gateway with every kind of prefix length, and "uniform", a stress case
 * where every length is equally likely.  Both use a protocol mix with and
 * without ports and eight priorities, so ties are the rule.  A quarter of
 * the flows are random, a quarter random in the private space, half drawn
 * inside a random selector (host bits, protocol and ports filled in).  A
 * fixed seed makes runs comparable across kernels.
 */
#include <linux/in.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/socket.h>

#include "spd_bench.h"
#include "spd_engine.h"

#define NFLOWS	4096		/* power of two */
#define BATCH	256		/* lookups per read-side section */

static u32 rnd(struct rnd_state *rs, u32 n)
{
	return prandom_u32_state(rs) % n;
}

static void rand_addr(struct rnd_state *rs, u16 family, union nfipsec_addr *a)
{
	unsigned int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < (family == AF_INET ? 1 : 4); i++)
		a->a6.s6_addr32[i] = (__force __be32)prandom_u32_state(rs);
}

/* A random address inside @pfx/@plen; then masked to @mask bits. */
static void inside(struct rnd_state *rs, u16 family, union nfipsec_addr *a,
		   const union nfipsec_addr *pfx, u8 plen, u8 mask)
{
	union nfipsec_addr r;
	unsigned int i;

	rand_addr(rs, family, a);
	r = *a;
	nfipsec_addr_mask(&r, family, plen);
	for (i = 0; i < 4; i++)
		a->a6.s6_addr32[i] ^= r.a6.s6_addr32[i] ^ pfx->a6.s6_addr32[i];
	nfipsec_addr_mask(a, family, mask);
}

/* Prefixes the mixed selectors live in: [0] private space, [1..4] corporate. */
struct space {
	union nfipsec_addr addr;
	u8 v4len, v6len;
};

static const struct space spaces[] = {
	{ .addr.raw = { 10 }, .v4len = 8, .v6len = 8 },		/* 10/8, fd00::/8 */
	{ .addr.raw = { 0 }, .v4len = 0, .v6len = 0 },		/* any */
	{ .addr.raw = { 172, 16 }, .v4len = 12, .v6len = 32 },
	{ .addr.raw = { 192, 168 }, .v4len = 16, .v6len = 48 },
	{ .addr.raw = { 10 }, .v4len = 8, .v6len = 16 },
};

static void in_space(struct rnd_state *rs, u16 family, union nfipsec_addr *a,
		     unsigned int sp, u8 mask)
{
	union nfipsec_addr base = spaces[sp].addr;

	if (family == AF_INET6 && !sp)
		base.raw[0] = 0xfd;
	inside(rs, family, a, &base, family == AF_INET ? spaces[sp].v4len : spaces[sp].v6len,
	       mask);
}

static void rand_ports(struct rnd_state *rs, struct nfipsec_sel *sel)
{
	static const u16 well_known[] = { 22, 53, 80, 443, 500, 4500 };

	switch (rnd(rs, 8)) {
	case 0: case 1: case 2:
		sel->proto = NFIPSEC_ULPROTO_ANY;
		return;
	case 3:
		sel->proto = IPPROTO_ICMP;
		if (rnd(rs, 2))
			sel->sport = htons(rnd(rs, 16));	/* type; code any */
		return;
	default:
		sel->proto = rnd(rs, 2) ? IPPROTO_TCP : IPPROTO_UDP;
		if (!rnd(rs, 4))
			sel->sport = htons(1 + rnd(rs, 65535));
		if (rnd(rs, 4))
			sel->dport = htons(rnd(rs, 2) ? well_known[rnd(rs, 6)] : 1 + rnd(rs, 65535));
	}
}

static void uniform_sel(struct rnd_state *rs, u16 family, struct nfipsec_sel *sel)
{
	unsigned int bits = family == AF_INET ? 32 : 128;

	sel->splen = rnd(rs, bits + 1);
	sel->dplen = rnd(rs, bits + 1);
	rand_addr(rs, family, &sel->src);
	rand_addr(rs, family, &sel->dst);
	nfipsec_addr_mask(&sel->src, family, sel->splen);
	nfipsec_addr_mask(&sel->dst, family, sel->dplen);
	rand_ports(rs, sel);
}

static void mixed_sel(struct rnd_state *rs, u16 family, struct nfipsec_sel *sel)
{
	bool v4 = family == AF_INET;
	unsigned int kind = rnd(rs, 100);

	if (kind < 35) {
		/* Road warrior: corporate prefix (or any) to a client address. */
		unsigned int sp = 1 + rnd(rs, 4);

		sel->splen = v4 ? spaces[sp].v4len : spaces[sp].v6len;
		sel->dplen = v4 ? 32 : 128;
		in_space(rs, family, &sel->src, sp, sel->splen);
		rand_addr(rs, family, &sel->dst);
		sel->proto = NFIPSEC_ULPROTO_ANY;
	} else if (kind < 65) {
		/* Site to site, subnets of every size from /16 to /28 (/48../64). */
		sel->splen = v4 ? 16 + rnd(rs, 13) : 48 + rnd(rs, 17);
		sel->dplen = v4 ? 16 + rnd(rs, 13) : 48 + rnd(rs, 17);
		rand_addr(rs, family, &sel->src);
		rand_addr(rs, family, &sel->dst);
		nfipsec_addr_mask(&sel->src, family, sel->splen);
		nfipsec_addr_mask(&sel->dst, family, sel->dplen);
		if (rnd(rs, 4))
			sel->proto = NFIPSEC_ULPROTO_ANY;
		else
			rand_ports(rs, sel);
	} else {
		/* Host to host, mostly with a protocol and ports. */
		sel->splen = sel->dplen = v4 ? 32 : 128;
		rand_addr(rs, family, &sel->src);
		rand_addr(rs, family, &sel->dst);
		rand_ports(rs, sel);
	}
}

static void rand_sel(struct rnd_state *rs, u16 family, enum nfipsec_spd_bench_dist dist,
		     unsigned int i, struct nfipsec_sel *sel)
{
	memset(sel, 0, sizeof(*sel));
	sel->family = family;
	if (dist == NFIPSEC_SPD_BENCH_UNIFORM || i < 64)
		uniform_sel(rs, family, sel);
	else
		mixed_sel(rs, family, sel);
}

static void rand_flow(struct rnd_state *rs, u16 family, const struct nfipsec_spd_entry *ents,
		      unsigned int n, struct nfipsec_flow *f)
{
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP };
	const struct nfipsec_sel *sel = &ents[rnd(rs, n)].sel;
	unsigned int bits = family == AF_INET ? 32 : 128;

	memset(f, 0, sizeof(*f));
	f->family = family;
	f->proto = protos[rnd(rs, ARRAY_SIZE(protos))];
	f->sport = htons(rnd(rs, 65536));
	f->dport = htons(rnd(rs, 1025));
	switch (rnd(rs, 4)) {
	case 0:
		rand_addr(rs, family, &f->src);
		rand_addr(rs, family, &f->dst);
		return;
	case 1:
		in_space(rs, family, &f->src, 0, bits);
		in_space(rs, family, &f->dst, 0, bits);
		return;
	}
	inside(rs, family, &f->src, &sel->src, sel->splen, bits);
	inside(rs, family, &f->dst, &sel->dst, sel->dplen, bits);
	if (sel->proto != NFIPSEC_ULPROTO_ANY)
		f->proto = sel->proto;
	if (sel->sport)
		f->sport = sel->sport;
	if (sel->dport)
		f->dport = sel->dport;
}

int nfipsec_spd_bench(unsigned int entries, u16 family, enum nfipsec_spd_bench_dist dist,
		      unsigned int ms, u64 seed, struct nfipsec_spd_bench_result *res)
{
	struct nfipsec_spd_engine *e;
	struct nfipsec_spd_entry *ents;
	struct nfipsec_flow *flows;
	struct rnd_state rs;
	struct mutex lock;
	unsigned int i, k = 0, tries = 0;
	u64 start, now;
	int err;

	memset(res, 0, sizeof(*res));
	if (!entries || (family != AF_INET && family != AF_INET6))
		return -EINVAL;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	ents = kvcalloc(entries, sizeof(*ents), GFP_KERNEL);
	flows = kvcalloc(NFLOWS, sizeof(*flows), GFP_KERNEL);
	err = -ENOMEM;
	if (!e || !ents || !flows)
		goto out_free;
	err = nfipsec_spd_engine_init(e);
	if (err)
		goto out_free;
	mutex_init(&lock);
	nfipsec_spd_engine_set_lock(e, &lock);
	prandom_seed_state(&rs, seed);

	mutex_lock(&lock);
	start = ktime_get_ns();
	for (i = 0; i < entries; ) {
		rand_sel(&rs, family, dist, i, &ents[i].sel);
		ents[i].priority = rnd(&rs, 8);
		err = nfipsec_spd_engine_insert(e, &ents[i]);
		if (!err) {
			i++;
		} else if (err != -EEXIST || ++tries > entries) {
			if (err == -EEXIST)
				err = -ENOSPC;	/* cannot find enough distinct selectors */
			break;
		}
		if (!(i % 1024))
			cond_resched();
	}
	res->insert_ns = ktime_get_ns() - start;
	mutex_unlock(&lock);
	res->entries = i;
	res->nodes = nfipsec_spd_engine_nodes(e);
	if (i < entries)
		goto out_remove;

	for (k = 0; k < NFLOWS; k++)
		rand_flow(&rs, family, ents, entries, &flows[k]);
	start = ktime_get_ns();
	do {
		rcu_read_lock();
		for (k = 0; k < BATCH; k++)
			if (nfipsec_spd_engine_lookup(e, &flows[(res->lookups + k) & (NFLOWS - 1)]))
				res->hits++;
		rcu_read_unlock();
		res->lookups += BATCH;
		cond_resched();
		now = ktime_get_ns();
	} while (now - start < (u64)ms * NSEC_PER_MSEC);
	res->lookup_ns = now - start;
	err = 0;

out_remove:
	mutex_lock(&lock);
	while (i)
		nfipsec_spd_engine_remove(e, &ents[--i]);
	mutex_unlock(&lock);
	nfipsec_spd_engine_destroy(e);
	mutex_destroy(&lock);
out_free:
	/* The engine frees its nodes through RCU; entries are ours alone. */
	kvfree(flows);
	kvfree(ents);
	kfree(e);
	return err;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_bench);

/* ---------------------------------------------------------------------- */
/* /sys/module/nfipsec/parameters/spd_bench                               */
/* ---------------------------------------------------------------------- */

static char bench_last[256] = "spd_bench: write \"ENTRIES [inet|inet6] [mixed|uniform] [MS]\" to run\n";

static int bench_set(const char *val, const struct kernel_param *kp)
{
	enum nfipsec_spd_bench_dist dist = NFIPSEC_SPD_BENCH_MIXED;
	struct nfipsec_spd_bench_result r;
	unsigned int entries, ms = 1000;
	char fam[8] = "inet", mix[8] = "mixed";
	u16 family;
	int err;

	if (sscanf(val, "%u %7s %7s %u", &entries, fam, mix, &ms) < 1 || !entries ||
	    entries > 1000000 || !ms || ms > 60000)
		return -EINVAL;
	if (!strcmp(fam, "inet"))
		family = AF_INET;
	else if (!strcmp(fam, "inet6"))
		family = AF_INET6;
	else
		return -EINVAL;
	if (!strcmp(mix, "uniform"))
		dist = NFIPSEC_SPD_BENCH_UNIFORM;
	else if (strcmp(mix, "mixed"))
		return -EINVAL;

	err = nfipsec_spd_bench(entries, family, dist, ms, 0x6e66697073656321ull, &r);
	if (err)
		return err;
	scnprintf(bench_last, sizeof(bench_last),
		  "spd_lookup%s%s entries=%u lookups_per_sec=%llu\n"
		  "# family=%s mix=%s nodes=%u lookups=%llu hits=%llu ms=%llu insert_per_sec=%llu\n",
		  family == AF_INET ? "" : "6", dist == NFIPSEC_SPD_BENCH_MIXED ? "" : "_uniform",
		  r.entries,
		  nfipsec_spd_bench_rate(&r), fam, mix, r.nodes, r.lookups, r.hits,
		  div_u64(r.lookup_ns, NSEC_PER_MSEC),
		  r.insert_ns ? div64_u64((u64)r.entries * NSEC_PER_SEC, r.insert_ns) : 0);
	pr_info("%s", bench_last);
	return 0;
}

static int bench_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s", bench_last);
}

static const struct kernel_param_ops bench_ops = {
	.set = bench_set,
	.get = bench_get,
};
module_param_cb(spd_bench, &bench_ops, NULL, 0600);
MODULE_PARM_DESC(spd_bench, "write \"ENTRIES [inet|inet6] [mixed|uniform] [MS]\" to benchmark SPD lookups; read for the result");
