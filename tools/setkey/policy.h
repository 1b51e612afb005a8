/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy.h - sadb_x_policy: priorities, encoding, and the text form
 * ipsec_dump_policy(3) prints.
 */
#ifndef SETKEY_POLICY_H
#define SETKEY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ast.h"
#include "msgbuf.h"

/*
 * ipsec-tools' libpfkey.h.  Linux sorts policies by ascending priority
 * value, so "high" is the smallest number, and "def" sits at 2^31 so that
 * offsets can go either way.  A policy written without "prio" gets
 * PRIORITY_DEFAULT; a bare direction (spddelete's "-P out") gets 0.
 */
#define PRIORITY_LOW		0xC0000000u
#define PRIORITY_DEFAULT	0x80000000u
#define PRIORITY_HIGH		0x40000000u
#define PRIORITY_PLUS_MAX	0x40000000u	/* base + offset */
#define PRIORITY_MINUS_MAX	0x3fffffffu	/* base - offset */

/* "prio N" / "prio -N": returns -1 when out of range. */
int policy_priority_from_offset(int sign, uint64_t v, uint32_t *out);

/*
 * How ipsec-tools prints a priority: "" for 0, else "prio def", "prio high
 * + 5", "prio low - 3" relative to the nearest base.
 */
void policy_priority_str(uint32_t prio, char *buf, size_t size);

/* Resolved end points of one request (tunnel mode). */
struct req_addrs {
	struct sockaddr_storage src, dst;
};

/*
 * Append the sadb_x_policy extension for @pol to @mb, with @ra[i] the end
 * points of request i (ignored for requests without addresses).  With
 * @fwd_twin the copy RFC mode adds for an "in" policy: direction fwd, and
 * unique levels become require without a reqid.
 */
void policy_encode(struct msgbuf *mb, const struct policy *pol,
		   const struct req_addrs *ra, bool fwd_twin);

/*
 * The policy as ipsec_dump_policy(3) writes it: "out prio def ipsec",
 * then each request after @delim ("esp/tunnel/10.0.0.1-10.0.0.2/require").
 * @len is the extension's length in bytes.  Returns 0, or -1 with a
 * reason in @buf when the extension is malformed.
 */
int policy_format(const void *xpl, size_t len, const char *delim,
		  bool withports, char *buf, size_t size);

#endif
