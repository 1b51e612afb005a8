// SPDX-License-Identifier: GPL-2.0
/*
 * addr.c - names to addresses, ports and protocol numbers, and back.
 *
 * setkey(8): "If the FQDN resolves into multiple addresses, setkey will
 * install multiple SAD/SPD entries into the kernel by trying all possible
 * combinations.  -4 and -6 restrict results into IPv4/v6 addresses only
 * [...] -n avoids FQDN resolution".  A numeric address is taken as it is;
 * one of the other family under -4/-6 is refused with a message saying
 * so (getaddrinfo would only say "Address family for hostname not
 * supported").
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "msgbuf.h"

resolver_fn setkey_resolver = resolve_getaddrinfo;

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "unknown";
}

static void add_unique(struct addrlist *out, const struct sockaddr *sa)
{
	size_t i, len = sockaddr_len(sa->sa_family);

	if (!len || out->n == ADDR_MAX)
		return;
	for (i = 0; i < out->n; i++)
		if (!memcmp(&out->a[i], sa, len))
			return;
	memset(&out->a[out->n], 0, sizeof(out->a[0]));
	memcpy(&out->a[out->n++], sa, len);
}

int resolve_getaddrinfo(const char *name, int family, bool numeric,
			struct addrlist *out, char *err, size_t errlen)
{
	struct addrinfo hints, *res, *r;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;	/* one answer per address */
	hints.ai_flags = numeric ? AI_NUMERICHOST : 0;
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "cannot resolve '%s': %s", name, gai_strerror(rc));
		return -1;
	}
	for (r = res; r; r = r->ai_next)
		if (r->ai_family == AF_INET || r->ai_family == AF_INET6)
			add_unique(out, r->ai_addr);
	freeaddrinfo(res);
	return 0;
}

/* A numeric address, with an optional %zone for IPv6. */
static bool parse_numeric(const char *name, struct sockaddr_storage *ss)
{
	struct addrinfo hints, *res;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(name, NULL, &hints, &res))
		return false;
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return true;
}

bool addr_is_numeric(const char *name)
{
	struct sockaddr_storage ss;

	return parse_numeric(name, &ss);
}

static void set_port(struct sockaddr_storage *ss, int port)
{
	uint16_t p = htons(port < 0 ? 0 : (uint16_t)port);

	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = p;
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = p;
}

int addr_lookup(const char *name, int family, bool numeric, int port,
		struct addrlist *out, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct addrlist all;
	size_t i;

	out->n = 0;
	if (parse_numeric(name, &ss)) {
		if (family != AF_UNSPEC && ss.ss_family != family) {
			snprintf(err, errlen, "%s is an %s address, but -%c allows "
				 "only %s addresses", name, family_name(ss.ss_family),
				 family == AF_INET ? '4' : '6', family_name(family));
			return -1;
		}
		add_unique(out, (struct sockaddr *)&ss);
	} else if (numeric) {
		snprintf(err, errlen, "'%s' is not a numeric address (-n forbids "
			 "name resolution)", name);
		return -1;
	} else {
		memset(&all, 0, sizeof(all));
		if (setkey_resolver(name, family, false, &all, err, errlen))
			return -1;
		for (i = 0; i < all.n; i++)
			if (family == AF_UNSPEC || all.a[i].ss_family == family)
				add_unique(out, (struct sockaddr *)&all.a[i]);
		if (!out->n) {
			snprintf(err, errlen, "'%s' has no %saddress", name,
				 family == AF_INET ? "IPv4 " :
				 family == AF_INET6 ? "IPv6 " : "");
			return -1;
		}
	}
	for (i = 0; i < out->n; i++)
		set_port(&out->a[i], port);
	return 0;
}

/*
 * getprotobyname() and getservbyname() reread their file on every call; a
 * file of 100k statements names the same few protocols and services over
 * and over.  Remember the last answers.
 */
#define NAME_MEMO_SIZE 32
struct name_memo {
	char *name[NAME_MEMO_SIZE];
	int value[NAME_MEMO_SIZE];
	unsigned int next;
};

static bool memo_find(const struct name_memo *m, const char *name, int *value)
{
	unsigned int i;

	for (i = 0; i < NAME_MEMO_SIZE && m->name[i]; i++)
		if (!strcmp(m->name[i], name)) {
			*value = m->value[i];
			return true;
		}
	return false;
}

static void memo_add(struct name_memo *m, const char *name, int value)
{
	unsigned int slot = m->next++ % NAME_MEMO_SIZE;
	char *copy = strdup(name);

	if (!copy)
		return;
	free(m->name[slot]);
	m->name[slot] = copy;
	m->value[slot] = value;
}

static int lookup_service_port(const char *name)
{
	struct servent *s = getservbyname(name, "udp");

	if (!s)
		s = getservbyname(name, "tcp");
	return s ? ntohs(s->s_port) : -1;
}

/* @lookup(@name), answered from @m when it was asked before. */
static int memo_lookup(struct name_memo *m, const char *name,
		       int (*lookup)(const char *name))
{
	int value;

	if (!memo_find(m, name, &value)) {
		value = lookup(name);
		memo_add(m, name, value);
	}
	return value;
}

int service_port(const char *name)
{
	static struct name_memo memo;

	return memo_lookup(&memo, name, lookup_service_port);
}

/*
 * Debian's /etc/protocols (netbase) names for the protocols people put in
 * selectors, so that parsing and printing do not depend on the file.
 */
static const struct {
	int num;
	const char *name;
} protos[] = {
	{ 0, "ip" }, { 1, "icmp" }, { 2, "igmp" }, { 4, "ipencap" },
	{ 6, "tcp" }, { 17, "udp" }, { 33, "dccp" }, { 41, "ipv6" },
	{ 43, "ipv6-route" }, { 44, "ipv6-frag" }, { 46, "rsvp" },
	{ 47, "gre" }, { 50, "esp" }, { 51, "ah" }, { 58, "ipv6-icmp" },
	{ 59, "ipv6-nonxt" }, { 60, "ipv6-opts" }, { 89, "ospf" },
	{ 94, "ipip" }, { 97, "etherip" }, { 103, "pim" }, { 108, "ipcomp" },
	{ 112, "vrrp" }, { 115, "l2tp" }, { 132, "sctp" },
	{ 135, "mobility-header" }, { 136, "udplite" }, { 137, "mpls-in-ip" },
};

static int lookup_upper_proto(const char *name)
{
	struct protoent *pe;
	size_t i;

	if (!strcmp(name, "any"))
		return 255;	/* IPSEC_ULPROTO_ANY */
	pe = getprotobyname(name);
	if (pe)
		return pe->p_proto;
	/* ipsec-tools' own words, checked after /etc/protocols as it does. */
	if (!strcmp(name, "icmp6"))
		return IPPROTO_ICMPV6;
	if (!strcmp(name, "ip4"))
		return 4;
	if (!strcmp(name, "mh"))
		return 135;
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strcmp(name, protos[i].name))
			return protos[i].num;
	return -1;
}

int upper_proto(const char *name)
{
	static struct name_memo memo;

	return memo_lookup(&memo, name, lookup_upper_proto);
}

/*
 * Names of upper-layer protocols, looked up once per number: a dump of
 * 100k policies would otherwise reopen /etc/protocols 100k times.
 */
static const char *proto_name_cache[256];
static bool proto_name_known[256];

static const char *lookup_proto_name(int proto)
{
	struct protoent *pe = getprotobynumber(proto);
	size_t i;

	if (pe)
		return strdup(pe->p_name);
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].num == proto)
			return protos[i].name;
	return NULL;
}

const char *upper_proto_name(int proto)
{
	if (proto < 0 || proto > 255)
		return NULL;
	if (!proto_name_known[proto]) {
		proto_name_cache[proto] = lookup_proto_name(proto);
		proto_name_known[proto] = true;
	}
	return proto_name_cache[proto];
}

void sa_host(const struct sockaddr *sa, char *buf, size_t size)
{
	size_t len = sockaddr_len(sa->sa_family);

	if (!len || getnameinfo(sa, len, buf, size, NULL, 0, NI_NUMERICHOST))
		snprintf(buf, size, "(family %u)", sa->sa_family);
}

unsigned int sa_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

bool sa_same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
	return false;
}

int sa_bits(int family)
{
	return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}
