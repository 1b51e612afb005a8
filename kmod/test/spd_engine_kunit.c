// SPDX-License-Identifier: GPL-2.0
/*
 * spd_engine_kunit.c - KUnit suite for the SPD lookup engine (spd_engine.c).
 *
 * The engine is checked against a deliberately naive reference: the
 * entries in an array in insertion order, a linear scan that keeps the
 * first match of the lowest priority, prefixes compared bit by bit.  Random
 * policy sets (IPv4, IPv6 and both; prefixes drawn from a small address
 * space so that they nest and diverge at every length; protocols including
 * any; ports including 0; priorities with many ties) meet random flows,
 * most of them drawn inside a policy so that they hit.  Then churn,
 * duplicates and find(), selectors the engine must refuse, the semantics
 * case by case, readers racing writers, and lookups per second.
 *
 * Seeds are random and printed: set spd_seed=<seed> on the module to
 * replay a failure.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "spd_bench.h"
#include "spd_engine.h"

static unsigned long long spd_seed;
module_param(spd_seed, ullong, 0444);
MODULE_PARM_DESC(spd_seed, "seed of the SPD engine tests (0: random)");

/* A policy as the SPD layer embeds the entry. */
struct pol {
	struct nfipsec_spd_entry ent;	/* first: a pol * is an entry * */
	struct rcu_head rcu;
};
static_assert(offsetof(struct pol, ent) == 0);

/* ---------------------------------------------------------------------- */
/* The naive reference                                                    */
/* ---------------------------------------------------------------------- */

static bool ref_bit(const union nfipsec_addr *a, unsigned int i)
{
	return a->raw[i / 8] & (0x80 >> (i % 8));
}

static bool ref_in_prefix(const union nfipsec_addr *a, const union nfipsec_addr *pfx,
			  unsigned int plen)
{
	unsigned int i;

	for (i = 0; i < plen; i++)
		if (ref_bit(a, i) != ref_bit(pfx, i))
			return false;
	return true;
}

static bool ref_match(const struct nfipsec_sel *s, const struct nfipsec_flow *f)
{
	return s->family == f->family &&
	       (s->proto == NFIPSEC_ULPROTO_ANY || s->proto == f->proto) &&
	       (!s->sport || s->sport == f->sport) && (!s->dport || s->dport == f->dport) &&
	       ref_in_prefix(&f->src, &s->src, s->splen) &&
	       ref_in_prefix(&f->dst, &s->dst, s->dplen);
}

struct ref {
	struct pol **v;		/* insertion order */
	unsigned int n, max;
};

/* First match in (priority, insertion) order. */
static struct pol *ref_lookup(const struct ref *r, const struct nfipsec_flow *f)
{
	struct pol *best = NULL;
	unsigned int i;

	for (i = 0; i < r->n; i++) {
		struct pol *p = r->v[i];

		if ((!best || p->ent.priority < best->ent.priority) && ref_match(&p->ent.sel, f))
			best = p;
	}
	return best;
}

static int ref_index(const struct ref *r, const struct nfipsec_sel *sel)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		if (!memcmp(&r->v[i]->ent.sel, sel, sizeof(*sel)))
			return i;
	return -1;
}

/* ---------------------------------------------------------------------- */
/* Random selectors and flows                                             */
/* ---------------------------------------------------------------------- */

struct gen {
	struct rnd_state rs;
	u16 family;		/* 0: both */
};

static u32 rnd(struct gen *g, u32 n)
{
	return prandom_u32_state(&g->rs) % n;
}

static u16 gen_family(struct gen *g)
{
	return g->family ?: rnd(g, 2) ? AF_INET : AF_INET6;
}

/*
 * Addresses from a small space, so that prefixes nest and share paths:
 * 10.{0-3}.{0-3}.x and fd0{0-3}:0:{0,8000}::{0-3}:x, with now and then one
 * bit flipped anywhere, for divergences at every depth.
 */
static void gen_addr(struct gen *g, u16 family, union nfipsec_addr *a)
{
	unsigned int bits = family == AF_INET ? 32 : 128;

	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		a->a4 = htonl(0x0a000000 | rnd(g, 4) << 16 | rnd(g, 4) << 8 | rnd(g, 256));
	} else {
		a->a6.s6_addr32[0] = htonl(0xfd000000 | rnd(g, 4) << 16);
		a->a6.s6_addr32[1] = htonl(rnd(g, 2) << 31);
		a->a6.s6_addr32[3] = htonl(rnd(g, 4) << 16 | rnd(g, 256));
	}
	if (!rnd(g, 4)) {
		unsigned int b = rnd(g, bits);

		a->raw[b / 8] ^= 0x80 >> (b % 8);
	}
}

static u8 gen_plen(struct gen *g, unsigned int bits)
{
	switch (rnd(g, 8)) {
	case 0:
		return 0;
	case 1:
		return bits;
	default:
		return rnd(g, bits + 1);
	}
}

static __be16 gen_port(struct gen *g)
{
	static const u16 ports[] = { 1, 2, 3, 80, 443, 500, 4500 };

	return htons(ports[rnd(g, ARRAY_SIZE(ports))]);
}

static void gen_sel(struct gen *g, struct nfipsec_sel *sel)
{
	static const u8 protos[] = { NFIPSEC_ULPROTO_ANY, NFIPSEC_ULPROTO_ANY, IPPROTO_TCP,
				     IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_GRE, 0 };
	u16 family = gen_family(g);
	unsigned int bits = family == AF_INET ? 32 : 128;

	memset(sel, 0, sizeof(*sel));
	sel->family = family;
	gen_addr(g, family, &sel->src);
	gen_addr(g, family, &sel->dst);
	sel->splen = gen_plen(g, bits);
	sel->dplen = gen_plen(g, bits);
	nfipsec_addr_mask(&sel->src, family, sel->splen);
	nfipsec_addr_mask(&sel->dst, family, sel->dplen);
	sel->proto = protos[rnd(g, ARRAY_SIZE(protos))];
	sel->sport = rnd(g, 3) ? 0 : gen_port(g);
	sel->dport = rnd(g, 2) ? 0 : gen_port(g);
}

/* Many ties, and now and then the extremes of the range. */
static u32 gen_prio(struct gen *g)
{
	static const u32 odd[] = { 0, 0x7fffffff, 0x80000000, U32_MAX };

	return rnd(g, 16) ? rnd(g, 4) : odd[rnd(g, ARRAY_SIZE(odd))];
}

/* @a inside @pfx/@plen, the rest of its bits random. */
static void gen_inside(struct gen *g, u16 family, union nfipsec_addr *a,
		       const union nfipsec_addr *pfx, unsigned int plen)
{
	unsigned int i;

	gen_addr(g, family, a);
	for (i = 0; i < plen; i++)
		if (ref_bit(a, i) != ref_bit(pfx, i))
			a->raw[i / 8] ^= 0x80 >> (i % 8);
}

static void gen_flow(struct gen *g, const struct ref *r, struct nfipsec_flow *f)
{
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6,
				     IPPROTO_GRE, 0, NFIPSEC_ULPROTO_ANY };
	const struct nfipsec_sel *sel;

	memset(f, 0, sizeof(*f));
	f->proto = protos[rnd(g, ARRAY_SIZE(protos))];
	f->sport = rnd(g, 4) ? gen_port(g) : 0;
	f->dport = rnd(g, 4) ? gen_port(g) : 0;
	if (!r->n || !rnd(g, 4)) {
		f->family = gen_family(g);
		gen_addr(g, f->family, &f->src);
		gen_addr(g, f->family, &f->dst);
	} else {
		sel = &r->v[rnd(g, r->n)]->ent.sel;
		f->family = sel->family;
		gen_inside(g, f->family, &f->src, &sel->src, sel->splen);
		gen_inside(g, f->family, &f->dst, &sel->dst, sel->dplen);
		if (sel->proto != NFIPSEC_ULPROTO_ANY && rnd(g, 8))
			f->proto = sel->proto;
		if (sel->sport && rnd(g, 8))
			f->sport = sel->sport;
		if (sel->dport && rnd(g, 8))
			f->dport = sel->dport;
	}
	/* An IPv4 flow's address words past a4 are not the engine's business. */
	if (f->family == AF_INET) {
		f->src.a6.s6_addr32[2] = htonl(0xdeadbeef);
		f->dst.a6.s6_addr32[3] = htonl(0xfeedface);
	}
}

/* ---------------------------------------------------------------------- */
/* A test context: an engine, its lock, the reference                    */
/* ---------------------------------------------------------------------- */

struct ctx {
	struct nfipsec_spd_engine e;
	struct mutex lock;
	struct gen g;
	struct ref ref;
	u64 last_seq;
	unsigned int checks, fails;
};

static struct ctx *ctx_new(struct kunit *test, u16 family, unsigned int max)
{
	struct ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	u64 seed = spd_seed ?: get_random_u64();

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->ref.v = kunit_kcalloc(test, max, sizeof(*c->ref.v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->ref.v);
	c->ref.max = max;
	mutex_init(&c->lock);
	KUNIT_ASSERT_EQ(test, nfipsec_spd_engine_init(&c->e), 0);
	nfipsec_spd_engine_set_lock(&c->e, &c->lock);
	c->g.family = family;
	prandom_seed_state(&c->g.rs, seed);
	kunit_info(test, "seed %llu", seed);
	return c;
}

static struct pol *pol_new(struct kunit *test, const struct nfipsec_sel *sel, u32 prio)
{
	struct pol *p = kzalloc(sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->ent.sel = *sel;
	p->ent.priority = prio;
	return p;
}

static void pol_free(struct pol *p)
{
	kfree_rcu(p, rcu);
}

static void str_sel(char *buf, size_t len, const struct nfipsec_sel *s)
{
	if (s->family == AF_INET)
		snprintf(buf, len, "%pI4/%u > %pI4/%u proto %u ports %u > %u", &s->src.a4,
			 s->splen, &s->dst.a4, s->dplen, s->proto, ntohs(s->sport),
			 ntohs(s->dport));
	else
		snprintf(buf, len, "%pI6c/%u > %pI6c/%u proto %u ports %u > %u", &s->src.a6,
			 s->splen, &s->dst.a6, s->dplen, s->proto, ntohs(s->sport),
			 ntohs(s->dport));
}

static void str_flow(char *buf, size_t len, const struct nfipsec_flow *f)
{
	if (f->family == AF_INET)
		snprintf(buf, len, "%pI4 > %pI4 proto %u ports %u > %u", &f->src.a4, &f->dst.a4,
			 f->proto, ntohs(f->sport), ntohs(f->dport));
	else
		snprintf(buf, len, "%pI6c > %pI6c proto %u ports %u > %u", &f->src.a6,
			 &f->dst.a6, f->proto, ntohs(f->sport), ntohs(f->dport));
}

static void describe(struct kunit *test, const char *what, const struct nfipsec_spd_entry *ent)
{
	char buf[160] = "none";

	if (ent)
		str_sel(buf, sizeof(buf), &ent->sel);
	kunit_info(test, "  %s: %s prio %u seq %llu", what, buf, ent ? ent->priority : 0,
		   ent ? ent->seq : 0);
}

/* One flow: the engine must answer what the reference answers. */
static void check_flow(struct kunit *test, struct ctx *c, const struct nfipsec_flow *f)
{
	struct pol *want = ref_lookup(&c->ref, f);
	struct nfipsec_spd_entry *got;
	char buf[160];

	rcu_read_lock();
	got = nfipsec_spd_engine_lookup(&c->e, f);
	rcu_read_unlock();
	c->checks++;
	if (got == (want ? &want->ent : NULL))
		return;
	if (c->fails++ < 5) {
		str_flow(buf, sizeof(buf), f);
		KUNIT_FAIL(test, "lookup of %s differs from the reference", buf);
		describe(test, "engine", got);
		describe(test, "reference", want ? &want->ent : NULL);
	}
}

static void check_flows(struct kunit *test, struct ctx *c, unsigned int n)
{
	struct nfipsec_flow f;

	while (n--) {
		gen_flow(&c->g, &c->ref, &f);
		check_flow(test, c, &f);
	}
}

static void check_structure(struct kunit *test, struct ctx *c)
{
	int err;

	mutex_lock(&c->lock);
	err = nfipsec_spd_engine_check(&c->e, (struct nfipsec_spd_entry *const *)c->ref.v,
				       c->ref.n);
	mutex_unlock(&c->lock);
	KUNIT_EXPECT_EQ_MSG(test, err, 0, "engine invariants broken (see the log)");
}

/* Insert as the SPD layer would; the reference says what must happen. */
static int ctx_insert(struct kunit *test, struct ctx *c, struct pol *p)
{
	bool dup = ref_index(&c->ref, &p->ent.sel) >= 0;
	int err;

	mutex_lock(&c->lock);
	err = nfipsec_spd_engine_insert(&c->e, &p->ent);
	mutex_unlock(&c->lock);
	KUNIT_EXPECT_EQ(test, err, dup ? -EEXIST : 0);
	if (err) {
		kfree(p);	/* never visible */
		return err;
	}
	KUNIT_EXPECT_GT(test, p->ent.seq, c->last_seq);
	c->last_seq = p->ent.seq;
	KUNIT_ASSERT_LT(test, c->ref.n, c->ref.max);
	c->ref.v[c->ref.n++] = p;
	return 0;
}

static void ctx_remove(struct kunit *test, struct ctx *c, unsigned int i)
{
	struct pol *p = c->ref.v[i];

	mutex_lock(&c->lock);
	nfipsec_spd_engine_remove(&c->e, &p->ent);
	mutex_unlock(&c->lock);
	memmove(&c->ref.v[i], &c->ref.v[i + 1], (c->ref.n - i - 1) * sizeof(c->ref.v[0]));
	c->ref.n--;
	pol_free(p);
}

/* Fill with @n random selectors (duplicates redrawn). */
static void ctx_fill(struct kunit *test, struct ctx *c, unsigned int n)
{
	struct nfipsec_sel sel;

	while (c->ref.n < n) {
		gen_sel(&c->g, &sel);
		if (ref_index(&c->ref, &sel) < 0)
			ctx_insert(test, c, pol_new(test, &sel, gen_prio(&c->g)));
	}
}

/* Remove everything in random order: nothing may be left behind. */
static void ctx_clear(struct kunit *test, struct ctx *c)
{
	while (c->ref.n)
		ctx_remove(test, c, rnd(&c->g, c->ref.n));
	KUNIT_EXPECT_EQ(test, nfipsec_spd_engine_count(&c->e), 0u);
	KUNIT_EXPECT_EQ(test, nfipsec_spd_engine_nodes(&c->e), 0u);
	check_structure(test, c);
}

static void ctx_done(struct kunit *test, struct ctx *c)
{
	ctx_clear(test, c);
	nfipsec_spd_engine_destroy(&c->e);
	mutex_destroy(&c->lock);
	if (c->checks)
		kunit_info(test, "%u lookups checked against the reference", c->checks);
}

/* ---------------------------------------------------------------------- */
/* Cases                                                                  */
/* ---------------------------------------------------------------------- */

/* Random sets of growing size, each probed by random flows. */
static void random_sets(struct kunit *test)
{
	static const unsigned int sizes[] = { 1, 2, 5, 30, 200, 1200 };
	static const u16 families[] = { AF_INET, AF_INET6, 0 };
	unsigned int f, s;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		struct ctx *c = ctx_new(test, families[f], 1200);

		for (s = 0; s < ARRAY_SIZE(sizes); s++) {
			ctx_fill(test, c, sizes[s]);
			check_structure(test, c);
			check_flows(test, c, 600);
			/* Every selector's own prefix base matches itself. */
			if (s == 2) {
				unsigned int i;

				for (i = 0; i < c->ref.n; i++) {
					const struct nfipsec_sel *sel = &c->ref.v[i]->ent.sel;
					struct nfipsec_flow fl = {
						.src = sel->src, .dst = sel->dst,
						.family = sel->family,
						.proto = sel->proto,
						.sport = sel->sport, .dport = sel->dport,
					};

					check_flow(test, c, &fl);
				}
			}
		}
		ctx_done(test, c);
		KUNIT_EXPECT_EQ(test, c->fails, 0u);
	}
}

/* Inserts, removals, replacements and duplicates, lookups in between. */
static void churn(struct kunit *test)
{
	struct ctx *c = ctx_new(test, 0, 400);
	struct nfipsec_sel sel;
	unsigned int step;

	for (step = 0; step < 5000; step++) {
		unsigned int op = rnd(&c->g, 20);

		if (op < 8 && c->ref.n < 400) {
			gen_sel(&c->g, &sel);
			ctx_insert(test, c, pol_new(test, &sel, gen_prio(&c->g)));
		} else if (op < 9 && c->ref.n) {
			/* A duplicate selector, whatever its priority. */
			sel = c->ref.v[rnd(&c->g, c->ref.n)]->ent.sel;
			ctx_insert(test, c, pol_new(test, &sel, gen_prio(&c->g)));
		} else if (op < 15 && c->ref.n) {
			ctx_remove(test, c, rnd(&c->g, c->ref.n));
		} else if (op < 16 && c->ref.n) {
			/* SPDUPDATE in place: same position, maybe a new priority. */
			unsigned int i = rnd(&c->g, c->ref.n);
			struct pol *old = c->ref.v[i];
			struct pol *new = pol_new(test, &old->ent.sel, gen_prio(&c->g));
			int err;

			mutex_lock(&c->lock);
			err = nfipsec_spd_engine_replace(&c->e, &old->ent, &new->ent);
			mutex_unlock(&c->lock);
			KUNIT_EXPECT_EQ(test, err, 0);
			KUNIT_EXPECT_EQ(test, new->ent.seq, old->ent.seq);
			c->ref.v[i] = new;
			pol_free(old);
		} else {
			check_flows(test, c, 4);
		}
		KUNIT_EXPECT_EQ(test, nfipsec_spd_engine_count(&c->e), c->ref.n);
		if (step % 500 == 499)
			check_structure(test, c);
	}
	ctx_done(test, c);
	KUNIT_EXPECT_EQ(test, c->fails, 0u);
}

static void v4_sel(struct nfipsec_sel *s, u32 src, u8 splen, u32 dst, u8 dplen, u8 proto,
		   u16 sport, u16 dport)
{
	memset(s, 0, sizeof(*s));
	s->family = AF_INET;
	s->src.a4 = htonl(src);
	s->dst.a4 = htonl(dst);
	s->splen = splen;
	s->dplen = dplen;
	nfipsec_addr_mask(&s->src, AF_INET, splen);
	nfipsec_addr_mask(&s->dst, AF_INET, dplen);
	s->proto = proto;
	s->sport = htons(sport);
	s->dport = htons(dport);
}

static void v4_flow(struct nfipsec_flow *f, u32 src, u32 dst, u8 proto, u16 sport, u16 dport)
{
	memset(f, 0, sizeof(*f));
	f->family = AF_INET;
	f->src.a4 = htonl(src);
	f->dst.a4 = htonl(dst);
	f->proto = proto;
	f->sport = htons(sport);
	f->dport = htons(dport);
}

static struct nfipsec_spd_entry *lookup(struct ctx *c, const struct nfipsec_flow *f)
{
	struct nfipsec_spd_entry *ent;

	rcu_read_lock();
	ent = nfipsec_spd_engine_lookup(&c->e, f);
	rcu_read_unlock();
	return ent;
}

static struct pol *add(struct kunit *test, struct ctx *c, const struct nfipsec_sel *s, u32 prio)
{
	struct pol *p = pol_new(test, s, prio);

	KUNIT_ASSERT_EQ(test, ctx_insert(test, c, p), 0);
	return p;
}

#define IP(a, b, c, d) ((u32)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/* -EEXIST for an equal selector at any priority; find() by exact selector. */
static void duplicates_and_find(struct kunit *test)
{
	struct ctx *c = ctx_new(test, 0, 16);
	struct nfipsec_sel s, t;
	struct pol *a, *b;

	v4_sel(&s, IP(10, 0, 0, 0), 8, IP(10, 1, 0, 0), 16, IPPROTO_TCP, 0, 80);
	a = add(test, c, &s, 5);
	b = pol_new(test, &s, 1);
	mutex_lock(&c->lock);
	KUNIT_EXPECT_EQ(test, nfipsec_spd_engine_insert(&c->e, &b->ent), -EEXIST);
	KUNIT_EXPECT_PTR_EQ(test, nfipsec_spd_engine_find(&c->e, &s), &a->ent);
	mutex_unlock(&c->lock);
	kfree(b);
	KUNIT_EXPECT_EQ(test, nfipsec_spd_engine_count(&c->e), 1u);

	/* Every field takes part in the identity. */
	t = s; t.splen = 9;
	KUNIT_EXPECT_NULL(test, nfipsec_spd_engine_find(&c->e, &t));
	t = s; t.dplen = 15; nfipsec_addr_mask(&t.dst, AF_INET, 15);
	KUNIT_EXPECT_NULL(test, nfipsec_spd_engine_find(&c->e, &t));
	t = s; t.proto = NFIPSEC_ULPROTO_ANY;
	KUNIT_EXPECT_NULL(test, nfipsec_spd_engine_find(&c->e, &t));
	t = s; t.dport = 0;
	KUNIT_EXPECT_NULL(test, nfipsec_spd_engine_find(&c->e, &t));
	t = s; t.sport = htons(80);
	KUNIT_EXPECT_NULL(test, nfipsec_spd_engine_find(&c->e, &t));
	t = s; t.dst.a4 = htonl(IP(10, 2, 0, 0));
	KUNIT_EXPECT_NULL(test, nfipsec_spd_engine_find(&c->e, &t));
	t = s; t.family = AF_INET6;
	KUNIT_EXPECT_NULL(test, nfipsec_spd_engine_find(&c->e, &t));
	/* Not canonical: never found, no matter what is inserted. */
	t = s; t.src.a4 = htonl(IP(10, 0, 0, 1));
	KUNIT_EXPECT_NULL(test, nfipsec_spd_engine_find(&c->e, &t));

	/* The same prefixes with other ports coexist, each found. */
	t = s; t.dport = htons(443);
	b = add(test, c, &t, 5);
	KUNIT_EXPECT_PTR_EQ(test, nfipsec_spd_engine_find(&c->e, &t), &b->ent);
	KUNIT_EXPECT_PTR_EQ(test, nfipsec_spd_engine_find(&c->e, &s), &a->ent);

	/* Once removed, the selector is free again. */
	ctx_remove(test, c, 0);
	KUNIT_EXPECT_NULL(test, nfipsec_spd_engine_find(&c->e, &s));
	a = add(test, c, &s, 7);
	KUNIT_EXPECT_PTR_EQ(test, nfipsec_spd_engine_find(&c->e, &s), &a->ent);
	check_structure(test, c);
	ctx_done(test, c);
}

/* Selectors that are not canonical are refused and leave nothing behind. */
static void invalid_selectors(struct kunit *test)
{
	struct ctx *c = ctx_new(test, 0, 4);
	struct nfipsec_sel good, s;
	struct pol *p;
	int i;

	v4_sel(&good, IP(192, 168, 0, 0), 16, IP(0, 0, 0, 0), 0, NFIPSEC_ULPROTO_ANY, 0, 0);
	p = pol_new(test, &good, 0);
	for (i = 0; i < 7; i++) {
		s = good;
		switch (i) {
		case 0: s.src.a4 = htonl(IP(192, 168, 0, 1)); break;	/* host bits */
		case 1: s.dst.a6.s6_addr32[2] = 1; break;		/* past an IPv4 address */
		case 2: s.splen = 33; break;
		case 3: s.family = 0; break;
		case 4: s.family = AF_INET6; s.dplen = 129; break;
		case 5: s.pad[1] = 1; break;
		case 6: s.family = 12345; break;
		}
		p->ent.sel = s;
		mutex_lock(&c->lock);
		KUNIT_EXPECT_EQ_MSG(test, nfipsec_spd_engine_insert(&c->e, &p->ent), -EINVAL,
				    "case %d", i);
		mutex_unlock(&c->lock);
		KUNIT_EXPECT_EQ(test, nfipsec_spd_engine_nodes(&c->e), 0u);
	}
	kfree(p);
	/* /0 to /0 in IPv6, and the same flow of another family. */
	memset(&s, 0, sizeof(s));
	s.family = AF_INET6;
	s.proto = NFIPSEC_ULPROTO_ANY;
	add(test, c, &s, 0);
	ctx_done(test, c);
}

/* The matching rules of setkey(8) and XFRM, case by case. */
static void semantics(struct kunit *test)
{
	struct ctx *c = ctx_new(test, 0, 32);
	struct pol *any, *host, *tcp80, *tie1, *tie2, *icmp, *gre, *p;
	struct nfipsec_sel s;
	struct nfipsec_flow f;

	/* Priority decides, not specificity: a /0 at 5 beats a /32 at 10. */
	v4_sel(&s, 0, 0, 0, 0, NFIPSEC_ULPROTO_ANY, 0, 0);
	any = add(test, c, &s, 5);
	v4_sel(&s, IP(10, 0, 0, 1), 32, IP(10, 0, 0, 2), 32, NFIPSEC_ULPROTO_ANY, 0, 0);
	host = add(test, c, &s, 10);
	v4_flow(&f, IP(10, 0, 0, 1), IP(10, 0, 0, 2), IPPROTO_UDP, 1, 2);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &any->ent);
	/* IPv4 /0 does not match IPv6. */
	f.family = AF_INET6;
	KUNIT_EXPECT_NULL(test, lookup(c, &f));
	f.family = 7;
	KUNIT_EXPECT_NULL(test, lookup(c, &f));

	/* Ports: a port selector needs the flow's port; 0 in a flow matches none. */
	v4_sel(&s, IP(10, 0, 0, 0), 24, IP(10, 0, 1, 0), 24, IPPROTO_TCP, 0, 80);
	tcp80 = add(test, c, &s, 1);
	v4_flow(&f, IP(10, 0, 0, 9), IP(10, 0, 1, 9), IPPROTO_TCP, 1234, 80);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &tcp80->ent);
	f.dport = htons(81);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &any->ent);
	f.dport = 0;
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &any->ent);
	f.dport = htons(80);
	f.proto = IPPROTO_UDP;
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &any->ent);
	/* A flow of protocol 255 only meets selectors of any protocol. */
	f.proto = NFIPSEC_ULPROTO_ANY;
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &any->ent);

	/* Equal priorities: the first inserted wins; reinserting moves to the end. */
	v4_sel(&s, IP(172, 16, 0, 0), 12, IP(0, 0, 0, 0), 0, NFIPSEC_ULPROTO_ANY, 0, 0);
	tie1 = add(test, c, &s, 2);
	v4_sel(&s, IP(0, 0, 0, 0), 0, IP(8, 8, 8, 8), 32, NFIPSEC_ULPROTO_ANY, 0, 0);
	tie2 = add(test, c, &s, 2);
	v4_flow(&f, IP(172, 20, 1, 1), IP(8, 8, 8, 8), IPPROTO_TCP, 1, 53);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &tie1->ent);
	ctx_remove(test, c, ref_index(&c->ref, &tie1->ent.sel));
	v4_sel(&s, IP(172, 16, 0, 0), 12, IP(0, 0, 0, 0), 0, NFIPSEC_ULPROTO_ANY, 0, 0);
	tie1 = add(test, c, &s, 2);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &tie2->ent);

	/* replace() keeps the place among equals, and may change the priority. */
	p = pol_new(test, &tie2->ent.sel, 2);
	mutex_lock(&c->lock);
	KUNIT_EXPECT_EQ(test, nfipsec_spd_engine_replace(&c->e, &tie2->ent, &p->ent), 0);
	mutex_unlock(&c->lock);
	c->ref.v[ref_index(&c->ref, &tie2->ent.sel)] = p;
	pol_free(tie2);
	tie2 = p;
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &tie2->ent);
	p = pol_new(test, &tie2->ent.sel, 3);
	mutex_lock(&c->lock);
	KUNIT_EXPECT_EQ(test, nfipsec_spd_engine_replace(&c->e, &tie2->ent, &p->ent), 0);
	/* Only an equal selector can replace. */
	KUNIT_EXPECT_EQ(test, nfipsec_spd_engine_replace(&c->e, &p->ent, &tie1->ent), -EINVAL);
	mutex_unlock(&c->lock);
	c->ref.v[ref_index(&c->ref, &tie2->ent.sel)] = p;
	pol_free(tie2);
	tie2 = p;
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &tie1->ent);

	/* ICMP type and code live in the port fields. */
	v4_sel(&s, IP(10, 9, 0, 0), 16, IP(10, 9, 0, 0), 16, IPPROTO_ICMP, 8, 0);
	icmp = add(test, c, &s, 0);
	v4_flow(&f, IP(10, 9, 1, 1), IP(10, 9, 2, 2), IPPROTO_ICMP, 8, 0);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &icmp->ent);
	f.sport = 0;	/* echo reply */
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &any->ent);
	/* GRE key: high half in sport, low half in dport. */
	v4_sel(&s, IP(10, 9, 0, 0), 16, IP(10, 9, 0, 0), 16, IPPROTO_GRE, 0x1234, 0x5678);
	gre = add(test, c, &s, 0);
	v4_flow(&f, IP(10, 9, 1, 1), IP(10, 9, 2, 2), IPPROTO_GRE, 0x1234, 0x5678);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &gre->ent);
	f.dport = htons(0x5679);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &any->ent);

	/* The host policy, once the /0 is gone; garbage past a4 is ignored. */
	ctx_remove(test, c, ref_index(&c->ref, &any->ent.sel));
	v4_flow(&f, IP(10, 0, 0, 1), IP(10, 0, 0, 2), IPPROTO_UDP, 1, 2);
	memset(&f.src.raw[4], 0xab, 12);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &host->ent);
	f.dst.a4 = htonl(IP(10, 0, 0, 3));
	KUNIT_EXPECT_NULL(test, lookup(c, &f));

	/* Extreme priorities order correctly. */
	v4_sel(&s, IP(10, 0, 0, 0), 8, IP(10, 0, 0, 0), 8, NFIPSEC_ULPROTO_ANY, 0, 0);
	p = add(test, c, &s, U32_MAX);
	v4_flow(&f, IP(10, 0, 0, 7), IP(10, 0, 0, 8), IPPROTO_UDP, 1, 2);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &p->ent);
	v4_sel(&s, IP(10, 0, 0, 0), 16, IP(10, 0, 0, 0), 16, NFIPSEC_ULPROTO_ANY, 0, 0);
	p = add(test, c, &s, U32_MAX - 1);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, &f), &p->ent);
	KUNIT_EXPECT_TRUE(test, nfipsec_sel_match(&p->ent.sel, &f));
	check_structure(test, c);
	ctx_done(test, c);
}

/* The engine's own nfipsec_sel_match() and nfipsec_addr_mask(). */
static void helpers(struct kunit *test)
{
	struct ctx *c = ctx_new(test, 0, 64);
	struct nfipsec_flow f;
	union nfipsec_addr a;
	unsigned int i;

	memset(&a, 0xff, sizeof(a));
	nfipsec_addr_mask(&a, AF_INET, 20);
	KUNIT_EXPECT_EQ(test, ntohl(a.a4), 0xfffff000u);
	KUNIT_EXPECT_FALSE(test, memchr_inv(&a.raw[4], 0, 12));
	memset(&a, 0xff, sizeof(a));
	nfipsec_addr_mask(&a, AF_INET6, 65);
	KUNIT_EXPECT_EQ(test, ntohl(a.a6.s6_addr32[2]), 0x80000000u);
	KUNIT_EXPECT_EQ(test, a.a6.s6_addr32[3], 0u);
	memset(&a, 0xff, sizeof(a));
	nfipsec_addr_mask(&a, AF_INET6, 200);	/* clamped */
	KUNIT_EXPECT_FALSE(test, memchr_inv(&a, 0xff, sizeof(a)));

	ctx_fill(test, c, 64);
	for (i = 0; i < 2000; i++) {
		const struct nfipsec_sel *s = &c->ref.v[i % 64]->ent.sel;

		gen_flow(&c->g, &c->ref, &f);
		KUNIT_EXPECT_EQ(test, nfipsec_sel_match(s, &f), ref_match(s, &f));
	}
	ctx_done(test, c);
}

/* ---------------------------------------------------------------------- */
/* Readers racing writers                                                 */
/* ---------------------------------------------------------------------- */

#define RACE_STABLE	150
#define RACE_CHURN	300
#define RACE_FLOWS	256

/*
 * Stable entries (priority 0) stay in all along, but now and then one is
 * replaced by its twin (same selector and priority) and back; churn
 * entries (priority >= 1, the same address space) come and go.  For flows
 * drawn inside stable entries, the answer is known in advance: the stable
 * entry the reference picks, or its twin.  A reader thread checks that
 * while the writer runs.
 */
struct race {
	struct nfipsec_spd_engine *e;
	struct nfipsec_flow flows[RACE_FLOWS];
	const struct nfipsec_spd_entry *want[RACE_FLOWS], *twin[RACE_FLOWS];
	atomic_t bad;
	atomic_long_t lookups;
	int bad_flow;
};

static int race_reader(void *arg)
{
	struct race *r = arg;
	unsigned int k = 0, i;

	while (!kthread_should_stop()) {
		rcu_read_lock();
		for (i = 0; i < 32; i++, k = (k + 1) % RACE_FLOWS) {
			const struct nfipsec_spd_entry *got;

			got = nfipsec_spd_engine_lookup(r->e, &r->flows[k]);
			if (got != r->want[k] && got != r->twin[k]) {
				if (atomic_inc_return(&r->bad) == 1)
					WRITE_ONCE(r->bad_flow, k);
			}
		}
		rcu_read_unlock();
		atomic_long_add(32, &r->lookups);
		cond_resched();
	}
	return 0;
}

static void readers_race_writers(struct kunit *test)
{
	struct ctx *c = ctx_new(test, 0, RACE_STABLE + RACE_CHURN);
	struct pol **stable, **twin, **churn;
	u8 *churn_state;	/* 0 out, 1 in, 2 removed: waits for a grace period */
	struct task_struct *reader;
	struct race *r;
	unsigned int i, step, in = 0;
	struct nfipsec_sel sel;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	stable = kunit_kcalloc(test, RACE_STABLE, sizeof(*stable), GFP_KERNEL);
	twin = kunit_kcalloc(test, RACE_STABLE, sizeof(*twin), GFP_KERNEL);
	churn = kunit_kcalloc(test, RACE_CHURN, sizeof(*churn), GFP_KERNEL);
	churn_state = kunit_kzalloc(test, RACE_CHURN, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, r && stable && twin && churn && churn_state);
	r->e = &c->e;

	for (i = 0; i < RACE_STABLE; ) {
		gen_sel(&c->g, &sel);
		if (ref_index(&c->ref, &sel) >= 0)
			continue;
		stable[i] = add(test, c, &sel, 0);
		twin[i] = pol_new(test, &sel, 0);
		i++;
	}
	for (i = 0; i < RACE_FLOWS; i++) {
		struct pol *want;
		unsigned int j;

		do {
			gen_flow(&c->g, &c->ref, &r->flows[i]);
			want = ref_lookup(&c->ref, &r->flows[i]);
		} while (!want);
		for (j = 0; stable[j] != want; j++)
			;
		r->want[i] = &stable[j]->ent;
		r->twin[i] = &twin[j]->ent;
	}
	/* Churn selectors: fresh ones, at priorities the stable ones beat. */
	for (i = 0; i < RACE_CHURN; ) {
		gen_sel(&c->g, &sel);
		if (ref_index(&c->ref, &sel) >= 0)
			continue;
		churn[i++] = pol_new(test, &sel, 1 + rnd(&c->g, 3));
	}

	reader = kthread_run(race_reader, r, "spd_race_reader");
	KUNIT_ASSERT_FALSE(test, IS_ERR(reader));
	for (step = 0; step < 6000; step++) {
		unsigned int k = rnd(&c->g, RACE_CHURN);
		int err = 0;

		mutex_lock(&c->lock);
		if (step % 200 == 199) {
			/* A stable entry changes hands; the old one waits below. */
			unsigned int j = rnd(&c->g, RACE_STABLE);

			err = nfipsec_spd_engine_replace(&c->e, &stable[j]->ent, &twin[j]->ent);
			swap(stable[j], twin[j]);
		} else if (churn_state[k] == 0) {
			err = nfipsec_spd_engine_insert(&c->e, &churn[k]->ent);
			churn_state[k] = err ? 0 : 1;
			in += !err;
			err = err == -EEXIST ? 0 : err;
		} else if (churn_state[k] == 1) {
			nfipsec_spd_engine_remove(&c->e, &churn[k]->ent);
			churn_state[k] = 2;
			in--;
		}
		mutex_unlock(&c->lock);
		KUNIT_EXPECT_EQ(test, err, 0);
		if (step % 200 == 199) {
			/* Removed and replaced entries may be reused after this. */
			synchronize_rcu();
			for (i = 0; i < RACE_CHURN; i++)
				if (churn_state[i] == 2)
					churn_state[i] = 0;
		}
		if (step % 64 == 0)
			cond_resched();
	}
	kthread_stop(reader);

	KUNIT_EXPECT_EQ(test, nfipsec_spd_engine_count(&c->e), RACE_STABLE + in);
	KUNIT_EXPECT_GT(test, atomic_long_read(&r->lookups), 0L);
	if (atomic_read(&r->bad)) {
		char buf[160];

		str_flow(buf, sizeof(buf), &r->flows[r->bad_flow]);
		KUNIT_FAIL(test, "%d racing lookups went wrong, first on %s",
			   atomic_read(&r->bad), buf);
	}
	kunit_info(test, "%ld lookups raced 6000 updates", atomic_long_read(&r->lookups));

	/* Tear down: churn entries out, then the reference owns the stable ones. */
	mutex_lock(&c->lock);
	for (i = 0; i < RACE_CHURN; i++)
		if (churn_state[i] == 1)
			nfipsec_spd_engine_remove(&c->e, &churn[i]->ent);
	mutex_unlock(&c->lock);
	synchronize_rcu();
	for (i = 0; i < RACE_CHURN; i++)
		kfree(churn[i]);
	for (i = 0; i < RACE_STABLE; i++) {
		c->ref.v[ref_index(&c->ref, &stable[i]->ent.sel)] = stable[i];
		kfree(twin[i]);	/* out of the engine for a grace period already */
	}
	check_structure(test, c);
	ctx_done(test, c);
}

/* ---------------------------------------------------------------------- */
/* Lookups per second                                                     */
/* ---------------------------------------------------------------------- */

/*
 * Small sizes only, to keep the suite fast on the debug kernel (inserts
 * are slow under KASAN and lockdep); the 100k runs are spd_bench's
 * (selftests/bench/spd_lookup.sh).  Debug kernels
 * measure KASAN and lockdep as much as the engine: compare sizes, not
 * kernels.
 */
static void lookup_rate(struct kunit *test)
{
	static const struct {
		unsigned int entries;
		enum nfipsec_spd_bench_dist dist;
	} runs[] = {
		{ 1, NFIPSEC_SPD_BENCH_MIXED },
		{ 1000, NFIPSEC_SPD_BENCH_MIXED },
		{ 5000, NFIPSEC_SPD_BENCH_MIXED },
		{ 1000, NFIPSEC_SPD_BENCH_UNIFORM },
	};
	struct nfipsec_spd_bench_result r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(runs); i++) {
		KUNIT_ASSERT_EQ(test, nfipsec_spd_bench(runs[i].entries, AF_INET, runs[i].dist,
							200, 42, &r), 0);
		KUNIT_EXPECT_EQ(test, r.entries, runs[i].entries);
		KUNIT_EXPECT_GT(test, r.hits, 0ull);
		kunit_info(test, "spd_lookup%s entries=%u lookups_per_sec=%llu (nodes %u, hits %llu/%llu)",
			   runs[i].dist == NFIPSEC_SPD_BENCH_MIXED ? "" : "_uniform", r.entries,
			   nfipsec_spd_bench_rate(&r), r.nodes, r.hits, r.lookups);
	}
}

static struct kunit_case spd_engine_cases[] = {
	KUNIT_CASE(random_sets),
	KUNIT_CASE(churn),
	KUNIT_CASE(duplicates_and_find),
	KUNIT_CASE(invalid_selectors),
	KUNIT_CASE(semantics),
	KUNIT_CASE(helpers),
	KUNIT_CASE(readers_race_writers),
	KUNIT_CASE(lookup_rate),
	{ }
};

static struct kunit_suite spd_engine_suite = {
	.name = "nfipsec_spd_engine",
	.test_cases = spd_engine_cases,
};

kunit_test_suites(&spd_engine_suite);
