// SPDX-License-Identifier: GPL-2.0
/*
 * ipsecif_args_test.c - ipsecif(8)'s pure half (tools/ipsecif/ipsecif_args.c):
 * the command line, good and bad; RTM_NEWLINK replies built here, whole,
 * cut at every byte, with forged lengths and sizes, and randomly mutated;
 * NLMSG_ERROR/NLMSG_DONE with and without extended acks; the show format.
 * Built with ASan and UBSan (tools/Makefile), and every message is copied
 * to a heap buffer of exactly its length, so a read past the end fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "nfipsec.h"

#include "ipsecif_args.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- the command line ------------------------------------------------ */

static int parse(struct ipsecif_args *a, char *err, size_t errlen, ...)
{
	char *argv[16] = { "ipsecif" };
	int argc = 1;
	va_list ap;
	char *w;

	va_start(ap, errlen);
	while ((w = va_arg(ap, char *)) && argc < 15)
		argv[argc++] = w;
	va_end(ap);
	err[0] = '\0';
	return ipsecif_parse_args(argc, argv, a, err, errlen);
}

#define PARSE_OK(a, ...)	do {						\
	char _e[256];								\
	if (parse(a, _e, sizeof(_e), __VA_ARGS__, NULL))			\
		fail_msg("refused: %s", _e);					\
} while (0)

/* Refused, with an error that contains @needle. */
#define PARSE_BAD(needle, ...)	do {						\
	struct ipsecif_args _a;							\
	char _e[256];								\
	if (!parse(&_a, _e, sizeof(_e), __VA_ARGS__, NULL))			\
		fail_msg("accepted: %s", #__VA_ARGS__);				\
	if (!strstr(_e, needle))						\
		fail_msg("%s: error '%s' lacks '%s'", #__VA_ARGS__, _e, needle);\
} while (0)

static void args_show(void **state)
{
	struct ipsecif_args a;
	char e[64];

	(void)state;
	assert_int_equal(parse(&a, e, sizeof(e), NULL), 0);
	assert_int_equal(a.cmd, IPSECIF_SHOW_ALL);
	PARSE_OK(&a, "ipsec0");
	assert_int_equal(a.cmd, IPSECIF_SHOW);
	assert_string_equal(a.name, "ipsec0");
	PARSE_OK(&a, "-h");
	assert_int_equal(a.cmd, IPSECIF_HELP);
	PARSE_OK(&a, "--help");
	assert_int_equal(a.cmd, IPSECIF_HELP);
	PARSE_OK(&a, "ipsec0", "destroy");
	assert_int_equal(a.cmd, IPSECIF_DESTROY);
	/* The longest name Linux takes: 15 characters. */
	PARSE_OK(&a, "abcdefghijklmno");
	assert_int_equal(a.cmd, IPSECIF_SHOW);
}

static void args_create(void **state)
{
	static const uint8_t l4[4] = { 192, 0, 2, 1 }, r4[4] = { 192, 0, 2, 2 };
	struct ipsecif_args a;
	uint8_t l6[16], r6[16];

	(void)state;
	PARSE_OK(&a, "ipsec0", "create");
	assert_int_equal(a.cmd, IPSECIF_CREATE);
	assert_false(a.has_reqid);
	assert_int_equal(a.tunnel, IPSECIF_TUN_KEEP);

	PARSE_OK(&a, "ipsec0", "create", "reqid", "100");
	assert_int_equal(a.cmd, IPSECIF_CREATE);
	assert_true(a.has_reqid);
	assert_int_equal(a.reqid, 100);

	PARSE_OK(&a, "ipsec0", "create", "reqid", "1", "tunnel", "192.0.2.1", "192.0.2.2");
	assert_int_equal(a.reqid, 1);
	assert_int_equal(a.tunnel, IPSECIF_TUN_SET);
	assert_int_equal(a.tun.family, AF_INET);
	assert_memory_equal(a.tun.local, l4, 4);
	assert_memory_equal(a.tun.remote, r4, 4);

	/* Either order. */
	PARSE_OK(&a, "ipsec0", "create", "tunnel", "2001:db8::1", "2001:db8::2",
		 "reqid", "16383");
	inet_pton(AF_INET6, "2001:db8::1", l6);
	inet_pton(AF_INET6, "2001:db8::2", r6);
	assert_int_equal(a.reqid, NFIPSEC_IF_REQID_MAX);
	assert_int_equal(a.tun.family, AF_INET6);
	assert_memory_equal(a.tun.local, l6, 16);
	assert_memory_equal(a.tun.remote, r6, 16);
}

static void args_change(void **state)
{
	struct ipsecif_args a;

	(void)state;
	PARSE_OK(&a, "ipsec0", "reqid", "200");
	assert_int_equal(a.cmd, IPSECIF_CHANGE);
	assert_int_equal(a.reqid, 200);
	assert_int_equal(a.tunnel, IPSECIF_TUN_KEEP);

	PARSE_OK(&a, "ipsec0", "tunnel", "10.0.0.1", "10.0.0.2");
	assert_int_equal(a.cmd, IPSECIF_CHANGE);
	assert_false(a.has_reqid);
	assert_int_equal(a.tunnel, IPSECIF_TUN_SET);

	PARSE_OK(&a, "ipsec0", "-tunnel");
	assert_int_equal(a.cmd, IPSECIF_CHANGE);
	assert_int_equal(a.tunnel, IPSECIF_TUN_CLEAR);

	PARSE_OK(&a, "ipsec0", "-tunnel", "reqid", "5");
	assert_int_equal(a.tunnel, IPSECIF_TUN_CLEAR);
	assert_int_equal(a.reqid, 5);

	/* Decimal, so leading zeros are just zeros. */
	PARSE_OK(&a, "ipsec0", "reqid", "0100");
	assert_int_equal(a.reqid, 100);
}

static void args_bad_reqid(void **state)
{
	static const char *const bad[] = {
		"0", "16384", "65536", "12x", "x12", "", " 1", "1 ", "-1", "+1", "0x10",
		"1e3", "99999999999999999999999", "4294967397", "00000",
	};
	uint32_t v = 77;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (!ipsecif_parse_reqid(bad[i], &v))
			fail_msg("reqid '%s' accepted", bad[i]);
		PARSE_BAD("reqid must be a decimal number from 1 to 16383", "ipsec0", "reqid",
			  bad[i]);
		PARSE_BAD("reqid must be", "ipsec0", "create", "reqid", bad[i]);
	}
	assert_int_equal(v, 77);	/* untouched when refused */
	assert_int_equal(ipsecif_parse_reqid("16383", &v), 0);
	assert_int_equal(v, 16383);
	assert_int_equal(ipsecif_parse_reqid("1", &v), 0);
	assert_int_equal(v, 1);
	PARSE_BAD("reqid needs a number", "ipsec0", "reqid");
	PARSE_BAD("reqid needs a number", "ipsec0", "create", "reqid");
	PARSE_BAD("reqid given twice", "ipsec0", "reqid", "1", "reqid", "2");
}

static void args_bad_tunnel(void **state)
{
	(void)state;
	PARSE_BAD("one family (192.0.2.1 is IPv4, 2001:db8::2 is IPv6)",
		  "ipsec0", "tunnel", "192.0.2.1", "2001:db8::2");
	PARSE_BAD("one family", "ipsec0", "create", "tunnel", "::1", "127.0.0.1");
	PARSE_BAD("tunnel needs SRC and DST", "ipsec0", "tunnel", "192.0.2.1");
	PARSE_BAD("tunnel needs SRC and DST", "ipsec0", "create", "tunnel");
	PARSE_BAD("'192.0.2' is not a numeric", "ipsec0", "tunnel", "192.0.2", "192.0.2.2");
	PARSE_BAD("'gw.example.com' is not a numeric",
		  "ipsec0", "tunnel", "192.0.2.1", "gw.example.com");
	PARSE_BAD("'fe80::1%eth0' is not", "ipsec0", "tunnel", "fe80::1%eth0", "fe80::2");
	PARSE_BAD("'192.0.2.1/32' is not", "ipsec0", "tunnel", "192.0.2.1/32", "192.0.2.2");
	PARSE_BAD("'reqid' is not", "ipsec0", "tunnel", "192.0.2.1", "reqid", "5");
	PARSE_BAD("tunnel given twice", "ipsec0", "tunnel", "10.0.0.1", "10.0.0.2",
		  "tunnel", "10.0.0.1", "10.0.0.2");
	PARSE_BAD("tunnel given twice", "ipsec0", "tunnel", "10.0.0.1", "10.0.0.2", "-tunnel");
	PARSE_BAD("tunnel given twice", "ipsec0", "-tunnel", "-tunnel");
	PARSE_BAD("-tunnel with create", "ipsec0", "create", "-tunnel");
}

static void args_bad_words(void **state)
{
	(void)state;
	PARSE_BAD("unknown word 'up'", "ipsec0", "up");
	PARSE_BAD("unknown word 'inet'", "ipsec0", "create", "inet", "tunnel", "1.1.1.1",
		  "2.2.2.2");
	PARSE_BAD("unknown word 'tunnel6'", "ipsec0", "reqid", "5", "tunnel6");
	PARSE_BAD("unknown word 'REQID'", "ipsec0", "REQID", "5");
	PARSE_BAD("create must come right after NAME", "ipsec0", "reqid", "5", "create");
	PARSE_BAD("create must come right after NAME", "ipsec0", "create", "create");
	PARSE_BAD("destroy must come right after NAME", "ipsec0", "create", "destroy");
	PARSE_BAD("nothing may follow destroy", "ipsec0", "destroy", "now");
	PARSE_BAD("unknown option '-x'", "-x");
	PARSE_BAD("unknown option '-tunnel'", "-tunnel");
	PARSE_BAD("-h takes no arguments", "-h", "ipsec0");
	PARSE_BAD("not a valid interface name", "");
	PARSE_BAD("not a valid interface name", "abcdefghijklmnop");	/* 16 */
	PARSE_BAD("not a valid interface name", "a/b");
	PARSE_BAD("not a valid interface name", "ipsec0:1", "create");
	PARSE_BAD("not a valid interface name", "ipsec 0");
	PARSE_BAD("not a valid interface name", ".");
	PARSE_BAD("not a valid interface name", "..", "destroy");
}

/* ---- building replies ------------------------------------------------ */

struct msgb {
	uint8_t b[1024];
	size_t len;
};

static struct nlmsghdr *hdr(struct msgb *m)
{
	return (struct nlmsghdr *)m->b;
}

static void sync_len(struct msgb *m)
{
	hdr(m)->nlmsg_len = (uint32_t)m->len;
}

static void put(struct msgb *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr nla = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };

	assert_true(m->len + NLA_ALIGN(NLA_HDRLEN + len) <= sizeof(m->b));
	memcpy(m->b + m->len, &nla, sizeof(nla));
	if (len)
		memcpy(m->b + m->len + NLA_HDRLEN, data, len);
	m->len += NLA_ALIGN(NLA_HDRLEN + len);
	sync_len(m);
}

static void put_u32(struct msgb *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, 4);
}

static size_t nest(struct msgb *m, uint16_t type)
{
	size_t at = m->len;

	put(m, type, NULL, 0);
	return at;
}

static void nest_end(struct msgb *m, size_t at)
{
	((struct nlattr *)(m->b + at))->nla_len = (uint16_t)(m->len - at);
}

static void newlink(struct msgb *m, const char *name, unsigned int flags)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = 7, .ifi_flags = flags };

	memset(m, 0, sizeof(*m));
	hdr(m)->nlmsg_type = RTM_NEWLINK;
	hdr(m)->nlmsg_seq = 1;
	memcpy(m->b + NLMSG_HDRLEN, &ifi, sizeof(ifi));
	m->len = NLMSG_SPACE(sizeof(ifi));
	sync_len(m);
	if (name)
		put(m, IFLA_IFNAME, name, strlen(name) + 1);
}

static void put_stats(struct msgb *m)
{
	struct rtnl_link_stats64 st = {
		.rx_packets = 12, .tx_packets = 13, .rx_bytes = 1008, .tx_bytes = 1092,
		.rx_errors = 1, .tx_errors = 2, .rx_dropped = 3, .tx_dropped = 4,
		.multicast = 99,
	};

	put(m, IFLA_STATS64, &st, sizeof(st));
}

/*
 * The reply for ipsec0: flags, IFLA_MTU 1438, counters, and kind "ipsec"
 * with @reqid (0: none) and LOCAL/REMOTE of @alen bytes each (-1: none).
 */
static void ipsec_link(struct msgb *m, uint32_t reqid, int alen, const char *l, const char *r)
{
	uint8_t a[16] = { 0 }, b[16] = { 0 };
	size_t info, data;

	newlink(m, "ipsec0", IFF_UP | IFF_POINTOPOINT | IFF_NOARP | IFF_BROADCAST);
	put_u32(m, IFLA_MTU, 1438);
	put_stats(m);
	info = nest(m, IFLA_LINKINFO);
	put(m, IFLA_INFO_KIND, NFIPSEC_IF_KIND, sizeof(NFIPSEC_IF_KIND));
	data = nest(m, IFLA_INFO_DATA | NLA_F_NESTED);
	if (reqid)
		put_u32(m, IFLA_NFIPSEC_REQID, reqid);
	if (alen >= 0) {
		if (l)
			inet_pton(alen == 4 ? AF_INET : AF_INET6, l, a);
		if (r)
			inet_pton(alen == 4 ? AF_INET : AF_INET6, r, b);
		put(m, IFLA_NFIPSEC_LOCAL, a, (size_t)alen);
		put(m, IFLA_NFIPSEC_REMOTE, b, (size_t)alen);
	}
	nest_end(m, data);
	nest_end(m, info);
	put_u32(m, IFLA_TXQLEN, 1000);	/* after LINKINFO: the walk goes on */
}

/* Parse @n bytes of @m from a heap buffer of exactly @n bytes. */
static int parse_link_n(const struct msgb *m, size_t n, struct ipsecif_link *l,
			const char **why)
{
	uint8_t *p = malloc(n ? n : 1);
	int r;

	assert_non_null(p);
	memcpy(p, m->b, n);
	*why = NULL;
	r = ipsecif_parse_link(p, n, l, why);
	free(p);
	if (r)
		assert_non_null(*why);
	return r;
}

static int parse_link(const struct msgb *m, struct ipsecif_link *l, const char **why)
{
	return parse_link_n(m, m->len, l, why);
}

#define LINK_BAD(m, needle)	do {						\
	struct ipsecif_link _l;							\
	const char *_why;							\
	if (!parse_link(m, &_l, &_why))						\
		fail_msg("forged reply accepted");				\
	if (!strstr(_why, needle))						\
		fail_msg("'%s' lacks '%s'", _why, needle);			\
} while (0)

static char *show(const struct ipsecif_link *l)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	assert_non_null(f);
	ipsecif_print(f, l);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* ---- well-formed replies --------------------------------------------- */

static void link_ipv4(void **state)
{
	struct ipsecif_link l;
	const char *why;
	struct msgb m;
	char *out;

	(void)state;
	ipsec_link(&m, 100, 4, "192.0.2.1", "192.0.2.2");
	assert_int_equal(parse_link(&m, &l, &why), 0);
	assert_string_equal(l.name, "ipsec0");
	assert_int_equal(l.index, 7);
	assert_true(l.is_ipsec);
	assert_int_equal(l.mtu, 1438);
	assert_true(l.has_reqid);
	assert_int_equal(l.reqid, 100);
	assert_int_equal(l.tun.family, AF_INET);
	assert_int_equal(l.stats.rx_packets, 12);
	assert_int_equal(l.stats.tx_dropped, 4);
	out = show(&l);
	assert_string_equal(out,
		"ipsec0: flags=UP,POINTOPOINT,NOARP mtu 1438\n"
		"\treqid 100\n"
		"\ttunnel inet 192.0.2.1 --> 192.0.2.2\n"
		"\tRX packets 12 bytes 1008 errors 1 dropped 3\n"
		"\tTX packets 13 bytes 1092 errors 2 dropped 4\n");
	free(out);
}

static void link_ipv6(void **state)
{
	struct ipsecif_link l;
	const char *why;
	struct msgb m;
	char *out;

	(void)state;
	ipsec_link(&m, 16383, 16, "2001:db8::1", "2001:db8:0:1::2");
	assert_int_equal(parse_link(&m, &l, &why), 0);
	assert_int_equal(l.tun.family, AF_INET6);
	out = show(&l);
	assert_non_null(strstr(out, "\treqid 16383\n"
				    "\ttunnel inet6 2001:db8::1 --> 2001:db8:0:1::2\n"));
	free(out);
}

static void link_no_tunnel(void **state)
{
	struct ipsecif_link l;
	const char *why;
	struct msgb m;
	char *out;

	(void)state;
	/* Absent, as the kernel sends it, and both empty: no tunnel. */
	ipsec_link(&m, 5, -1, NULL, NULL);
	assert_int_equal(parse_link(&m, &l, &why), 0);
	assert_int_equal(l.tun.family, 0);
	ipsec_link(&m, 5, 0, NULL, NULL);
	assert_int_equal(parse_link(&m, &l, &why), 0);
	assert_int_equal(l.tun.family, 0);
	out = show(&l);
	assert_non_null(strstr(out, "\treqid 5\n\ttunnel none\n"));
	free(out);
}

static void link_minimal(void **state)
{
	struct ipsecif_link l;
	const char *why;
	struct msgb m;
	size_t info;
	char *out;

	(void)state;
	/* Only a name and the kind: zero counters, no MTU, no reqid, no flags. */
	newlink(&m, "ipsec1", 0);
	info = nest(&m, IFLA_LINKINFO);
	put(&m, IFLA_INFO_KIND, "ipsec", 5);	/* without its NUL */
	nest_end(&m, info);
	assert_int_equal(parse_link(&m, &l, &why), 0);
	assert_true(l.is_ipsec);
	out = show(&l);
	assert_string_equal(out,
		"ipsec1: flags=none mtu 0\n"
		"\treqid none\n"
		"\ttunnel none\n"
		"\tRX packets 0 bytes 0 errors 0 dropped 0\n"
		"\tTX packets 0 bytes 0 errors 0 dropped 0\n");
	free(out);

	/* A counter struct of the oldest size (before rx_nohandler) will do. */
	newlink(&m, "ipsec1", IFF_UP | IFF_RUNNING | IFF_POINTOPOINT | IFF_NOARP);
	{
		uint64_t st[23] = { 5, 6, 7, 8 };

		put(&m, IFLA_STATS64, st, sizeof(st));
	}
	assert_int_equal(parse_link(&m, &l, &why), 0);
	assert_int_equal(l.stats.rx_packets, 5);
	assert_int_equal(l.stats.tx_bytes, 8);
	out = show(&l);
	assert_non_null(strstr(out, "flags=UP,RUNNING,POINTOPOINT,NOARP mtu 0\n"));
	free(out);
}

static void link_other_kinds(void **state)
{
	static const char *const kinds[] = { "veth", "ipsecx", "ipse", "IPSEC", "" };
	struct ipsecif_link l;
	const char *why;
	struct msgb m;
	size_t i, info, data;

	(void)state;
	newlink(&m, "lo", IFF_UP);
	put_u32(&m, IFLA_MTU, 65536);
	assert_int_equal(parse_link(&m, &l, &why), 0);
	assert_false(l.is_ipsec);
	assert_string_equal(l.name, "lo");

	/* Another kind's IFLA_INFO_DATA is its own business: not looked into. */
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		newlink(&m, "veth0", IFF_UP);
		info = nest(&m, IFLA_LINKINFO);
		put(&m, IFLA_INFO_KIND, kinds[i], strlen(kinds[i]) + 1);
		data = nest(&m, IFLA_INFO_DATA);
		put(&m, IFLA_NFIPSEC_LOCAL, "abcde", 5);
		nest_end(&m, data);
		nest_end(&m, info);
		assert_int_equal(parse_link(&m, &l, &why), 0);
		assert_false(l.is_ipsec);
		assert_false(l.has_reqid);
	}

	/* The kind after the data, and attributes a newer kernel may add. */
	newlink(&m, "ipsec0", 0);
	info = nest(&m, IFLA_LINKINFO);
	data = nest(&m, IFLA_INFO_DATA);
	put_u32(&m, IFLA_NFIPSEC_REQID, 9);
	put(&m, 42, "future", 6);
	nest_end(&m, data);
	put(&m, IFLA_INFO_KIND, "ipsec", 6);
	nest_end(&m, info);
	put(&m, 0x3fff, NULL, 0);
	assert_int_equal(parse_link(&m, &l, &why), 0);
	assert_true(l.is_ipsec);
	assert_int_equal(l.reqid, 9);
}

/* ---- forged and truncated replies ------------------------------------ */

/* Every cut of a good reply, with the header's length left or made to fit. */
static void link_truncated(void **state)
{
	struct ipsecif_link l;
	const char *why;
	struct msgb m, c;
	size_t n;

	(void)state;
	ipsec_link(&m, 100, 16, "2001:db8::1", "2001:db8::2");
	for (n = 0; n < m.len; n++)
		assert_int_equal(parse_link_n(&m, n, &l, &why), -1);
	for (n = 0; n < m.len; n++) {
		c = m;
		if (n >= 4)
			hdr(&c)->nlmsg_len = (uint32_t)n;
		/* Accepted only where the cut falls between top-level attributes. */
		if (!parse_link_n(&c, n, &l, &why))
			assert_string_equal(l.name, "ipsec0");
	}
	/* Cut inside IFLA_STATS64: refused, and says why. */
	c = m;
	hdr(&c)->nlmsg_len = NLMSG_SPACE(sizeof(struct ifinfomsg)) + 12 + 20;
	assert_int_equal(parse_link_n(&c, c.len, &l, &why), -1);
	assert_non_null(strstr(why, "runs past"));
}

static void link_forged(void **state)
{
	const size_t a0 = NLMSG_SPACE(sizeof(struct ifinfomsg));	/* IFLA_IFNAME */
	struct nlattr *nla;
	struct msgb m;
	size_t info, data;

	(void)state;
	/* The message itself. */
	ipsec_link(&m, 1, 4, "192.0.2.1", "192.0.2.2");
	hdr(&m)->nlmsg_len = (uint32_t)m.len + 4;
	LINK_BAD(&m, "does not fit");
	hdr(&m)->nlmsg_len = 8;
	LINK_BAD(&m, "does not fit");
	hdr(&m)->nlmsg_len = NLMSG_HDRLEN + 8;
	LINK_BAD(&m, "ifinfomsg");
	ipsec_link(&m, 1, 4, "192.0.2.1", "192.0.2.2");
	hdr(&m)->nlmsg_type = RTM_DELLINK;
	LINK_BAD(&m, "not an RTM_NEWLINK");
	hdr(&m)->nlmsg_type = NLMSG_ERROR;
	LINK_BAD(&m, "not an RTM_NEWLINK");

	/* An attribute longer than the message, zero-length, shorter than a header. */
	ipsec_link(&m, 1, 4, "192.0.2.1", "192.0.2.2");
	nla = (struct nlattr *)(m.b + a0);
	nla->nla_len = 0xffff;
	LINK_BAD(&m, "runs past");
	nla->nla_len = 0;
	LINK_BAD(&m, "shorter than its header");
	nla->nla_len = 3;
	LINK_BAD(&m, "shorter than its header");

	/* Two stray bytes at the end. */
	ipsec_link(&m, 1, 4, "192.0.2.1", "192.0.2.2");
	m.len += 2;
	sync_len(&m);
	LINK_BAD(&m, "bytes left");

	/* Inside the nest: DATA longer than LINKINFO, then zero-length. */
	newlink(&m, "ipsec0", 0);
	info = nest(&m, IFLA_LINKINFO);
	put(&m, IFLA_INFO_KIND, "ipsec", 6);
	data = nest(&m, IFLA_INFO_DATA);
	put_u32(&m, IFLA_NFIPSEC_REQID, 1);
	nest_end(&m, data);
	nest_end(&m, info);
	put_u32(&m, IFLA_MTU, 1400);
	((struct nlattr *)(m.b + data))->nla_len += 8;	/* into IFLA_MTU */
	LINK_BAD(&m, "runs past");
	((struct nlattr *)(m.b + data))->nla_len = 0;
	LINK_BAD(&m, "shorter than its header");
	((struct nlattr *)(m.b + data))->nla_len = 12;
	((struct nlattr *)(m.b + data + 4))->nla_len = 0;	/* REQID */
	LINK_BAD(&m, "shorter than its header");
	((struct nlattr *)(m.b + data + 4))->nla_len = 200;
	LINK_BAD(&m, "runs past");
}

static void link_bad_sizes(void **state)
{
	struct msgb m;
	size_t info, data;

	(void)state;
	/* Addresses: a size no family has, two sizes, one alone. */
	ipsec_link(&m, 1, 5, NULL, NULL);
	LINK_BAD(&m, "IFLA_NFIPSEC_LOCAL is neither 0, 4 nor 16 bytes");
	ipsec_link(&m, 1, 6, NULL, NULL);
	LINK_BAD(&m, "neither 0, 4 nor 16");
	ipsec_link(&m, 1, 15, NULL, NULL);
	LINK_BAD(&m, "neither 0, 4 nor 16");

	newlink(&m, "ipsec0", 0);
	info = nest(&m, IFLA_LINKINFO);
	put(&m, IFLA_INFO_KIND, "ipsec", 6);
	data = nest(&m, IFLA_INFO_DATA);
	put(&m, IFLA_NFIPSEC_LOCAL, "\xc0\x00\x02\x01", 4);
	put(&m, IFLA_NFIPSEC_REMOTE, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
	nest_end(&m, data);
	nest_end(&m, info);
	LINK_BAD(&m, "different sizes");

	newlink(&m, "ipsec0", 0);
	info = nest(&m, IFLA_LINKINFO);
	put(&m, IFLA_INFO_KIND, "ipsec", 6);
	data = nest(&m, IFLA_INFO_DATA);
	put(&m, IFLA_NFIPSEC_REMOTE, "\xc0\x00\x02\x01", 4);
	nest_end(&m, data);
	nest_end(&m, info);
	LINK_BAD(&m, "only one of");

	newlink(&m, "ipsec0", 0);
	info = nest(&m, IFLA_LINKINFO);
	put(&m, IFLA_INFO_KIND, "ipsec", 6);
	data = nest(&m, IFLA_INFO_DATA);
	put(&m, IFLA_NFIPSEC_REQID, "\1\0", 2);
	nest_end(&m, data);
	nest_end(&m, info);
	LINK_BAD(&m, "IFLA_NFIPSEC_REQID is not 4 bytes");

	/* The top level's own. */
	newlink(&m, "ipsec0", 0);
	put(&m, IFLA_MTU, "\0\0\0\0\0\0\0\0", 8);
	LINK_BAD(&m, "IFLA_MTU is not 4 bytes");
	newlink(&m, "ipsec0", 0);
	put(&m, IFLA_STATS64, "\0\0\0\0\0\0\0\0", 8);
	LINK_BAD(&m, "IFLA_STATS64 is too short");
	newlink(&m, NULL, 0);
	put_u32(&m, IFLA_MTU, 1400);
	LINK_BAD(&m, "no IFLA_IFNAME");
	newlink(&m, NULL, 0);
	put(&m, IFLA_IFNAME, "", 1);
	LINK_BAD(&m, "IFLA_IFNAME is empty");
	newlink(&m, NULL, 0);
	put(&m, IFLA_IFNAME, "abcdefghijklmnopqrstuvwxyz", 26);	/* no NUL in IFNAMSIZ */
	LINK_BAD(&m, "longer than IFNAMSIZ");
	newlink(&m, NULL, 0);
	put(&m, IFLA_IFNAME, "abcdefghijklmnop", 16);		/* 16 bytes, no NUL */
	LINK_BAD(&m, "longer than IFNAMSIZ");
}

/* Random corruption of good replies: refused or parsed, never a bad read. */
static void link_mutated(void **state)
{
	struct ipsecif_link l;
	const char *why;
	struct msgb good[3], m;
	unsigned int i, k, flips;
	char *out;

	(void)state;
	ipsec_link(&good[0], 100, 4, "192.0.2.1", "192.0.2.2");
	ipsec_link(&good[1], 7, 16, "2001:db8::1", "2001:db8::2");
	ipsec_link(&good[2], 0, 0, NULL, NULL);
	srandom(4301);
	for (i = 0; i < 200000; i++) {
		m = good[i % 3];
		flips = 1 + (unsigned int)random() % 4;
		for (k = 0; k < flips; k++) {
			size_t at = (size_t)random() % m.len;

			/* Mostly the length bytes of headers, where it hurts. */
			if (random() & 1)
				m.b[at] = (uint8_t)random();
			else
				m.b[at & ~(size_t)3] = (uint8_t)random();
		}
		if (!(i & 7))
			m.len = (size_t)random() % (m.len + 1);
		if (!parse_link_n(&m, m.len, &l, &why)) {
			assert_true(strlen(l.name) > 0 && strlen(l.name) < IFNAMSIZ);
			assert_true(l.tun.family == 0 || l.tun.family == AF_INET ||
				    l.tun.family == AF_INET6);
			out = show(&l);
			free(out);
		}
	}
}

/* ---- acks and errors ------------------------------------------------- */

/*
 * An NLMSG_ERROR for @error, echoing a 40-byte request unless @capped,
 * with extended-ack @msg if not NULL.
 */
static void errmsg(struct msgb *m, int error, bool capped, const char *msg)
{
	struct nlmsgerr e = { .error = error };

	memset(m, 0, sizeof(*m));
	hdr(m)->nlmsg_type = NLMSG_ERROR;
	hdr(m)->nlmsg_flags = (capped ? NLM_F_CAPPED : 0) | (msg ? NLM_F_ACK_TLVS : 0);
	e.msg.nlmsg_len = capped ? NLMSG_HDRLEN : 40;
	e.msg.nlmsg_type = RTM_NEWLINK;
	memcpy(m->b + NLMSG_HDRLEN, &e, sizeof(e));
	m->len = NLMSG_HDRLEN + sizeof(e);
	if (!capped) {
		memset(m->b + m->len, 0xa5, 40 - NLMSG_HDRLEN);	/* the request's payload */
		m->len += 40 - NLMSG_HDRLEN;
	}
	m->len = NLMSG_ALIGN(m->len);
	sync_len(m);
	if (msg) {
		put_u32(m, NLMSGERR_ATTR_OFFS, 32);
		put(m, NLMSGERR_ATTR_MSG, msg, strlen(msg) + 1);
	}
}

static int status_n(const struct msgb *m, size_t n, int *error, char *ext, size_t extsize)
{
	uint8_t *p = malloc(n ? n : 1);
	const char *e, *why = NULL;
	size_t elen;
	int r;

	assert_non_null(p);
	memcpy(p, m->b, n);
	r = ipsecif_parse_status(p, n, error, &e, &elen, &why);
	ext[0] = '\0';
	if (r)
		assert_non_null(why);
	else if (e)
		snprintf(ext, extsize, "%.*s", (int)elen, e);
	else
		snprintf(ext, extsize, "(none)");
	free(p);
	return r;
}

static int status(const struct msgb *m, int *error, char *ext, size_t extsize)
{
	return status_n(m, m->len, error, ext, extsize);
}

static void status_ack_and_errors(void **state)
{
	struct msgb m;
	char ext[128];
	int error;

	(void)state;
	errmsg(&m, 0, true, NULL);
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), 0);
	assert_int_equal(error, 0);
	assert_string_equal(ext, "(none)");

	errmsg(&m, -EOPNOTSUPP, false, "Unknown device type");
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), 0);
	assert_int_equal(error, EOPNOTSUPP);
	assert_string_equal(ext, "Unknown device type");

	errmsg(&m, -EINVAL, true, "Invalid reqid");
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), 0);
	assert_int_equal(error, EINVAL);
	assert_string_equal(ext, "Invalid reqid");

	errmsg(&m, -ENODEV, false, NULL);
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), 0);
	assert_int_equal(error, ENODEV);
	assert_string_equal(ext, "(none)");

	/* NLMSG_DONE: the end of a dump, with or without an error. */
	memset(&m, 0, sizeof(m));
	hdr(&m)->nlmsg_type = NLMSG_DONE;
	m.len = NLMSG_HDRLEN;
	sync_len(&m);
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), 0);
	assert_int_equal(error, 0);
	m.len = NLMSG_HDRLEN + 4;	/* the int: 0 */
	sync_len(&m);
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), 0);
	assert_int_equal(error, 0);
	*(int32_t *)(m.b + NLMSG_HDRLEN) = -EMSGSIZE;
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), 0);
	assert_int_equal(error, EMSGSIZE);
	hdr(&m)->nlmsg_flags = NLM_F_ACK_TLVS;
	put(&m, NLMSGERR_ATTR_MSG, "dump failed", 12);
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), 0);
	assert_string_equal(ext, "dump failed");
}

static void status_forged(void **state)
{
	struct nlmsgerr *e;
	struct msgb m, c;
	char ext[128];
	int error;
	size_t n;

	(void)state;
	/* Cut anywhere before the whole struct nlmsgerr: refused. */
	errmsg(&m, -EEXIST, false, "File exists");
	for (n = 0; n < NLMSG_HDRLEN + sizeof(struct nlmsgerr); n++) {
		assert_int_equal(status_n(&m, n, &error, ext, sizeof(ext)), -1);
		c = m;
		hdr(&c)->nlmsg_len = (uint32_t)n;
		assert_int_equal(status_n(&c, m.len, &error, ext, sizeof(ext)), -1);
	}
	/* Cut in the extended ack: the errno still, the message maybe. */
	for (; n <= m.len; n++) {
		c = m;
		hdr(&c)->nlmsg_len = (uint32_t)n;
		assert_int_equal(status_n(&c, n, &error, ext, sizeof(ext)), 0);
		assert_int_equal(error, EEXIST);
		assert_true(!strcmp(ext, "(none)") || !strcmp(ext, "File exists") ||
			    !strncmp("File exists", ext, strlen(ext)));
	}

	/* An echoed request claiming to be huge, or tiny: only the message is lost. */
	errmsg(&m, -EEXIST, false, "File exists");
	e = (struct nlmsgerr *)(m.b + NLMSG_HDRLEN);
	e->msg.nlmsg_len = 0xfffffff0;
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), 0);
	assert_int_equal(error, EEXIST);
	assert_string_equal(ext, "(none)");
	e->msg.nlmsg_len = 0;
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), 0);
	assert_int_equal(error, EEXIST);

	/* A message attribute without its NUL, or with a broken length. */
	errmsg(&m, -EPERM, true, NULL);
	hdr(&m)->nlmsg_flags |= NLM_F_ACK_TLVS;
	put(&m, NLMSGERR_ATTR_MSG, "abcdefg", 7);
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), 0);
	assert_string_equal(ext, "abcdefg");
	((struct nlattr *)(m.b + m.len - 8 - 4))->nla_len = 0;
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), 0);
	assert_int_equal(error, EPERM);
	assert_string_equal(ext, "(none)");

	/* Error codes that are no errno; types that are neither. */
	errmsg(&m, 5, true, NULL);
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), -1);
	errmsg(&m, -100000, true, NULL);
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), -1);
	errmsg(&m, INT32_MIN, true, NULL);
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), -1);
	errmsg(&m, 0, true, NULL);
	hdr(&m)->nlmsg_type = RTM_NEWLINK;
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), -1);
	hdr(&m)->nlmsg_type = NLMSG_ERROR;
	hdr(&m)->nlmsg_len = 0x7fffffff;
	assert_int_equal(status(&m, &error, ext, sizeof(ext)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(args_show),
		cmocka_unit_test(args_create),
		cmocka_unit_test(args_change),
		cmocka_unit_test(args_bad_reqid),
		cmocka_unit_test(args_bad_tunnel),
		cmocka_unit_test(args_bad_words),
		cmocka_unit_test(link_ipv4),
		cmocka_unit_test(link_ipv6),
		cmocka_unit_test(link_no_tunnel),
		cmocka_unit_test(link_minimal),
		cmocka_unit_test(link_other_kinds),
		cmocka_unit_test(link_truncated),
		cmocka_unit_test(link_forged),
		cmocka_unit_test(link_bad_sizes),
		cmocka_unit_test(link_mutated),
		cmocka_unit_test(status_ack_and_errors),
		cmocka_unit_test(status_forged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
