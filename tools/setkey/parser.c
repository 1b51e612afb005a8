// SPDX-License-Identifier: GPL-2.0
/*
 * parser.c - recursive descent over setkey's statements (SAD side).
 *
 * The grammar is ipsec-tools' parse.y, written out by hand so that every
 * error can say what was expected where, and so that errors are collected
 * (one per statement) instead of ending the run at the first one.  Where
 * ipsec-tools' grammar is stricter than it needs to be, this one accepts
 * more: extensions and algorithms in any order after the SPI, empty
 * statements, a key after "null".  Everything it accepts means the same
 * as in ipsec-tools.
 */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ipsec.h>
#include <linux/pfkeyv2.h>
#include "nfipsec.h"

#include "addr.h"
#include "parse_int.h"
#include "parser.h"

/* ---- helpers shared with parse_policy.c -------------------------------- */

void perror_at(struct parser *p, const struct loc *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errors_vadd(p->err, at, fmt, ap);
	va_end(ap);
	longjmp(p->fail, 1);
}

static bool is_command(const struct token *t);

void expected(struct parser *p, const char *what)
{
	const struct token *t = lex_peek(&p->lx);
	struct loc at = t->loc;
	char found[64];

	/*
	 * A command word on a later line where ';' would do: the ';' at the
	 * end of the statement is missing.  Say so, where it is missing.
	 */
	if (strstr(what, "';'") && is_command(t) && t->loc.line > p->lx.prev_end.line) {
		at = p->lx.prev_end;
		p->resync = true;
		perror_at(p, &at, "missing ';' at the end of the statement (line %d "
			  "starts a new '%.*s' statement)", t->loc.line, (int)t->len, t->p);
	}
	tok_describe(t, found, sizeof(found));
	/* At the end of the input, point just after the last token. */
	if (t->kind == TK_EOF)
		at = p->lx.prev_end;
	perror_at(p, &at, "expected %s, found %s", what, found);
}

struct token expect_kind(struct parser *p, enum tok kind, const char *what)
{
	if (lex_peek(&p->lx)->kind != kind)
		expected(p, what);
	return lex_next(&p->lx);
}

bool accept_kind(struct parser *p, enum tok kind)
{
	if (lex_peek(&p->lx)->kind != kind)
		return false;
	lex_next(&p->lx);
	return true;
}

bool peek_is(struct parser *p, const char *word)
{
	return tok_is(lex_peek(&p->lx), word);
}

uint64_t parse_uint(struct parser *p, uint64_t max, const char *what)
{
	char buf[96];
	struct token t;
	unsigned long long v;
	char *end;

	snprintf(buf, sizeof(buf), "%s (a decimal number)", what);
	t = expect_kind(p, TK_NUM, buf);
	errno = 0;
	v = strtoull(t.p, &end, 10);
	if (errno || v > max)
		perror_at(p, &t.loc, "%s must be from 0 to %llu, not %.*s", what,
			  (unsigned long long)max, (int)t.len, t.p);
	return v;
}

void parse_port(struct parser *p, struct host *h)
{
	struct token t = lex_next(&p->lx);	/* the '[' */
	const struct token *n = lex_peek(&p->lx);

	h->port_loc = t.loc;
	if (n->kind == TK_NUM) {
		h->port_loc = n->loc;
		h->port = (int)parse_uint(p, 65535, "the port");
	} else if (n->kind == TK_WORD && tok_is(n, "any")) {
		h->port_loc = lex_next(&p->lx).loc;
		h->port = 0;
	} else if (n->kind == TK_WORD) {
		char name[64];
		int port;

		t = lex_next(&p->lx);
		h->port_loc = t.loc;
		snprintf(name, sizeof(name), "%.*s", (int)t.len, t.p);
		port = service_port(name);
		if (port < 0)
			perror_at(p, &t.loc, "unknown service '%s' (not in /etc/services)",
				  name);
		h->port = port;
	} else {
		expected(p, "a port number, 'any' or a service name");
	}
	expect_kind(p, TK_RBRACK, "']' after the port");
}

void parse_host(struct parser *p, struct host *h, bool prefix, const char *what)
{
	const struct token *n = lex_peek(&p->lx);
	struct token t;
	char buf[80];

	memset(h, 0, sizeof(*h));
	h->prefix = -1;
	h->port = -1;
	snprintf(buf, sizeof(buf), "%s address", what);
	if (n->kind == TK_WORD && tok_is(n, "any"))
		perror_at(p, &n->loc, "'any' is not an address here: write 0.0.0.0/0 "
			  "or ::/0 for any address");
	t = expect_kind(p, TK_WORD, buf);
	if (t.len >= sizeof(h->name))
		perror_at(p, &t.loc, "address too long");
	memcpy(h->name, t.p, t.len);
	h->loc = t.loc;
	if (prefix && accept_kind(p, TK_SLASH)) {
		h->prefix_loc = lex_peek(&p->lx)->loc;
		h->prefix = (int)parse_uint(p, 128, "the prefix length");
	}
	if (lex_peek(&p->lx)->kind == TK_LBRACK)
		parse_port(p, h);
}

void parse_ctx(struct parser *p, struct sec_ctx *ctx, const struct loc *flag)
{
	struct token t;

	if (ctx->set)
		perror_at(p, flag, "-ctx given twice");
	ctx->loc = *flag;
	ctx->doi = (uint8_t)parse_uint(p, 255, "the security context DOI");
	ctx->alg = (uint8_t)parse_uint(p, 255, "the security context algorithm");
	t = expect_kind(p, TK_STRING, "the security context as a \"quoted string\"");
	ctx->len = t.len - 2;
	ctx->str = strndup(t.p + 1, ctx->len);
	if (!ctx->str)
		abort();
	ctx->set = true;
}

void parse_addropts(struct parser *p, struct stmt *st)
{
	const struct token *n;

	while ((n = lex_peek(&p->lx))->kind == TK_FLAG &&
	       strspn(n->p + 1, "46n") > 0) {
		struct token t = lex_next(&p->lx);
		size_t i;

		for (i = 1; i < t.len; i++) {
			switch (t.p[i]) {
			case '4': st->family = AF_INET; break;
			case '6': st->family = AF_INET6; break;
			case 'n': st->numeric = true; break;
			default:
				perror_at(p, &t.loc, "unknown address option '%.*s' "
					  "(expected -4, -6 or -n)", (int)t.len, t.p);
			}
		}
	}
}

/* ---- SA statements ------------------------------------------------------ */

static const struct {
	const char *word;
	enum sa_proto proto;
} protos[] = {
	{ "esp", P_ESP }, { "esp-old", P_ESP_OLD }, { "esp-udp", P_ESP_UDP },
	{ "ah", P_AH }, { "ah-old", P_AH_OLD }, { "ipcomp", P_IPCOMP },
	{ "tcp", P_TCP },
};

#define PROTO_LIST "esp, esp-old, esp-udp, ah, ah-old, ipcomp or tcp"

static bool parse_proto(struct parser *p, struct sa_spec *sa, bool optional)
{
	const struct token *n = lex_peek(&p->lx);
	size_t i;

	for (i = 0; n->kind == TK_WORD && i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (!tok_is(n, protos[i].word))
			continue;
		sa->proto = protos[i].proto;
		sa->proto_loc = lex_next(&p->lx).loc;
		if (sa->proto == P_TCP)
			perror_at(p, &sa->proto_loc, "Linux's PF_KEY has no SA type for "
				  "TCP-MD5 (tcp): on Linux, TCP-MD5 keys are set per "
				  "socket with setsockopt(TCP_MD5SIG)");
		if (sa->proto == P_ESP_OLD || sa->proto == P_AH_OLD)
			sa->flags |= SADB_X_EXT_OLD;
		/* esp-udp may name the original address for NAT-OA. */
		if (sa->proto == P_ESP_UDP && lex_peek(&p->lx)->kind == TK_WORD) {
			parse_host(p, &sa->oa, false, "the NAT original");
			sa->has_oa = true;
		}
		return true;
	}
	if (!optional)
		expected(p, "a protocol (" PROTO_LIST ")");
	return false;
}

static void parse_spi(struct parser *p, struct stmt *st)
{
	const struct token *n = lex_peek(&p->lx);
	unsigned long long v;
	struct token t;
	char *end;

	if (n->kind != TK_NUM && n->kind != TK_HEX)
		expected(p, "an SPI (decimal, or hexadecimal with 0x)");
	t = lex_next(&p->lx);
	errno = 0;
	v = strtoull(t.p, &end, t.kind == TK_HEX ? 16 : 10);
	if (errno || v > 0xffffffffULL)
		perror_at(p, &t.loc, "SPI %.*s is larger than 0xffffffff",
			  (int)t.len, t.p);
	st->sa.spi = (uint32_t)v;
	st->sa.spi_loc = t.loc;
	st->sa.has_spi = true;

	/*
	 * Only new SAs are held to the rules: get and delete must still be
	 * able to reach an SA some other program created.
	 */
	if (st->kind != ST_ADD && st->kind != ST_UPDATE)
		return;
	if (v == 0)
		perror_at(p, &t.loc, "SPI 0 is not valid");
	if (st->sa.proto == P_IPCOMP && v > 0xffff)
		perror_at(p, &t.loc, "an IPComp CPI is 16 bits: %.*s is larger than "
			  "0xffff", (int)t.len, t.p);
	if (st->sa.proto != P_IPCOMP && v <= 255)
		perror_at(p, &t.loc, "SPI %llu is reserved: SPIs 1 to 255 are not "
			  "valid for ESP and AH", v);
}

static void hex_key(const struct token *t, struct key *k)
{
	const char *d = t->p + 2;
	size_t nd = t->len - 2, i, o = 0;

	/* An odd digit count puts the lone digit first, as ipsec-tools does. */
	k->len = (nd + 1) / 2;
	k->data = calloc(1, k->len ? k->len : 1);
	if (!k->data)
		abort();
	for (i = 0; i < nd; i++) {
		int c = tolower((unsigned char)d[i]);
		int v = isdigit(c) ? c - '0' : c - 'a' + 10;

		if ((nd - i) % 2)
			k->data[o++] |= v;
		else
			k->data[o] = v << 4;
	}
}

/* -E / -A / -C: the flag is consumed; the algorithm and key follow. */
static void parse_alg(struct parser *p, struct stmt *st, const struct token *flag)
{
	struct sa_spec *sa = &st->sa;
	enum alg_kind kind = flag->p[1] == 'E' ? ALG_ENC :
			     flag->p[1] == 'A' ? ALG_AUTH : ALG_COMP;
	static const char *const kname[] = { "authentication", "encryption", "compression" };
	const struct alg **slot = kind == ALG_ENC ? &sa->enc :
				  kind == ALG_AUTH ? &sa->auth : &sa->comp;
	struct loc *aloc = kind == ALG_ENC ? &sa->enc_loc :
			   kind == ALG_AUTH ? &sa->auth_loc : &sa->comp_loc;
	const struct alg *a;
	struct token t;
	char what[80], list[700];
	struct key *key;

	if (st->kind != ST_ADD && st->kind != ST_UPDATE)
		perror_at(p, &flag->loc, "'%s' does not take %.*s: algorithms are "
			  "only given to add and update", stmt_kind_name(st->kind),
			  (int)flag->len, flag->p);
	if (*slot)
		perror_at(p, &flag->loc, "%.*s given twice", (int)flag->len, flag->p);

	snprintf(what, sizeof(what), "a%s %s algorithm after %.*s",
		 kind == ALG_COMP ? "" : "n", kname[kind], (int)flag->len, flag->p);
	t = expect_kind(p, TK_WORD, what);
	a = alg_by_name(kind, t.p, t.len);
	if (!a) {
		alg_list(kind, list, sizeof(list));
		perror_at(p, &t.loc, "unknown %s algorithm '%.*s' (expected one of: %s)",
			  kname[kind], (int)t.len, t.p, list);
	}
	if (a->flags & ALG_F_NOID)
		perror_at(p, &t.loc, "Linux has no PF_KEY id for %s (%s)", a->name,
			  a->why);
	*slot = a;
	*aloc = t.loc;

	if (kind == ALG_COMP) {
		if (lex_peek(&p->lx)->kind == TK_FLAG && tok_is(lex_peek(&p->lx), "-R")) {
			lex_next(&p->lx);
			sa->flags |= SADB_X_EXT_RAWCPI;
		}
		return;
	}

	key = kind == ALG_ENC ? &sa->ekey : &sa->akey;
	t = *lex_peek(&p->lx);
	if (t.kind == TK_HEX) {
		lex_next(&p->lx);
		hex_key(&t, key);
	} else if (t.kind == TK_STRING) {
		lex_next(&p->lx);
		key->len = t.len - 2;
		key->data = malloc(key->len ? key->len : 1);
		if (!key->data)
			abort();
		memcpy(key->data, t.p + 1, key->len);
	} else if (a->flags & ALG_F_KEYOPT) {
		/* "-E null" / "-A null": an empty key (see compile.c). */
		if (kind == ALG_ENC)
			sa->has_ekey = true;
		else
			sa->has_akey = true;
		return;
	} else {
		snprintf(what, sizeof(what), "the key for %s (a \"quoted string\" or "
			 "0x-prefixed hex digits)", a->name);
		expected(p, what);
	}
	key->loc = t.loc;
	if (kind == ALG_ENC)
		sa->has_ekey = true;
	else
		sa->has_akey = true;
	if (!alg_key_ok(a, key->len * 8)) {
		alg_key_desc(a, list, sizeof(list));
		perror_at(p, &t.loc, "%s needs a key of %s bits, this key has %zu bits",
			  a->name, list, key->len * 8);
	}
}

#define OPT_LIST "-m, -r, -u, -f, -lh, -ls, -bh, -bs, -ctx, -E, -A, -C"

static void parse_sa_option(struct parser *p, struct stmt *st)
{
	struct sa_spec *sa = &st->sa;
	struct token f = *lex_peek(&p->lx);
	const struct token *n;

	if (f.kind != TK_FLAG)
		expected(p, "an option (" OPT_LIST ") or ';'");
	lex_next(&p->lx);
	n = lex_peek(&p->lx);

	if (tok_is(&f, "-m")) {
		if (tok_is(n, "transport"))
			sa->mode = IPSEC_MODE_TRANSPORT;
		else if (tok_is(n, "tunnel"))
			sa->mode = IPSEC_MODE_TUNNEL;
		else if (tok_is(n, "any"))
			sa->mode = IPSEC_MODE_ANY;
		else if (tok_is(n, "beet"))
			sa->mode = IPSEC_MODE_BEET;
		else
			expected(p, "a mode after -m (transport, tunnel or any)");
		lex_next(&p->lx);
	} else if (tok_is(&f, "-r")) {
		if (sa->proto == P_ESP_OLD || sa->proto == P_AH_OLD)
			perror_at(p, &f.loc, "replay prevention cannot be used with "
				  "esp-old or ah-old");
		sa->replay_loc = n->loc;
		sa->replay = (uint32_t)parse_uint(p, UINT32_MAX, "the replay window");
		sa->has_replay = true;
	} else if (tok_is(&f, "-u")) {
		sa->reqid = (uint32_t)parse_uint(p, UINT32_MAX, "the reqid");
	} else if (tok_is(&f, "-f")) {
		if (tok_is(n, "zero-pad"))
			sa->flags |= SADB_X_EXT_PZERO;
		else if (tok_is(n, "random-pad"))
			sa->flags |= SADB_X_EXT_PRAND;
		else if (tok_is(n, "seq-pad"))
			sa->flags |= SADB_X_EXT_PSEQ;
		else if (tok_is(n, "nocyclic-seq"))
			sa->flags &= ~SADB_X_EXT_CYCSEQ;
		else if (tok_is(n, "esn"))	/* nfipsec: RFC 4303 ESN */
			sa->esn = true;
		else
			expected(p, "zero-pad, random-pad, seq-pad, nocyclic-seq or esn "
				 "after -f");
		lex_next(&p->lx);
	} else if (tok_is(&f, "-lh")) {
		sa->lt_hard = parse_uint(p, UINT64_MAX, "the hard lifetime in seconds");
	} else if (tok_is(&f, "-ls")) {
		sa->lt_soft = parse_uint(p, UINT64_MAX, "the soft lifetime in seconds");
	} else if (tok_is(&f, "-bh")) {
		sa->lb_hard = parse_uint(p, UINT64_MAX, "the hard lifetime in bytes");
	} else if (tok_is(&f, "-bs")) {
		sa->lb_soft = parse_uint(p, UINT64_MAX, "the soft lifetime in bytes");
	} else if (tok_is(&f, "-ctx")) {
		parse_ctx(p, &st->ctx, &f.loc);
	} else if (tok_is(&f, "-E") || tok_is(&f, "-A") || tok_is(&f, "-C")) {
		parse_alg(p, st, &f);
	} else if (tok_is(&f, "-R")) {
		perror_at(p, &f.loc, "-R only applies to -C (IPComp): write -C <algorithm> -R");
	} else {
		perror_at(p, &f.loc, "unknown option '%.*s' (expected one of " OPT_LIST ")",
			  (int)f.len, f.p);
	}
}

/* What the text alone says about an add/update: the right algorithms. */
static void check_sa_algs(struct parser *p, struct stmt *st)
{
	struct sa_spec *sa = &st->sa;
	const char *name = sa->proto == P_AH_OLD ? "ah-old" :
			   sa->proto == P_ESP_OLD ? "esp-old" :
			   sa->proto == P_ESP_UDP ? "esp-udp" :
			   sa->proto == P_AH ? "ah" : sa->proto == P_IPCOMP ? "ipcomp" : "esp";

	switch (sa->proto) {
	case P_ESP: case P_ESP_OLD: case P_ESP_UDP:
		if (sa->comp)
			perror_at(p, &sa->comp_loc, "-C is for ipcomp SAs, not %s", name);
		if (!sa->enc)
			perror_at(p, &st->loc, "an ESP SA needs an encryption algorithm: "
				  "-E <algorithm> <key> (-E null for integrity only)");
		if (sa->auth && (sa->enc->flags & ALG_F_AEAD))
			perror_at(p, &sa->auth_loc, "%s is an AEAD algorithm: it "
				  "authenticates by itself, -A is not allowed with it",
				  sa->enc->name);
		break;
	case P_AH: case P_AH_OLD:
		if (sa->enc)
			perror_at(p, &sa->enc_loc, "-E is for ESP SAs, not %s", name);
		if (sa->comp)
			perror_at(p, &sa->comp_loc, "-C is for ipcomp SAs, not %s", name);
		if (!sa->auth)
			perror_at(p, &st->loc, "an AH SA needs an authentication "
				  "algorithm: -A <algorithm> <key>");
		break;
	case P_IPCOMP:
		if (sa->enc)
			perror_at(p, &sa->enc_loc, "-E is for ESP SAs, not ipcomp");
		if (sa->auth)
			perror_at(p, &sa->auth_loc, "-A is for AH and ESP SAs, not ipcomp");
		if (!sa->comp)
			perror_at(p, &st->loc, "an IPComp SA needs a compression "
				  "algorithm: -C <algorithm>");
		break;
	default:
		break;
	}
}

/* add, update, getspi, get, delete: [-46n] src dst proto spi [options] ; */
static void parse_sa_stmt(struct parser *p, struct stmt *st)
{
	parse_addropts(p, st);
	parse_host(p, &st->src, false, "the source");
	parse_host(p, &st->dst, false, "the destination");
	parse_proto(p, &st->sa, false);
	parse_spi(p, st);
	while (lex_peek(&p->lx)->kind != TK_SEMI) {
		if (lex_peek(&p->lx)->kind == TK_EOF)
			expected(p, "';' at the end of the statement");
		parse_sa_option(p, st);
	}
	if (st->kind == ST_ADD || st->kind == ST_UPDATE)
		check_sa_algs(p, st);
}

/* ---- statements --------------------------------------------------------- */

static const struct {
	const char *word;
	enum stmt_kind kind;
} commands[] = {
	{ "add", ST_ADD }, { "update", ST_UPDATE }, { "getspi", ST_GETSPI },
	{ "get", ST_GET }, { "delete", ST_DELETE }, { "deleteall", ST_DELETEALL },
	{ "flush", ST_FLUSH }, { "dump", ST_DUMP }, { "spdadd", ST_SPDADD },
	{ "spdupdate", ST_SPDUPDATE }, { "spddelete", ST_SPDDELETE },
	{ "spdflush", ST_SPDFLUSH }, { "spddump", ST_SPDDUMP },
	{ "exit", ST_EXIT }, { "quit", ST_EXIT }, { "bye", ST_EXIT },
};

static bool is_command(const struct token *t)
{
	size_t i;

	for (i = 0; t->kind == TK_WORD && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (tok_is(t, commands[i].word))
			return true;
	return false;
}

/* Nothing but blanks before @t on its line? */
static bool first_on_line(const struct parser *p, const struct token *t)
{
	const char *text = p->lx.src->text;
	size_t i = t->loc.off;

	while (i > 0 && text[i - 1] != '\n') {
		if (text[i - 1] != ' ' && text[i - 1] != '\t')
			return false;
		i--;
	}
	return true;
}

#define CMD_LIST "add, update, getspi, get, delete, deleteall, flush, dump, " \
		 "spdadd, spdupdate, spddelete, spdflush or spddump"

static void parse_stmt(struct parser *p, struct stmt *st)
{
	const struct token *n = lex_peek(&p->lx);
	size_t i;

	for (i = 0; n->kind == TK_WORD && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (tok_is(n, commands[i].word))
			break;
	if (n->kind != TK_WORD || i == sizeof(commands) / sizeof(commands[0]))
		expected(p, "a command (" CMD_LIST ")");
	st->kind = commands[i].kind;
	st->loc = lex_next(&p->lx).loc;
	st->family = AF_UNSPEC;
	st->sa.mode = IPSEC_MODE_ANY;
	st->sa.flags = SADB_X_EXT_CYCSEQ;	/* ipsec-tools' default */

	switch (st->kind) {
	case ST_ADD: case ST_UPDATE: case ST_GETSPI: case ST_GET: case ST_DELETE:
		parse_sa_stmt(p, st);
		break;
	case ST_DELETEALL:
		parse_addropts(p, st);
		parse_host(p, &st->src, false, "the source");
		parse_host(p, &st->dst, false, "the destination");
		parse_proto(p, &st->sa, false);
		break;
	case ST_FLUSH: case ST_DUMP:
		if (!parse_proto(p, &st->sa, true) && lex_peek(&p->lx)->kind != TK_SEMI)
			expected(p, "a protocol (" PROTO_LIST ") or ';'");
		break;
	case ST_SPDADD: case ST_SPDUPDATE: case ST_SPDDELETE:
		parse_sp_stmt(p, st);
		break;
	default:
		break;
	}
	lex_set_mode(&p->lx, LEX_MAIN);
	expect_kind(p, TK_SEMI, "';' at the end of the statement");
	st->end = p->lx.prev_end.off;
}

/*
 * After an error: drop tokens up to and including the next ';', or up to
 * a command word that starts a later line (the statement in error most
 * likely lacks its ';' too, and the next one should still be checked).
 */
static void recover(struct parser *p)
{
	const struct token *t;
	int line;

	lex_set_mode(&p->lx, LEX_MAIN);
	if (p->resync) {
		p->resync = false;
		return;
	}
	while ((t = lex_peek(&p->lx))->kind != TK_EOF) {
		line = p->lx.prev_end.line;
		if (is_command(t) && t->loc.line > line && first_on_line(p, t))
			break;
		lex_next(&p->lx);
		if (t->kind == TK_SEMI)
			break;
	}
	lex_set_mode(&p->lx, LEX_MAIN);
}

size_t parse_source(const struct source *src, size_t off, int line,
		    struct stmts *out, struct errors *err)
{
	struct parser p;
	size_t before = err->n;

	memset(&p, 0, sizeof(p));
	lex_init(&p.lx, src);
	p.err = err;
	if (off) {
		p.lx.off = off;
		p.lx.line = line;
		p.lx.line_start = off;
		while (p.lx.line_start > 0 && src->text[p.lx.line_start - 1] != '\n')
			p.lx.line_start--;
	}

	for (;;) {
		struct stmt st;

		while (accept_kind(&p, TK_SEMI))	/* empty statements */
			;
		if (lex_peek(&p.lx)->kind == TK_EOF)
			break;
		memset(&st, 0, sizeof(st));
		if (setjmp(p.fail)) {
			stmt_free(&st);
			recover(&p);
			continue;
		}
		parse_stmt(&p, &st);
		if (st.kind == ST_EXIT)
			break;
		if (out->n == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 16;
			struct stmt *v = realloc(out->v, cap * sizeof(*v));

			if (!v)
				abort();
			out->v = v;
			out->cap = cap;
		}
		out->v[out->n++] = st;
	}
	return err->n - before;
}

size_t statement_end(const char *text, size_t len)
{
	bool quoted = false, comment = false;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = text[i];

		if (comment) {
			comment = c != '\n';
		} else if (quoted) {
			quoted = c != '"';
		} else if (c == '"') {
			quoted = true;
		} else if (c == '#') {
			comment = true;
		} else if (c == ';') {
			return i + 1;
		}
	}
	return 0;
}
