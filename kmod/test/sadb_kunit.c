// SPDX-License-Identifier: GPL-2.0
/*
 * sadb_kunit.c - KUnit suite for the SADB (sadb.c): its hash tables
 * against a deliberately naive reference (an array scanned linearly) over
 * random insert/delete/lookup sequences, SPI allocation, larval lookups,
 * and the lifetime state machine driven by traffic accounting.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/in.h>
#include <linux/ipsec.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/udp.h>

#include "sadb.h"

#define REF_MAX 512

/* The naive reference: what must be findable, in insertion order. */
struct ref {
	struct nfipsec_sa *sa[REF_MAX];
	unsigned int n;
};

static struct nfipsec_sadb *new_db(struct kunit *test)
{
	struct nfipsec_sadb *db = kunit_kzalloc(test, sizeof(*db), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, db);
	KUNIT_ASSERT_EQ(test, nfipsec_sadb_init(db, NULL, NULL), 0);
	return db;
}

static void set_addr(union nfipsec_addr *a, u16 family, u32 v)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		a->a4 = htonl(0x0a000000 | v);
	} else {
		a->a6.s6_addr32[0] = htonl(0xfd000000);
		a->a6.s6_addr32[3] = htonl(v);
	}
}

static struct nfipsec_sa *make_sa(u16 family, u32 src, u32 dst, u32 spi,
				  u8 proto, u8 state)
{
	struct nfipsec_sa *sa = nfipsec_sa_alloc(GFP_KERNEL);

	if (!sa)
		return NULL;
	sa->id.family = sa->pair.family = family;
	sa->id.proto = sa->pair.proto = proto;
	sa->satype = nfipsec_proto_to_satype(proto);
	set_addr(&sa->pair.src, family, src);
	set_addr(&sa->id.dst, family, dst);
	sa->pair.dst = sa->id.dst;
	sa->id.spi = htonl(spi);
	sa->state = state;
	sa->mode = IPSEC_MODE_ANY;
	return sa;
}

static struct nfipsec_sa *ref_find(struct ref *r, u16 family, u32 dst, u32 spi,
				   u8 proto)
{
	union nfipsec_addr d;
	unsigned int i;

	set_addr(&d, family, dst);
	for (i = 0; i < r->n; i++) {
		struct nfipsec_sa *sa = r->sa[i];

		if (sa->id.family == family && sa->id.proto == proto &&
		    sa->id.spi == htonl(spi) && !memcmp(&sa->id.dst, &d, sizeof(d)))
			return sa;
	}
	return NULL;
}

/* Newest matching SA, as lookup_out must choose (all are MATURE here). */
static struct nfipsec_sa *ref_out(struct ref *r, u16 family, u32 src, u32 dst,
				  u8 proto)
{
	union nfipsec_addr s, d;
	int i;

	set_addr(&s, family, src);
	set_addr(&d, family, dst);
	for (i = r->n - 1; i >= 0; i--) {
		struct nfipsec_sa *sa = r->sa[i];

		if (sa->id.family == family && sa->id.proto == proto &&
		    !memcmp(&sa->pair.src, &s, sizeof(s)) &&
		    !memcmp(&sa->id.dst, &d, sizeof(d)))
			return sa;
	}
	return NULL;
}

static const u8 protos[] = { IPPROTO_ESP, IPPROTO_AH, IPPROTO_COMP };

static void tables_match_reference(struct kunit *test)
{
	struct nfipsec_sadb *db = new_db(test);
	struct ref *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	unsigned int step;

	KUNIT_ASSERT_NOT_NULL(test, r);
	for (step = 0; step < 3000; step++) {
		u16 family = get_random_u32_below(2) ? AF_INET : AF_INET6;
		u32 src = get_random_u32_below(4), dst = get_random_u32_below(8);
		u32 spi = 256 + get_random_u32_below(64);
		u8 proto = protos[get_random_u32_below(3)];
		struct nfipsec_sa *want, *got;
		unsigned int op = get_random_u32_below(10);

		if (op < 4 && r->n < REF_MAX) {
			struct nfipsec_sa *sa;
			int err;

			sa = make_sa(family, src, dst, spi, proto, SADB_SASTATE_MATURE);
			KUNIT_ASSERT_NOT_NULL(test, sa);
			want = ref_find(r, family, dst, spi, proto);
			mutex_lock(&db->lock);
			err = nfipsec_sa_insert(db, sa);
			mutex_unlock(&db->lock);
			KUNIT_EXPECT_EQ(test, err, want ? -EEXIST : 0);
			if (!err)
				r->sa[r->n++] = sa;
			nfipsec_sa_put(sa);	/* the table keeps its own */
		} else if (op < 6 && r->n) {
			unsigned int i = get_random_u32_below(r->n);

			mutex_lock(&db->lock);
			nfipsec_sa_remove(db, r->sa[i]);
			mutex_unlock(&db->lock);
			memmove(&r->sa[i], &r->sa[i + 1], (r->n - i - 1) * sizeof(r->sa[0]));
			r->n--;
		} else if (op < 8) {
			union nfipsec_addr d;

			set_addr(&d, family, dst);
			want = ref_find(r, family, dst, spi, proto);
			got = nfipsec_sa_lookup_spi(db, family, &d, htonl(spi), proto);
			KUNIT_EXPECT_PTR_EQ(test, got, want);
			nfipsec_sa_put(got);
		} else {
			union nfipsec_addr s, d;

			set_addr(&s, family, src);
			set_addr(&d, family, dst);
			want = ref_out(r, family, src, dst, proto);
			got = nfipsec_sa_lookup_out(db, family, &s, &d, proto,
						    IPSEC_MODE_TRANSPORT, 0);
			/* Same add-second ties: any of the newest is right. */
			if (got && want && got != want)
				KUNIT_EXPECT_EQ(test, got->created_mono, want->created_mono);
			else
				KUNIT_EXPECT_PTR_EQ(test, got, want);
			nfipsec_sa_put(got);
		}
		KUNIT_EXPECT_EQ(test, db->count, r->n);
	}
	nfipsec_sadb_destroy(db);
}

static void spi_allocation(struct kunit *test)
{
	struct nfipsec_sadb *db = new_db(test);
	u32 seen[64] = { };
	unsigned int i;
	int err;

	mutex_lock(&db->lock);
	for (i = 0; i < 64; i++) {
		struct nfipsec_sa *sa = make_sa(AF_INET, 1, 2, 0, IPPROTO_ESP,
						SADB_SASTATE_LARVAL);

		KUNIT_ASSERT_NOT_NULL(test, sa);
		KUNIT_ASSERT_EQ(test, nfipsec_sa_insert(db, sa), 0);
		err = nfipsec_sa_alloc_spi(db, sa, 1000, 1063);
		KUNIT_EXPECT_EQ(test, err, 0);
		KUNIT_EXPECT_GE(test, ntohl(sa->id.spi), 1000u);
		KUNIT_EXPECT_LE(test, ntohl(sa->id.spi), 1063u);
		KUNIT_EXPECT_EQ_MSG(test, seen[ntohl(sa->id.spi) - 1000], 0u,
				    "SPI %u handed out twice", ntohl(sa->id.spi));
		seen[ntohl(sa->id.spi) - 1000] = 1;
		nfipsec_sa_put(sa);
	}
	/* The range is full now. */
	{
		struct nfipsec_sa *sa = make_sa(AF_INET, 1, 2, 0, IPPROTO_ESP,
						SADB_SASTATE_LARVAL);

		KUNIT_ASSERT_NOT_NULL(test, sa);
		KUNIT_ASSERT_EQ(test, nfipsec_sa_insert(db, sa), 0);
		KUNIT_EXPECT_EQ(test, nfipsec_sa_alloc_spi(db, sa, 1000, 1063), -EAGAIN);
		KUNIT_EXPECT_EQ(test, nfipsec_sa_alloc_spi(db, sa, 2000, 1000), -EINVAL);
		/* Another destination has the whole range free. */
		nfipsec_sa_put(sa);
	}
	mutex_unlock(&db->lock);
	nfipsec_sadb_destroy(db);
}

static void larval_lookups(struct kunit *test)
{
	struct nfipsec_sadb *db = new_db(test);
	struct nfipsec_sa *sa, *found;

	sa = make_sa(AF_INET6, 1, 2, 0, IPPROTO_ESP, SADB_SASTATE_LARVAL);
	KUNIT_ASSERT_NOT_NULL(test, sa);
	sa->seq = 4242;
	sa->reqid = 9;
	mutex_lock(&db->lock);
	KUNIT_ASSERT_EQ(test, nfipsec_sa_insert(db, sa), 0);
	found = nfipsec_sa_find_larval_seq(db, 4242, IPPROTO_ESP, AF_INET6, &sa->id.dst);
	KUNIT_EXPECT_PTR_EQ(test, found, sa);
	KUNIT_EXPECT_NULL(test, nfipsec_sa_find_larval_seq(db, 4242, IPPROTO_AH,
							   AF_INET6, &sa->id.dst));
	found = nfipsec_sa_find_larval(db, AF_INET6, &sa->pair.src, &sa->id.dst,
				       IPPROTO_ESP, IPSEC_MODE_ANY, 9);
	KUNIT_EXPECT_PTR_EQ(test, found, sa);
	KUNIT_EXPECT_NULL(test, nfipsec_sa_find_larval(db, AF_INET6, &sa->pair.src,
						       &sa->id.dst, IPPROTO_ESP,
						       IPSEC_MODE_ANY, 10));
	/* Larval SAs carry no traffic. */
	KUNIT_EXPECT_NULL(test, nfipsec_sa_lookup_out(db, AF_INET6, &sa->pair.src,
						      &sa->id.dst, IPPROTO_ESP,
						      IPSEC_MODE_ANY, 0));
	nfipsec_sa_fail_larval(db, 4242);
	KUNIT_EXPECT_TRUE(test, sa->failed);
	mutex_unlock(&db->lock);
	nfipsec_sa_put(sa);
	nfipsec_sadb_destroy(db);
}

/* Byte limits: soft makes the SA DYING, hard makes it DEAD and unfindable. */
static void lifetime_by_bytes(struct kunit *test)
{
	struct nfipsec_sadb *db = new_db(test);
	struct nfipsec_sa *sa, *got;

	sa = make_sa(AF_INET, 1, 2, 0x1234, IPPROTO_ESP, SADB_SASTATE_MATURE);
	KUNIT_ASSERT_NOT_NULL(test, sa);
	sa->soft.bytes = 1000;
	sa->hard.bytes = 2000;
	mutex_lock(&db->lock);
	KUNIT_ASSERT_EQ(test, nfipsec_sa_insert(db, sa), 0);
	mutex_unlock(&db->lock);

	nfipsec_sa_account(sa, 500);
	flush_work(&db->expire_work);
	KUNIT_EXPECT_EQ(test, READ_ONCE(sa->state), SADB_SASTATE_MATURE);
	KUNIT_EXPECT_NE(test, READ_ONCE(sa->first_use), 0);
	nfipsec_sa_account(sa, 600);
	flush_work(&db->expire_work);
	KUNIT_EXPECT_EQ(test, READ_ONCE(sa->state), SADB_SASTATE_DYING);
	KUNIT_EXPECT_EQ(test, atomic64_read(&sa->cur_allocations), 2);

	/* A DYING SA still carries traffic when nothing better exists. */
	got = nfipsec_sa_lookup_out(db, AF_INET, &sa->pair.src, &sa->id.dst,
				    IPPROTO_ESP, IPSEC_MODE_TUNNEL, 0);
	KUNIT_EXPECT_PTR_EQ(test, got, sa);
	nfipsec_sa_put(got);

	nfipsec_sa_account(sa, 1000);
	flush_work(&db->expire_work);
	KUNIT_EXPECT_EQ(test, READ_ONCE(sa->state), SADB_SASTATE_DEAD);
	got = nfipsec_sa_lookup_spi(db, AF_INET, &sa->id.dst, sa->id.spi, IPPROTO_ESP);
	KUNIT_EXPECT_NULL(test, got);
	/* Still listed for the DEAD linger. */
	KUNIT_EXPECT_EQ(test, db->count, 1u);
	nfipsec_sa_put(sa);
	nfipsec_sadb_destroy(db);
}

/* What the owner heard, in order: kind and the SA's state at the time. */
struct expiry_log {
	unsigned int n;
	enum nfipsec_expiry kind[4];
	u8 state[4];
};

static void log_expired(struct nfipsec_sadb *db, struct nfipsec_sa *sa,
			enum nfipsec_expiry kind,
			const struct nfipsec_lifetime *which)
{
	struct expiry_log *log = db->owner;

	if (log->n < ARRAY_SIZE(log->kind)) {
		log->kind[log->n] = kind;
		log->state[log->n] = sa->state;
		log->n++;
	}
}

static const struct nfipsec_sadb_ops log_ops = { .expired = log_expired };

static void expect_soft_then_hard(struct kunit *test, const struct expiry_log *log)
{
	KUNIT_ASSERT_EQ(test, log->n, 2u);
	KUNIT_EXPECT_EQ(test, log->kind[0], NFIPSEC_EXPIRE_SOFT);
	KUNIT_EXPECT_EQ(test, log->state[0], SADB_SASTATE_DYING);
	KUNIT_EXPECT_EQ(test, log->kind[1], NFIPSEC_EXPIRE_HARD);
	KUNIT_EXPECT_EQ(test, log->state[1], SADB_SASTATE_DEAD);
}

/*
 * Soft is announced before hard even when both limits are found passed at
 * once: one packet over both byte limits, and an add-time timer that ran
 * after the hard deadline (a starved guest).
 */
static void soft_before_hard(struct kunit *test)
{
	struct expiry_log log_b = { }, log_t = { };
	struct nfipsec_sadb *db = kunit_kzalloc(test, sizeof(*db), GFP_KERNEL);
	struct nfipsec_sa *sa;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, db);
	KUNIT_ASSERT_EQ(test, nfipsec_sadb_init(db, &log_ops, &log_b), 0);
	sa = make_sa(AF_INET, 1, 2, 0x2001, IPPROTO_ESP, SADB_SASTATE_MATURE);
	KUNIT_ASSERT_NOT_NULL(test, sa);
	sa->soft.bytes = 1000;
	sa->hard.bytes = 2000;
	mutex_lock(&db->lock);
	KUNIT_ASSERT_EQ(test, nfipsec_sa_insert(db, sa), 0);
	mutex_unlock(&db->lock);
	nfipsec_sa_account(sa, 5000);
	flush_work(&db->expire_work);
	expect_soft_then_hard(test, &log_b);
	nfipsec_sa_put(sa);

	db->owner = &log_t;
	sa = make_sa(AF_INET, 1, 2, 0x2002, IPPROTO_ESP, SADB_SASTATE_MATURE);
	KUNIT_ASSERT_NOT_NULL(test, sa);
	sa->soft.addtime = 1;
	sa->hard.addtime = 2;
	mutex_lock(&db->lock);
	KUNIT_ASSERT_EQ(test, nfipsec_sa_insert(db, sa), 0);
	/* Added ten seconds ago: the timer fires past both deadlines. */
	sa->created_mono -= 10;
	nfipsec_sa_lifetimes_changed(sa);
	mutex_unlock(&db->lock);
	for (i = 0; i < 100 && READ_ONCE(sa->state) != SADB_SASTATE_DEAD; i++) {
		msleep(20);
		flush_work(&db->expire_work);
	}
	expect_soft_then_hard(test, &log_t);
	nfipsec_sa_put(sa);
	nfipsec_sadb_destroy(db);
}

/* MATURE beats DYING; reqid and mode narrow the choice. */
static void outbound_choice(struct kunit *test)
{
	struct nfipsec_sadb *db = new_db(test);
	struct nfipsec_sa *a, *b, *c, *got;

	a = make_sa(AF_INET, 1, 2, 0x1001, IPPROTO_ESP, SADB_SASTATE_MATURE);
	b = make_sa(AF_INET, 1, 2, 0x1002, IPPROTO_ESP, SADB_SASTATE_DYING);
	c = make_sa(AF_INET, 1, 2, 0x1003, IPPROTO_ESP, SADB_SASTATE_MATURE);
	KUNIT_ASSERT_TRUE(test, a && b && c);
	c->reqid = 7;
	c->mode = IPSEC_MODE_TUNNEL;
	mutex_lock(&db->lock);
	KUNIT_ASSERT_EQ(test, nfipsec_sa_insert(db, a), 0);
	KUNIT_ASSERT_EQ(test, nfipsec_sa_insert(db, b), 0);
	KUNIT_ASSERT_EQ(test, nfipsec_sa_insert(db, c), 0);
	mutex_unlock(&db->lock);

	got = nfipsec_sa_lookup_out(db, AF_INET, &a->pair.src, &a->id.dst,
				    IPPROTO_ESP, IPSEC_MODE_TRANSPORT, 0);
	KUNIT_EXPECT_PTR_EQ(test, got, a);	/* c is tunnel-only */
	nfipsec_sa_put(got);
	got = nfipsec_sa_lookup_out(db, AF_INET, &a->pair.src, &a->id.dst,
				    IPPROTO_ESP, IPSEC_MODE_TUNNEL, 7);
	KUNIT_EXPECT_PTR_EQ(test, got, c);
	nfipsec_sa_put(got);
	got = nfipsec_sa_lookup_out(db, AF_INET, &a->pair.src, &a->id.dst,
				    IPPROTO_AH, IPSEC_MODE_ANY, 0);
	KUNIT_EXPECT_NULL(test, got);
	nfipsec_sa_put(a);
	nfipsec_sa_put(b);
	nfipsec_sa_put(c);
	nfipsec_sadb_destroy(db);
}

/*
 * ESP-in-UDP ports: counted per SA, so a port stays known while any SA
 * uses it, through removal, hard expiry (unhashed, still listed) and the
 * database's destruction.
 */
static void encap_ports(struct kunit *test)
{
	struct nfipsec_sadb *db = new_db(test);
	struct nfipsec_sa *a, *b, *c, *plain;

	a = make_sa(AF_INET, 1, 2, 0x2001, IPPROTO_ESP, SADB_SASTATE_MATURE);
	b = make_sa(AF_INET, 3, 2, 0x2002, IPPROTO_ESP, SADB_SASTATE_MATURE);
	c = make_sa(AF_INET, 1, 4, 0x2003, IPPROTO_ESP, SADB_SASTATE_MATURE);
	plain = make_sa(AF_INET, 1, 2, 0x2004, IPPROTO_ESP, SADB_SASTATE_MATURE);
	KUNIT_ASSERT_TRUE(test, a && b && c && plain);
	a->encap_type = b->encap_type = c->encap_type = UDP_ENCAP_ESPINUDP;
	a->encap_dport = b->encap_dport = htons(4500);
	c->encap_dport = htons(4501);
	a->encap_sport = b->encap_sport = c->encap_sport = htons(4500);
	plain->encap_dport = htons(4502);	/* no type: no encapsulation */

	KUNIT_EXPECT_FALSE(test, nfipsec_sadb_encap_port(db, htons(4500)));
	mutex_lock(&db->lock);
	KUNIT_ASSERT_EQ(test, nfipsec_sa_insert(db, a), 0);
	KUNIT_ASSERT_EQ(test, nfipsec_sa_insert(db, b), 0);
	KUNIT_ASSERT_EQ(test, nfipsec_sa_insert(db, c), 0);
	KUNIT_ASSERT_EQ(test, nfipsec_sa_insert(db, plain), 0);
	mutex_unlock(&db->lock);
	KUNIT_EXPECT_TRUE(test, nfipsec_sadb_encap_port(db, htons(4500)));
	KUNIT_EXPECT_TRUE(test, nfipsec_sadb_encap_port(db, htons(4501)));
	KUNIT_EXPECT_FALSE(test, nfipsec_sadb_encap_port(db, htons(4502)));
	KUNIT_EXPECT_EQ(test, db->encap_count, 3U);

	/* UPDATE of a live SA: c moves to 4500 beside a and b, then back. */
	mutex_lock(&db->lock);
	KUNIT_EXPECT_EQ(test, nfipsec_sa_move_encap(db, c, htons(4600), htons(4500)), 0);
	mutex_unlock(&db->lock);
	KUNIT_EXPECT_FALSE(test, nfipsec_sadb_encap_port(db, htons(4501)));
	KUNIT_EXPECT_EQ(test, ntohs(c->encap_sport), 4600);
	KUNIT_EXPECT_EQ(test, ntohs(c->encap_dport), 4500);
	KUNIT_EXPECT_EQ(test, db->encap_count, 3U);
	mutex_lock(&db->lock);
	KUNIT_EXPECT_EQ(test, nfipsec_sa_move_encap(db, c, htons(4500), htons(4501)), 0);
	mutex_unlock(&db->lock);
	KUNIT_EXPECT_TRUE(test, nfipsec_sadb_encap_port(db, htons(4501)));
	KUNIT_EXPECT_TRUE(test, nfipsec_sadb_encap_port(db, htons(4500)));
	KUNIT_EXPECT_EQ(test, db->encap_count, 3U);

	mutex_lock(&db->lock);
	nfipsec_sa_remove(db, a);
	mutex_unlock(&db->lock);
	KUNIT_EXPECT_TRUE(test, nfipsec_sadb_encap_port(db, htons(4500)));	/* b */
	mutex_lock(&db->lock);
	nfipsec_sa_remove(db, b);
	mutex_unlock(&db->lock);
	KUNIT_EXPECT_FALSE(test, nfipsec_sadb_encap_port(db, htons(4500)));
	KUNIT_EXPECT_TRUE(test, nfipsec_sadb_encap_port(db, htons(4501)));
	KUNIT_EXPECT_EQ(test, db->encap_count, 1U);

	nfipsec_sa_put(a);
	nfipsec_sa_put(b);
	nfipsec_sa_put(c);
	nfipsec_sa_put(plain);
	nfipsec_sadb_destroy(db);	/* c goes: its port with it, no WARN */
	KUNIT_EXPECT_EQ(test, db->encap_count, 0U);
}

static struct kunit_case sadb_cases[] = {
	KUNIT_CASE(tables_match_reference),
	KUNIT_CASE(spi_allocation),
	KUNIT_CASE(larval_lookups),
	KUNIT_CASE(lifetime_by_bytes),
	KUNIT_CASE(soft_before_hard),
	KUNIT_CASE(outbound_choice),
	KUNIT_CASE(encap_ports),
	{ }
};

static struct kunit_suite sadb_suite = {
	.name = "nfipsec_sadb",
	.test_cases = sadb_cases,
};

kunit_test_suites(&sadb_suite);
