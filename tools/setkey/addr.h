/* SPDX-License-Identifier: GPL-2.0 */
/*
 * addr.h - addresses, ports and protocol numbers.
 */
#ifndef SETKEY_ADDR_H
#define SETKEY_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define ADDR_MAX 16	/* addresses kept per name */

struct addrlist {
	struct sockaddr_storage a[ADDR_MAX];
	size_t n;
};

/*
 * Resolve a host name: the hook tests replace to resolve names without a
 * network.  Fill @out (in resolver order, no duplicates) with addresses of
 * @family (AF_UNSPEC for both); @numeric forbids name lookups (-n).
 * Returns 0, or -1 with a message in @err.
 */
typedef int (*resolver_fn)(const char *name, int family, bool numeric,
			   struct addrlist *out, char *err, size_t errlen);
extern resolver_fn setkey_resolver;
int resolve_getaddrinfo(const char *name, int family, bool numeric,
			struct addrlist *out, char *err, size_t errlen);

/*
 * @name as a list of addresses with @port (network order is applied here;
 * -1 means 0).  Numeric addresses never go through the resolver; one of
 * the wrong family under -4/-6 is an error that says so.
 */
int addr_lookup(const char *name, int family, bool numeric, int port,
		struct addrlist *out, char *err, size_t errlen);

/* Is @name a numeric IPv4 or IPv6 address (with an optional %zone)? */
bool addr_is_numeric(const char *name);

/* Port of a service name (/etc/services, udp then tcp), or -1. */
int service_port(const char *name);

/*
 * Upper-layer protocol for a name: "any" (255), "icmp6", "ip4", names in
 * /etc/protocols, and a built-in list of common names so the result does
 * not depend on the host's /etc/protocols.  -1 when unknown.
 */
int upper_proto(const char *name);

/* Name setkey -DP prints for an upper-layer protocol, or NULL. */
const char *upper_proto_name(int proto);

/* Numeric host text of a sockaddr ("10.0.0.1", "fe80::1%eth0"). */
void sa_host(const struct sockaddr *sa, char *buf, size_t size);
/* Port of a sockaddr in host order. */
unsigned int sa_port(const struct sockaddr *sa);
/* Same address and family (ports ignored)? */
bool sa_same_addr(const struct sockaddr *a, const struct sockaddr *b);
/* Full prefix length of the family (32 or 128), 0 if unknown. */
int sa_bits(int family);

#endif
