// SPDX-License-Identifier: GPL-2.0
/*
 * exec.c - one statement at a time against the kernel.
 *
 * Every request waits for its own reply, recognised by type, our pid and
 * the sequence number we gave it (kernels broadcast SADB_ADD & co. to
 * every socket, so other programs' messages arrive in between).  A dump
 * is every message of the dump type and our pid up to the one with
 * sequence number 0.
 *
 * A refusal is reported with the statement's line, the message that was
 * refused (addresses resolved, so with an FQDN you see which pair), the
 * errno and nfipsec's diagnostic, and counted: setkey exits non-zero when
 * anything failed (ipsec-tools' exits 0).
 *
 * deleteall: Linux's af_key answers SADB_DELETE without an SPI with
 * EINVAL (ipsec-tools' setkey then waits for a reply that never comes),
 * so it is a dump of the SA type and one SADB_DELETE per SA whose
 * addresses match, which works the same on every kernel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/ipsec.h>
#include <linux/pfkeyv2.h>
#include "nfipsec.h"

#include "addr.h"
#include "diag.h"
#include "exec.h"
#include "msgparse.h"
#include "policy.h"

#define REPLY_TIMEOUT_MS 5000

static bool kernel_has_nfipsec(struct exec_ctx *x);

/* "add 10.0.0.1 10.0.0.2 esp 0x00001000", from the message itself. */
static void msg_label(const struct stmt *st, const struct pmsg *pm, char *buf,
		      size_t size)
{
	static const char *const satypes[] = { [2] = "ah", [3] = "esp", [9] = "ipcomp" };
	struct pfk_msg m;
	char e[128], s[64], d[64];
	const struct sockaddr *src, *dst;
	const struct sadb_sa *sa;
	const struct sadb_x_policy *xpl;
	const char *cmd = st ? stmt_kind_name(st->kind) : "request";
	uint8_t satype;

	if (pfk_split(pm->buf, pm->len, &m, e, sizeof(e))) {
		snprintf(buf, size, "%s", cmd);
		return;
	}
	src = pfk_addr(&m, SADB_EXT_ADDRESS_SRC);
	dst = pfk_addr(&m, SADB_EXT_ADDRESS_DST);
	if (!src || !dst) {
		snprintf(buf, size, "%s", cmd);
		return;
	}
	sa_host(src, s, sizeof(s));
	sa_host(dst, d, sizeof(d));
	xpl = m.ext[SADB_X_EXT_POLICY];
	if (xpl) {
		const struct sadb_address *a = m.ext[SADB_EXT_ADDRESS_SRC];
		const struct sadb_address *b = m.ext[SADB_EXT_ADDRESS_DST];
		static const char *const dirs[] = { "any", "in", "out", "fwd" };

		snprintf(buf, size, "%s %s/%u[%u] %s/%u[%u] %u -P %s", cmd, s,
			 a->sadb_address_prefixlen, sa_port(src), d,
			 b->sadb_address_prefixlen, sa_port(dst), a->sadb_address_proto,
			 xpl->sadb_x_policy_dir < 4 ? dirs[xpl->sadb_x_policy_dir] : "?");
		return;
	}
	sa = m.ext[SADB_EXT_SA];
	satype = m.hdr->sadb_msg_satype;
	snprintf(buf, size, "%s %s %s %s 0x%08x", cmd, s, d,
		 satype < 10 && satypes[satype] ? satypes[satype] : "?",
		 sa ? ntohl(sa->sadb_sa_spi) :
		 st ? st->sa.spi : 0);
}

static void fail(struct exec_ctx *x, const struct plan *pl, const struct pmsg *pm,
		 const char *why)
{
	char label[256];

	x->failures++;
	if (!pl) {
		fprintf(x->err, "setkey: %s\n", why);
		return;
	}
	msg_label(pl->st, pm, label, sizeof(label));
	if (x->src)
		fprintf(x->err, "setkey: %s:%d: %s%s: %s\n", x->src->name,
			pl->st->loc.line, label,
			pm && pm->fwd_twin ? " (the fwd copy RFC mode adds)" : "", why);
	else
		fprintf(x->err, "setkey: %s: %s\n", label, why);
}

static void fail_reply(struct exec_ctx *x, const struct plan *pl,
		       const struct pmsg *pm, const struct sadb_msg *h)
{
	char why[256];

	describe_error(h->sadb_msg_type, h->sadb_msg_errno, h->sadb_msg_reserved,
		       why, sizeof(why));
	fail(x, pl, pm, why);
}

/*
 * Send @pm and wait for its reply, left in x->sock->rbuf and split into
 * @r.  Returns 0 when the reply came (check its errno), -1 after
 * reporting a local failure.
 */
static int request(struct exec_ctx *x, const struct plan *pl, struct pmsg *pm,
		   struct pfk_msg *r)
{
	struct sadb_msg *h = (struct sadb_msg *)pm->buf;
	char why[256];
	ssize_t n;
	int rc;

	rc = pfk_send(x->sock, pm->buf, pm->len);
	if (rc < 0) {
		describe_error(h->sadb_msg_type, -rc, 0, why, sizeof(why));
		fail(x, pl, pm, why);
		return -1;
	}
	for (;;) {
		n = pfk_recv(x->sock, REPLY_TIMEOUT_MS);
		if (n <= 0) {
			snprintf(why, sizeof(why), "%s", n == 0 ? "no reply from the kernel" :
				 strerror((int)-n));
			fail(x, pl, pm, why);
			return -1;
		}
		if (pfk_split(x->sock->rbuf, (size_t)n, r, why, sizeof(why)))
			continue;
		if (r->hdr->sadb_msg_type == h->sadb_msg_type &&
		    r->hdr->sadb_msg_pid == x->sock->pid &&
		    r->hdr->sadb_msg_seq == h->sadb_msg_seq)
			return 0;
	}
}

typedef void (*dump_fn)(struct exec_ctx *x, const struct pfk_msg *m, void *arg);

/*
 * Send a DUMP or SPDDUMP and call @fn for each entry.  Returns the number
 * of entries (0 when the kernel says ENOENT), or -1 after reporting.
 */
static int run_dump(struct exec_ctx *x, const struct plan *pl, struct pmsg *pm,
		    dump_fn fn, void *arg)
{
	struct sadb_msg *h = (struct sadb_msg *)pm->buf;
	struct pfk_msg r;
	char why[256];
	int count = 0, rc;
	ssize_t n;

	rc = pfk_send(x->sock, pm->buf, pm->len);
	if (rc < 0) {
		describe_error(h->sadb_msg_type, -rc, 0, why, sizeof(why));
		fail(x, pl, pm, why);
		return -1;
	}
	for (;;) {
		n = pfk_recv(x->sock, REPLY_TIMEOUT_MS);
		if (n <= 0) {
			snprintf(why, sizeof(why), "%s", n == 0 ? "no reply from the kernel" :
				 strerror((int)-n));
			fail(x, pl, pm, why);
			return -1;
		}
		if (pfk_split(x->sock->rbuf, (size_t)n, &r, why, sizeof(why)))
			continue;
		if (r.hdr->sadb_msg_type != h->sadb_msg_type ||
		    r.hdr->sadb_msg_pid != x->sock->pid)
			continue;
		if (r.hdr->sadb_msg_errno == ENOENT)
			return 0;
		if (r.hdr->sadb_msg_errno) {
			fail_reply(x, pl, pm, r.hdr);
			return -1;
		}
		fn(x, &r, arg);
		count++;
		if (r.hdr->sadb_msg_seq == 0)
			return count;
	}
}

struct show_state {
	int shown;
};

static void show_entry(struct exec_ctx *x, const struct pfk_msg *m, void *arg)
{
	struct show_state *s = arg;
	bool sp = m->hdr->sadb_msg_type == SADB_X_SPDDUMP ||
		  m->hdr->sadb_msg_type == SADB_X_SPDGET;
	const struct sadb_sa *sa = m->ext[SADB_EXT_SA];

	/* setkey -D hides dead SAs unless -a. */
	if (!sp && !x->all && sa && m->extlen[SADB_EXT_SA] >= sizeof(*sa) &&
	    sa->sadb_sa_state == SADB_SASTATE_DEAD)
		return;
	if (x->json) {
		fprintf(x->out, "%s\n  ", s->shown ? "," : "");
		if (sp)
			json_sp(x->out, m, &x->po);
		else
			json_sa(x->out, m, &x->po);
	} else if (sp) {
		print_sp(x->out, m, &x->po);
	} else if (x->shortdump) {
		print_sa_short(x->out, m, x->po.now);
	} else {
		print_sa(x->out, m, &x->po);
	}
	s->shown++;
}

static int dump_and_show(struct exec_ctx *x, const struct plan *pl, struct pmsg *pm)
{
	bool sp = ((struct sadb_msg *)pm->buf)->sadb_msg_type == SADB_X_SPDDUMP;
	struct show_state s = { 0 };
	int n;

	/* nfipsec then adds its replay window and counters to each SA. */
	kernel_has_nfipsec(x);
	x->po.now = time(NULL);
	if (x->json)
		fprintf(x->out, "[");
	else if (x->shortdump && !sp)
		print_sa_short_header(x->out);
	n = run_dump(x, pl, pm, show_entry, &s);
	if (x->json)
		fprintf(x->out, "%s]\n", s.shown ? "\n" : "");
	else if (n == 0)
		fprintf(x->out, "%s\n", sp ? "No SPD entries." : "No SAD entries.");
	fflush(x->out);
	return n < 0 ? -1 : 0;
}

/* deleteall: the SAs of the dump whose addresses are one of the pairs. */
struct victims {
	const struct plan *pl;
	struct victim {
		struct sockaddr_storage src, dst;
		uint32_t spi;
	} *v;
	size_t n;
};

static void collect(struct exec_ctx *x, const struct pfk_msg *m, void *arg)
{
	struct victims *vs = arg;
	const struct sockaddr *s = pfk_addr(m, SADB_EXT_ADDRESS_SRC);
	const struct sockaddr *d = pfk_addr(m, SADB_EXT_ADDRESS_DST);
	const struct sadb_sa *sa = m->ext[SADB_EXT_SA];
	size_t i;

	(void)x;
	if (!s || !d || !sa || m->hdr->sadb_msg_satype != vs->pl->satype)
		return;
	for (i = 0; i < vs->pl->npairs; i++) {
		if (sa_same_addr(s, (const void *)&vs->pl->pairs[i].src) &&
		    sa_same_addr(d, (const void *)&vs->pl->pairs[i].dst)) {
			struct victim *v = realloc(vs->v, (vs->n + 1) * sizeof(*v));

			if (!v)
				abort();
			vs->v = v;
			memset(&v[vs->n], 0, sizeof(v[0]));
			memcpy(&v[vs->n].src, s, sockaddr_len(s->sa_family));
			memcpy(&v[vs->n].dst, d, sockaddr_len(d->sa_family));
			v[vs->n].spi = sa->sadb_sa_spi;
			vs->n++;
			return;
		}
	}
}

static int deleteall(struct exec_ctx *x, const struct plan *pl)
{
	struct victims vs = { pl, NULL, 0 };
	int rc = 0;
	size_t i;

	if (run_dump(x, pl, &pl->msgs[0], collect, &vs) < 0)
		return -1;
	for (i = 0; i < vs.n; i++) {
		struct pmsg pm = build_delete(pl->satype, (const void *)&vs.v[i].src,
					      (const void *)&vs.v[i].dst, vs.v[i].spi);
		struct pfk_msg r;

		if (request(x, pl, &pm, &r))
			rc = -1;
		/* Gone in between (expired, another process): that is fine. */
		else if (r.hdr->sadb_msg_errno && r.hdr->sadb_msg_errno != ESRCH &&
			 r.hdr->sadb_msg_errno != ENOENT) {
			fail_reply(x, pl, &pm, r.hdr);
			rc = -1;
		}
		free(pm.buf);
	}
	free(vs.v);
	return rc;
}

/*
 * Is the kernel nfipsec?  Asked once per socket, with SADB_X_NFIPSEC_OPTIONS
 * (which af_key refuses outright), and the answer matters twice:
 *  - a window above 255 travels in SADB_X_EXT_REPLAY, which only nfipsec
 *    knows (af_key ignores unknown extensions and would quietly keep 32);
 *  - the option asks nfipsec to put its extensions (replay window,
 *    counters) in replies, so that get and dump show them.
 */
static bool kernel_has_nfipsec(struct exec_ctx *x)
{
	struct pmsg pm;
	struct pfk_msg r;
	int rc;

	if (x->nfipsec)
		return x->nfipsec > 0;
	pm = build_short(SADB_X_NFIPSEC_OPTIONS, SADB_X_NFIPSEC_OPT_EXT);
	rc = pfk_send(x->sock, pm.buf, pm.len);
	x->nfipsec = -1;
	if (rc == 0) {
		ssize_t n;
		char e[64];

		while ((n = pfk_recv(x->sock, REPLY_TIMEOUT_MS)) > 0) {
			if (pfk_split(x->sock->rbuf, (size_t)n, &r, e, sizeof(e)) ||
			    r.hdr->sadb_msg_type != SADB_X_NFIPSEC_OPTIONS ||
			    r.hdr->sadb_msg_pid != x->sock->pid)
				continue;
			x->nfipsec = r.hdr->sadb_msg_errno ? -1 : 1;
			break;
		}
	}
	free(pm.buf);
	return x->nfipsec > 0;
}

int exec_plan(struct exec_ctx *x, const struct plan *pl)
{
	const struct stmt *st = pl->st;
	struct pfk_msg r;
	size_t i;
	int rc = 0;

	if (pl->replay_ext && !kernel_has_nfipsec(x)) {
		char why[200];

		if (st->sa.esn)
			snprintf(why, sizeof(why), "-f esn needs nfipsec's "
				 "SADB_X_EXT_REPLAY, which this kernel's PF_KEY "
				 "does not know");
		else
			snprintf(why, sizeof(why), "a replay window of %u packets needs "
				 "nfipsec's SADB_X_EXT_REPLAY, which this kernel's PF_KEY "
				 "does not know (af_key keeps at most 32)", st->sa.replay);
		fail(x, pl, &pl->msgs[0], why);
		return -1;
	}
	if (st->kind == ST_GET || st->kind == ST_GETSPI)
		kernel_has_nfipsec(x);
	switch (st->kind) {
	case ST_DUMP: case ST_SPDDUMP:
		return dump_and_show(x, pl, &pl->msgs[0]);
	case ST_DELETEALL:
		return deleteall(x, pl);
	default:
		break;
	}
	for (i = 0; i < pl->nmsgs; i++) {
		if (request(x, pl, &pl->msgs[i], &r)) {
			rc = -1;
			continue;
		}
		if (r.hdr->sadb_msg_errno) {
			fail_reply(x, pl, &pl->msgs[i], r.hdr);
			rc = -1;
			continue;
		}
		if (st->kind == ST_GET || st->kind == ST_GETSPI) {
			x->po.now = time(NULL);
			if (x->json) {
				json_sa(x->out, &r, &x->po);
				fputc('\n', x->out);
			} else {
				print_sa(x->out, &r, &x->po);
			}
			fflush(x->out);
		}
	}
	return rc;
}

int exec_dump(struct exec_ctx *x, bool policy)
{
	struct pmsg pm = build_short(policy ? SADB_X_SPDDUMP : SADB_DUMP,
				     SADB_SATYPE_UNSPEC);
	struct stmt st = { .kind = policy ? ST_SPDDUMP : ST_DUMP };
	struct plan pl = { .st = &st, .msgs = &pm, .nmsgs = 1 };
	const struct source *src = x->src;
	int rc;

	x->src = NULL;
	rc = dump_and_show(x, &pl, &pm);
	x->src = src;
	free(pm.buf);
	return rc;
}

int exec_flush(struct exec_ctx *x, bool policy)
{
	struct pmsg pm = build_short(policy ? SADB_X_SPDFLUSH : SADB_FLUSH,
				     SADB_SATYPE_UNSPEC);
	struct stmt st = { .kind = policy ? ST_SPDFLUSH : ST_FLUSH };
	struct plan pl = { .st = &st, .msgs = &pm, .nmsgs = 1 };
	const struct source *src = x->src;
	struct pfk_msg r;
	int rc = 0;

	x->src = NULL;
	if (request(x, &pl, &pm, &r))
		rc = -1;
	else if (r.hdr->sadb_msg_errno) {
		fail_reply(x, &pl, &pm, r.hdr);
		rc = -1;
	}
	x->src = src;
	free(pm.buf);
	return rc;
}

void exec_show(struct exec_ctx *x, const void *buf, size_t len)
{
	const struct sadb_msg *h = buf;
	struct pfk_msg m;
	char why[128];

	/* Like ipsec-tools: only SAs, policies and errors are shown. */
	if (len >= sizeof(*h) && !h->sadb_msg_errno &&
	    h->sadb_msg_type != SADB_GET && h->sadb_msg_type != SADB_DUMP &&
	    h->sadb_msg_type != SADB_X_SPDGET && h->sadb_msg_type != SADB_X_SPDDUMP)
		return;
	if (pfk_split(buf, len, &m, why, sizeof(why))) {
		fprintf(x->out, "%s\n", why);
		return;
	}
	if (m.hdr->sadb_msg_errno) {
		describe_error(m.hdr->sadb_msg_type, m.hdr->sadb_msg_errno,
			       m.hdr->sadb_msg_reserved, why, sizeof(why));
		fprintf(x->out, "%s.\n", why);
		return;
	}
	switch (m.hdr->sadb_msg_type) {
	case SADB_GET: case SADB_DUMP:
		if (m.hdr->sadb_msg_type == SADB_DUMP && !x->all && m.ext[SADB_EXT_SA] &&
		    m.extlen[SADB_EXT_SA] >= sizeof(struct sadb_sa) &&
		    ((const struct sadb_sa *)m.ext[SADB_EXT_SA])->sadb_sa_state ==
		    SADB_SASTATE_DEAD)
			break;
		if (x->json) {
			json_sa(x->out, &m, &x->po);
			fputc('\n', x->out);
		} else {
			print_sa(x->out, &m, &x->po);
		}
		break;
	case SADB_X_SPDGET: case SADB_X_SPDDUMP:
		if (x->json) {
			json_sp(x->out, &m, &x->po);
			fputc('\n', x->out);
		} else {
			print_sp(x->out, &m, &x->po);
		}
		break;
	default:
		break;
	}
}
