// SPDX-License-Identifier: GPL-2.0
/*
 * parse_policy.c - spdadd, spdupdate, spddelete: selectors and the policy.
 *
 * The policy after -P follows ipsec_set_policy(3) (libipsec's
 * policy_parse.y and policy_token.l):
 *
 *   direction [prio spec] discard | none | ipsec request...
 *   request:  protocol/mode[/[src-dst][/[level]]]
 *   prio:     prio|priority N, or low|def|high [+|- N]
 *
 * and a bare direction ("-P out ;"), which spddelete uses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <linux/ipsec.h>

#include "addr.h"
#include "parse_int.h"
#include "policy.h"

static void add_req(struct policy *pol, const struct ipsec_req *r)
{
	struct ipsec_req *v = realloc(pol->reqs, (pol->nreqs + 1) * sizeof(*v));

	if (!v)
		abort();
	pol->reqs = v;
	pol->reqs[pol->nreqs++] = *r;
}

/* An end point of a tunnel request: numeric address, optional [port]. */
static void parse_req_host(struct parser *p, struct host *h, const char *what)
{
	char buf[80];
	struct token t;

	memset(h, 0, sizeof(*h));
	h->prefix = -1;
	h->port = -1;
	snprintf(buf, sizeof(buf), "the %s address of the request", what);
	t = expect_kind(p, TK_WORD, buf);
	if (t.len >= sizeof(h->name))
		perror_at(p, &t.loc, "address too long");
	memcpy(h->name, t.p, t.len);
	h->loc = t.loc;
	if (lex_peek(&p->lx)->kind == TK_LBRACK) {
		lex_next(&p->lx);
		h->port_loc = lex_peek(&p->lx)->loc;
		h->port = (int)parse_uint(p, 65535, "the port");
		expect_kind(p, TK_RBRACK, "']' after the port");
	}
}

static bool parse_level(struct parser *p, struct ipsec_req *r)
{
	const struct token *n = lex_peek(&p->lx);

	if (tok_is(n, "default"))
		r->level = IPSEC_LEVEL_DEFAULT;
	else if (tok_is(n, "use"))
		r->level = IPSEC_LEVEL_USE;
	else if (tok_is(n, "require"))
		r->level = IPSEC_LEVEL_REQUIRE;
	else if (tok_is(n, "unique"))
		r->level = IPSEC_LEVEL_UNIQUE;
	else if (n->kind == TK_WORD && n->len > 7 && !memcmp(n->p, "unique:", 7)) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(n->p + 7, &end, 10);
		if (end != n->p + n->len || n->p[7] < '0' || n->p[7] > '9' ||
		    errno || v < 1 || v > 32767)
			perror_at(p, &n->loc, "the id after 'unique:' must be a number "
				  "from 1 to 32767");
		r->level = IPSEC_LEVEL_UNIQUE;
		r->reqid = (uint32_t)v;
	} else {
		return false;
	}
	lex_next(&p->lx);
	return true;
}

#define LEVELS "default, use, require, unique or unique:<id>"

static bool is_proto_word(const struct token *t)
{
	return tok_is(t, "esp") || tok_is(t, "ah") || tok_is(t, "ipcomp");
}

static bool is_level_word(const struct token *t)
{
	return tok_is(t, "default") || tok_is(t, "use") || tok_is(t, "require") ||
	       tok_is(t, "unique") ||
	       (t->kind == TK_WORD && t->len > 7 && !memcmp(t->p, "unique:", 7));
}

static void parse_request(struct parser *p, struct policy *pol)
{
	struct ipsec_req r;
	struct token t;
	const struct token *n;

	memset(&r, 0, sizeof(r));
	r.loc = lex_peek(&p->lx)->loc;
	n = lex_peek(&p->lx);
	if (tok_is(n, "esp"))
		r.proto = IPPROTO_ESP;
	else if (tok_is(n, "ah"))
		r.proto = IPPROTO_AH;
	else if (tok_is(n, "ipcomp"))
		r.proto = IPPROTO_COMP;
	else
		expected(p, "a request protocol (esp, ah or ipcomp) or ';'");
	t = lex_next(&p->lx);
	if (!accept_kind(p, TK_SLASH))
		perror_at(p, &t.loc, "a request needs at least protocol/mode, as in "
			  "esp/transport//require");
	n = lex_peek(&p->lx);
	if (tok_is(n, "transport"))
		r.mode = IPSEC_MODE_TRANSPORT;
	else if (tok_is(n, "tunnel"))
		r.mode = IPSEC_MODE_TUNNEL;
	else
		expected(p, "a mode (transport or tunnel) after the protocol");
	t = lex_next(&p->lx);

	if (accept_kind(p, TK_SLASH)) {
		n = lex_peek(&p->lx);
		if (n->kind == TK_SLASH) {
			lex_next(&p->lx);
			n = lex_peek(&p->lx);
			if (n->kind == TK_WORD && !is_proto_word(n) && !parse_level(p, &r))
				expected(p, "a level (" LEVELS ")");
		} else if (is_proto_word(n)) {
			/* "esp/transport/ ah/...": the next request. */
		} else if (is_level_word(n)) {
			perror_at(p, &n->loc, "the level goes after the addresses: "
				  "protocol/mode/src-dst/level, or protocol/mode//level "
				  "without addresses");
		} else if (n->kind == TK_WORD) {
			if (tok_is(n, "me") || tok_is(n, "any")) {
				bool me = tok_is(n, "me");
				struct token a = lex_next(&p->lx);

				expect_kind(p, TK_MINUS, "'-' between the two addresses");
				if (!(me ? peek_is(p, "any") : peek_is(p, "me")))
					expected(p, me ? "'any' (me-any)" : "'me' (any-me)");
				lex_next(&p->lx);
				if (me && pol->dir != IPSEC_DIR_OUTBOUND)
					perror_at(p, &a.loc, "me-any is only valid in an out policy");
				if (!me && pol->dir != IPSEC_DIR_INBOUND)
					perror_at(p, &a.loc, "any-me is only valid in an in policy");
			} else {
				parse_req_host(p, &r.src, "source");
				expect_kind(p, TK_MINUS, "'-' between the source and "
					    "destination addresses");
				parse_req_host(p, &r.dst, "destination");
				r.has_addrs = true;
			}
			if (accept_kind(p, TK_SLASH) && lex_peek(&p->lx)->kind == TK_WORD &&
			    !is_proto_word(lex_peek(&p->lx)) && !parse_level(p, &r))
				expected(p, "a level (" LEVELS ")");
		} else if (n->kind != TK_SEMI && !parse_level(p, &r)) {
			expected(p, "the tunnel addresses (src-dst), '/' or ';'");
		}
	}
	if (r.mode == IPSEC_MODE_TUNNEL && !r.has_addrs)
		perror_at(p, &r.loc, "a tunnel request needs its end points: "
			  "protocol/tunnel/src-dst/level");
	r.loc.len = p->lx.prev_end.off - r.loc.off;
	add_req(pol, &r);
}

/* prio|priority already consumed. */
static void parse_priority(struct parser *p, struct policy *pol)
{
	const struct token *n = lex_peek(&p->lx);
	struct loc at = n->loc;
	int sign = 1;
	uint64_t v;

	if (tok_is(n, "low") || tok_is(n, "def") || tok_is(n, "high")) {
		uint32_t base = tok_is(n, "low") ? PRIORITY_LOW :
				tok_is(n, "def") ? PRIORITY_DEFAULT : PRIORITY_HIGH;

		lex_next(&p->lx);
		pol->priority = base;
		if (accept_kind(p, TK_PLUS)) {
			at = lex_peek(&p->lx)->loc;
			v = parse_uint(p, UINT64_MAX, "the priority offset");
			if (v > PRIORITY_PLUS_MAX)
				perror_at(p, &at, "priority offset out of range: base + "
					  "offset allows 0 to %u", PRIORITY_PLUS_MAX);
			pol->priority = base - (uint32_t)v;
		} else if (accept_kind(p, TK_MINUS)) {
			at = lex_peek(&p->lx)->loc;
			v = parse_uint(p, UINT64_MAX, "the priority offset");
			if (v > PRIORITY_MINUS_MAX)
				perror_at(p, &at, "priority offset out of range: base - "
					  "offset allows 0 to %u", PRIORITY_MINUS_MAX);
			pol->priority = base + (uint32_t)v;
		}
		return;
	}
	if (accept_kind(p, TK_MINUS))
		sign = -1;
	else
		accept_kind(p, TK_PLUS);
	if (lex_peek(&p->lx)->kind != TK_NUM)
		expected(p, "a priority after 'prio': a number, or low, def or high "
			 "with an optional + or - offset");
	v = parse_uint(p, UINT64_MAX, "the priority");
	if (policy_priority_from_offset(sign, v, &pol->priority) < 0)
		perror_at(p, &at, "priority out of range (-2147483647 to 2147483648)");
}

/* The policy, in LEX_POLICY mode, up to (not including) the ';'. */
static void parse_policy(struct parser *p, struct policy *pol)
{
	const struct token *n = lex_peek(&p->lx);

	pol->loc = n->loc;
	if (tok_is(n, "in"))
		pol->dir = IPSEC_DIR_INBOUND;
	else if (tok_is(n, "out"))
		pol->dir = IPSEC_DIR_OUTBOUND;
	else if (tok_is(n, "fwd"))
		pol->dir = IPSEC_DIR_FWD;
	else
		expected(p, "a direction (in, out or fwd) after -P");
	lex_next(&p->lx);

	if (lex_peek(&p->lx)->kind == TK_SEMI) {
		/* Bare direction: type discard, priority 0, as libipsec sends. */
		pol->dir_only = true;
		pol->type = IPSEC_POLICY_DISCARD;
		pol->priority = 0;
		return;
	}
	pol->priority = PRIORITY_DEFAULT;
	if (peek_is(p, "prio") || peek_is(p, "priority")) {
		lex_next(&p->lx);
		parse_priority(p, pol);
	}
	n = lex_peek(&p->lx);
	pol->type_loc = n->loc;
	if (tok_is(n, "discard"))
		pol->type = IPSEC_POLICY_DISCARD;
	else if (tok_is(n, "none"))
		pol->type = IPSEC_POLICY_NONE;
	else if (tok_is(n, "ipsec"))
		pol->type = IPSEC_POLICY_IPSEC;
	else if (tok_is(n, "entrust") || tok_is(n, "bypass"))
		perror_at(p, &n->loc, "policy '%.*s' is a KAME per-socket policy: "
			  "Linux's PF_KEY only takes discard, none and ipsec in the SPD",
			  (int)n->len, n->p);
	else
		expected(p, "discard, none or ipsec (or a priority: prio ...)");
	lex_next(&p->lx);

	if (pol->type == IPSEC_POLICY_IPSEC) {
		while (lex_peek(&p->lx)->kind != TK_SEMI)
			parse_request(p, pol);
	} else if (lex_peek(&p->lx)->kind != TK_SEMI) {
		expected(p, "';' (only an ipsec policy has requests)");
	}
}

/* icmp type,code / GRE key: the "upper_misc" part of the selector. */
static void parse_misc(struct parser *p, struct sp_spec *sp)
{
	struct token t = lex_next(&p->lx);
	unsigned long a, b, c, d, u;
	char tail;

	sp->has_misc = true;
	sp->misc_loc = t.loc;
	snprintf(sp->misc, sizeof(sp->misc), "%.*s", (int)t.len, t.p);
	switch (sp->upper) {
	case IPPROTO_ICMP: case IPPROTO_ICMPV6: case IPPROTO_MH:
		if (sscanf(sp->misc, "%lu,%lu%c", &a, &b, &tail) != 2 || a > 255 || b > 255)
			perror_at(p, &t.loc, "expected the ICMP type and code as "
				  "type,code (each 0 to 255), found '%s'", sp->misc);
		sp->misc_sport = (uint16_t)a;
		sp->misc_dport = (uint16_t)b;
		break;
	case IPPROTO_GRE:
		if (sscanf(sp->misc, "%lu.%lu.%lu.%lu%c", &a, &b, &c, &d, &tail) == 4 &&
		    a < 256 && b < 256 && c < 256 && d < 256) {
			sp->misc_sport = (uint16_t)((a << 8) + b);
			sp->misc_dport = (uint16_t)((c << 8) + d);
		} else if (t.kind == TK_NUM && sscanf(sp->misc, "%lu%c", &u, &tail) == 1 &&
			   u <= 0xffffffffUL) {
			sp->misc_sport = (uint16_t)(u >> 16);
			sp->misc_dport = (uint16_t)(u & 0xffff);
		} else {
			perror_at(p, &t.loc, "expected a GRE key as a number or in "
				  "dotted-quad form, found '%s'", sp->misc);
		}
		break;
	default:
		perror_at(p, &t.loc, "only icmp, icmp6, mh and gre take a further "
			  "specification after the protocol, found '%s'", sp->misc);
	}
}

static void parse_upper(struct parser *p, struct sp_spec *sp)
{
	const struct token *n = lex_peek(&p->lx);
	char name[64];

	sp->upper_loc = n->loc;
	if (n->kind == TK_NUM) {
		sp->upper = (int)parse_uint(p, 255, "the upper-layer protocol number");
		return;
	}
	if (n->kind != TK_WORD)
		expected(p, "an upper-layer protocol (a name from /etc/protocols, a "
			 "number, icmp6, ip4 or any)");
	snprintf(name, sizeof(name), "%.*s", (int)n->len, n->p);
	sp->upper = upper_proto(name);
	if (sp->upper < 0)
		perror_at(p, &n->loc, "unknown upper-layer protocol '%s' (not in "
			  "/etc/protocols; expected a protocol name or number, icmp6, "
			  "ip4 or any)", name);
	lex_next(&p->lx);
}

void parse_sp_stmt(struct parser *p, struct stmt *st)
{
	struct sp_spec *sp = &st->sp;
	const struct token *n;

	parse_addropts(p, st);
	if (peek_is(p, "tagged")) {
		struct token t = lex_next(&p->lx);

		if (st->kind == ST_SPDDELETE)
			perror_at(p, &t.loc, "spddelete has no tagged form");
		t = expect_kind(p, TK_STRING, "the PF tag as a \"quoted string\"");
		sp->tagged = true;
		sp->tag_loc = t.loc;
		snprintf(sp->tag, sizeof(sp->tag), "%.*s", (int)t.len - 2, t.p + 1);
	} else {
		parse_host(p, &sp->src, true, "the source");
		parse_host(p, &sp->dst, true, "the destination");
		parse_upper(p, sp);
		n = lex_peek(&p->lx);
		if (n->kind == TK_NUM || n->kind == TK_WORD)
			parse_misc(p, sp);
	}
	n = lex_peek(&p->lx);
	if (n->kind == TK_FLAG && tok_is(n, "-ctx")) {
		struct token f = lex_next(&p->lx);

		parse_ctx(p, &st->ctx, &f.loc);
	}
	n = lex_peek(&p->lx);
	if (!(n->kind == TK_FLAG && tok_is(n, "-P")))
		expected(p, "-P and a policy (as in -P out ipsec esp/transport//require)");
	lex_next(&p->lx);
	lex_set_mode(&p->lx, LEX_POLICY);
	parse_policy(p, &sp->pol);
	if (sp->tagged)
		perror_at(p, &sp->tag_loc, "PF tags (spdadd tagged) are a BSD pf(4) "
			  "feature: Linux's PF_KEY has no SADB_X_EXT_TAG");
}
