// SPDX-License-Identifier: GPL-2.0
/*
 * pfkey_conform.c - differential PF_KEY v2 conformance program.
 *
 * Sends a fixed script of PF_KEY messages - every SADB message type,
 * every extension, every algorithm Linux's af_key knows, and a catalogue
 * of malformed messages - and prints what happened, normalized, one line
 * per event:
 *
 *	<step>\tbegin
 *	<step>\twrite <sock> <TYPE> -> ok | <ERRNO> | short <n>
 *	<step>\t<sock> <decoded message>		(full steps)
 *	<step>\t<sock> brief <TYPE> sat=.. errno=..	(setup writes)
 *
 * The same binary runs once against Linux's af_key.ko and once against
 * nfipsec.ko (selftests/tests/30_pfkey_conform.sh); the two transcripts
 * are compared step by step.  Nothing here decides what is right: the
 * transcript is the result.  See Documentation/pfkey-conformance.md.
 *
 * Sockets: A sends almost everything; B is a plain bystander that sees
 * every broadcast to all; some steps open P (promiscuous), R/R2
 * (registered) or a fresh C (the malformed catalogue, one per case).
 * After each write every open socket is read until it stays quiet for
 * CF_QUIET_MS, and the messages are printed socket by socket.
 *
 * Usage: pfkey_conform [-q quiet_ms] [-s step-substring] [-t]
 *   -q  how long a socket must stay silent to count as drained (100 ms)
 *   -s  print only the steps whose name contains this string
 *   -t  print the time each step took on stderr
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* pfkey_parse.c is pure C (see kmod/pure.h): its diagnostic names. */
#include "pfkey_parse.c"
#include "test/parse_cases.h"
#include "conform_decode.h"
#include "conform_build.h"

/* ---------------------------------------------------------------------- */
/* Sockets and transcript                                                 */
/* ---------------------------------------------------------------------- */

#define NSOCK 8
#define RBUF 65536

static struct {
	int fd;
	const char *name;
} socks[NSOCK];

static int quiet_ms = 100;
static const char *only;	/* -s: run steps whose name contains this */
static int step_on = 1;
static unsigned int stepno;

enum { A, B, P, R, R2, C, NAMED };
static const char *const sock_names[NAMED] = { "A", "B", "P", "R", "R2", "C" };

__attribute__((format(printf, 1, 2)))
static void out(const char *fmt, ...)
{
	va_list ap;

	if (!step_on)
		return;
	printf("%s\t", cf_step_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void so_open(int i)
{
	socks[i].name = sock_names[i];
	socks[i].fd = socket(PF_KEY, SOCK_RAW, PF_KEY_V2);
	if (socks[i].fd < 0) {
		fprintf(stderr, "socket(PF_KEY): %s\n", strerror(errno));
		exit(2);
	}
}

static void so_close(int i)
{
	if (socks[i].fd > 0)
		close(socks[i].fd);
	socks[i].fd = -1;
}

/* Messages received by the last collect(), for steps that need a value. */
struct rmsg {
	int si;
	size_t n;
	uint8_t *buf;
};
static struct rmsg got[1024];
static int ngot;

static void got_reset(void)
{
	while (ngot)
		free(got[--ngot].buf);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum cmode {
	CM_FULL,	/* decode every message */
	CM_BRIEF,	/* type, satype, errno (setup writes) */
	CM_DUMP,	/* full, dump seqs masked, sorted per socket */
	CM_SILENT,	/* print nothing */
};

static void print_got(enum cmode mode)
{
	int s, i;

	for (s = 0; s < NSOCK; s++) {
		char *lines[1024];
		char seqs[512] = "";
		int nl = 0, ndump = 0;

		for (i = 0; i < ngot; i++) {
			struct sb b = { 0 };
			const struct sadb_msg *h = (const void *)got[i].buf;

			if (got[i].si != s)
				continue;
			if (mode == CM_BRIEF && got[i].n >= sizeof(*h)) {
				sb_printf(&b, "brief ");
				sb_msgtype(&b, h->sadb_msg_type);
				sb_printf(&b, " sat=");
				sb_satype(&b, h->sadb_msg_satype);
				sb_printf(&b, " errno=");
				sb_errno(&b, h->sadb_msg_errno);
				if (h->sadb_msg_reserved)
					sb_printf(&b, " diag=%s(%u)",
						  pfkey_diag_id(h->sadb_msg_reserved) ?: "?",
						  h->sadb_msg_reserved);
			} else {
				cf_decode(&b, got[i].buf, got[i].n, mode == CM_DUMP);
			}
			if (mode == CM_DUMP && got[i].n >= sizeof(*h) &&
			    h->sadb_msg_type == SADB_DUMP && !h->sadb_msg_errno) {
				size_t l = strlen(seqs);

				ndump++;
				snprintf(seqs + l, sizeof(seqs) - l, "%s%u",
					 l ? "," : "", h->sadb_msg_seq);
			}
			lines[nl++] = b.s;
		}
		if (mode == CM_DUMP && nl > 1)
			qsort(lines, nl, sizeof(lines[0]), str_cmp);
		for (i = 0; i < nl; i++) {
			if (mode != CM_SILENT)
				out("%s %s", socks[s].name, lines[i]);
			free(lines[i]);
		}
		if (mode == CM_DUMP && ndump) {
			/* A dump is N messages with seq 1..N-1 and a last 0. */
			char want[512] = "";
			int k;

			for (k = 1; k <= ndump; k++) {
				size_t l = strlen(want);

				snprintf(want + l, sizeof(want) - l, "%s%d",
					 l ? "," : "", k == ndump ? 0 : k);
			}
			if (!strcmp(want, seqs))
				out("%s dump-seq ok n=%d", socks[s].name, ndump);
			else
				out("%s dump-seq BAD %s", socks[s].name, seqs);
		}
	}
}

/* Is this an SADB_EXPIRE carrying the hard lifetime (the SA is gone)? */
static bool is_hard_expire(const uint8_t *buf, ssize_t len)
{
	const struct sadb_msg *h = (const void *)buf;
	ssize_t off = sizeof(*h);

	if (len < (ssize_t)sizeof(*h) || h->sadb_msg_type != SADB_EXPIRE)
		return false;
	while (off + (ssize_t)sizeof(struct sadb_ext) <= len) {
		const struct sadb_ext *e = (const void *)(buf + off);

		if (!e->sadb_ext_len)
			break;
		if (e->sadb_ext_type == SADB_EXT_LIFETIME_HARD)
			return true;
		off += e->sadb_ext_len * 8;
	}
	return false;
}

/*
 * Read every open socket until none has had anything for quiet_ms (or,
 * with @total_ms, for that long in all), then print by socket. With
 * @until_hard, @total_ms is a limit: collect ends quiet_ms after the first
 * hard EXPIRE (a broadcast reaches every socket in the same call), so a
 * late timer on a loaded guest does not cut the window short.
 */
static void collect_ex(enum cmode mode, int total_ms, bool until_hard)
{
	static uint8_t buf[RBUF];
	struct timespec t0, t;
	bool hard = false;
	int s;

	got_reset();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pf[NSOCK];
		int map[NSOCK], n = 0, r, wait = quiet_ms;

		if (total_ms && !hard) {
			long el;

			clock_gettime(CLOCK_MONOTONIC, &t);
			el = (t.tv_sec - t0.tv_sec) * 1000 +
			     (t.tv_nsec - t0.tv_nsec) / 1000000;
			if (el >= total_ms)
				break;
			wait = total_ms - el;
		}
		for (s = 0; s < NSOCK; s++) {
			if (socks[s].fd <= 0)
				continue;
			pf[n].fd = socks[s].fd;
			pf[n].events = POLLIN;
			map[n++] = s;
		}
		r = poll(pf, n, wait);
		if (r <= 0) {
			if (total_ms && !hard && r == 0)
				continue;
			break;
		}
		for (r = 0; r < n; r++) {
			if (!(pf[r].revents & POLLIN))
				continue;
			for (;;) {
				ssize_t l = recv(pf[r].fd, buf, sizeof(buf),
						 MSG_DONTWAIT);

				if (l < 0 || ngot == (int)(sizeof(got) / sizeof(got[0])))
					break;
				if (until_hard && is_hard_expire(buf, l))
					hard = true;
				got[ngot].si = map[r];
				got[ngot].n = l;
				got[ngot].buf = malloc(l ? l : 1);
				memcpy(got[ngot].buf, buf, l);
				ngot++;
			}
		}
	}
	print_got(mode);
}

static void collect(enum cmode mode, int total_ms)
{
	collect_ex(mode, total_ms, false);
}

/* Drain everything, print nothing. */
static void drain(void)
{
	collect(CM_SILENT, 0);
	got_reset();
}

static int timing;	/* -t: time of each step on stderr */

static void step(const char *name)
{
	static struct timespec last;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (timing && stepno)
		fprintf(stderr, "%s %ld ms\n", cf_step_name,
			(now.tv_sec - last.tv_sec) * 1000 +
			(now.tv_nsec - last.tv_nsec) / 1000000);
	last = now;
	got_reset();
	cf_step_name = name;
	cf_step_spis = 0;
	mb_seq_base = ++stepno * 100;
	mb_seq_n = 0;
	step_on = !only || strstr(name, only);
	out("begin");
}

static void print_write(int si, const void *buf, size_t wlen, ssize_t r)
{
	const struct sadb_msg *h = buf;
	struct sb b = { 0 };

	sb_printf(&b, "write %s ", socks[si].name);
	if (wlen >= sizeof(*h))
		sb_msgtype(&b, h->sadb_msg_type);
	else
		sb_printf(&b, "(%zu bytes)", wlen);
	sb_printf(&b, " -> ");
	if (r < 0)
		sb_errno(&b, errno);
	else if ((size_t)r == wlen)
		sb_printf(&b, "ok");
	else
		sb_printf(&b, "short %zd", r);
	out("%s", b.s);
	sb_free(&b);
}

static ssize_t raw_send(int si, const void *buf, size_t wlen, enum cmode mode)
{
	ssize_t r = send(socks[si].fd, buf, wlen, 0);

	print_write(si, buf, wlen, r);
	collect(mode, 0);
	return r;
}

static ssize_t xsend(int si, struct mb *m, enum cmode mode)
{
	if (!m->wlen)
		mb_done(m);
	return raw_send(si, m->buf, m->wlen, mode);
}

/* The SPI (network order) of the first message of @type on @si, or 0. */
static uint32_t got_spi(int si, uint8_t type)
{
	int i;

	for (i = 0; i < ngot; i++) {
		const struct sadb_msg *h = (const void *)got[i].buf;
		size_t off;

		if (got[i].si != si || got[i].n < sizeof(*h) ||
		    h->sadb_msg_type != type || h->sadb_msg_errno)
			continue;
		for (off = sizeof(*h); off + 8 <= got[i].n;) {
			const struct sadb_sa *sa = (const void *)(got[i].buf + off);
			size_t el = (size_t)sa->sadb_sa_len * 8;

			if (!el)
				break;
			if (sa->sadb_sa_exttype == SADB_EXT_SA && el >= sizeof(*sa))
				return sa->sadb_sa_spi;
			off += el;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Fixtures                                                               */
/* ---------------------------------------------------------------------- */

#define S4 "192.0.2.1"
#define D4 "192.0.2.2"
#define S6 "2001:db8::1"
#define D6 "2001:db8::2"

#define NOKEY (-1)

/* SADB and SPD emptied between groups; not part of the transcript. */
static void quiet_flush(void)
{
	struct mb m;
	int on = step_on;

	step_on = 0;
	mb_init(&m, SADB_FLUSH, SADB_SATYPE_UNSPEC);
	mb_done(&m);
	send(socks[A].fd, m.buf, m.wlen, 0);
	mb_init(&m, SADB_X_SPDFLUSH, SADB_SATYPE_UNSPEC);
	mb_done(&m);
	send(socks[A].fd, m.buf, m.wlen, 0);
	drain();
	step_on = on;
}

#define NOSA2 (-1)

/* An SA message: header, SA, host addresses, SA2 unless NOSA2, keys. */
static void mb_samsg2(struct mb *m, uint8_t type, uint8_t satype, uint32_t spi,
		      uint8_t aalg, int abits, uint8_t ealg, int ebits,
		      const char *src, const char *dst, int mode)
{
	mb_init(m, type, satype);
	mb_sa(m, spi, aalg, ealg);
	mb_host(m, SADB_EXT_ADDRESS_SRC, src);
	mb_host(m, SADB_EXT_ADDRESS_DST, dst);
	if (mode != NOSA2)
		mb_sa2(m, mode, 0);
	if (abits >= 0)
		mb_key(m, SADB_EXT_KEY_AUTH, abits, aalg);
	if (ebits >= 0)
		mb_key(m, SADB_EXT_KEY_ENCRYPT, ebits, ealg + 100);
}

/*
 * With SA2 in transport mode, as racoon and charon send them (setkey's
 * default, mode "any", and no SA2 at all have steps of their own).
 */
static void mb_samsg(struct mb *m, uint8_t type, uint8_t satype, uint32_t spi,
		     uint8_t aalg, int abits, uint8_t ealg, int ebits,
		     const char *src, const char *dst)
{
	mb_samsg2(m, type, satype, spi, aalg, abits, ealg, ebits, src, dst,
		  IPSEC_MODE_TRANSPORT);
}

/* ESP hmac-sha1 + aes-128-cbc, the base of the extension steps. */
static void mb_esp_std(struct mb *m, uint8_t type, uint32_t spi)
{
	mb_samsg(m, type, SADB_SATYPE_ESP, spi, SADB_AALG_SHA1HMAC, 160,
		 SADB_X_EALG_AESCBC, 128, S4, D4);
}

/* The same without SA2, for the steps that bring their own. */
static void mb_esp_nosa2(struct mb *m, uint8_t type, uint32_t spi)
{
	mb_samsg2(m, type, SADB_SATYPE_ESP, spi, SADB_AALG_SHA1HMAC, 160,
		  SADB_X_EALG_AESCBC, 128, S4, D4, NOSA2);
}

/* GET or DELETE by (satype, SPI, addresses). */
static void mb_key_msg(struct mb *m, uint8_t type, uint8_t satype, uint32_t spi,
		       const char *src, const char *dst)
{
	mb_init(m, type, satype);
	mb_sa(m, spi, 0, 0);
	mb_host(m, SADB_EXT_ADDRESS_SRC, src);
	mb_host(m, SADB_EXT_ADDRESS_DST, dst);
}

static void get_full(uint8_t satype, uint32_t spi, const char *src,
		     const char *dst)
{
	struct mb m;

	mb_key_msg(&m, SADB_GET, satype, spi, src, dst);
	xsend(A, &m, CM_FULL);
}

/* ---------------------------------------------------------------------- */
/* 1. Base header and framing                                             */
/* ---------------------------------------------------------------------- */

static void group_header(void)
{
	struct mb m;
	uint8_t zero[64] = { 0 };

	quiet_flush();

	step("hdr.write_0");
	raw_send(A, zero, 0, CM_FULL);

	step("hdr.write_8");
	mb_init(&m, SADB_FLUSH, SADB_SATYPE_UNSPEC);
	mb_done(&m);
	raw_send(A, m.buf, 8, CM_FULL);

	step("hdr.write_15");
	raw_send(A, m.buf, 15, CM_FULL);

	step("hdr.version_1");
	mb_init(&m, SADB_FLUSH, SADB_SATYPE_UNSPEC);
	mb_hdr(&m)->sadb_msg_version = 1;
	xsend(A, &m, CM_FULL);

	step("hdr.version_3");
	mb_init(&m, SADB_DUMP, SADB_SATYPE_UNSPEC);
	mb_hdr(&m)->sadb_msg_version = 3;
	xsend(A, &m, CM_FULL);

	step("hdr.reserved_1");
	mb_init(&m, SADB_DUMP, SADB_SATYPE_UNSPEC);
	mb_hdr(&m)->sadb_msg_reserved = 1;
	xsend(A, &m, CM_FULL);

	step("hdr.len_0");
	mb_init(&m, SADB_DUMP, SADB_SATYPE_UNSPEC);
	m.keep_len = 1;
	xsend(A, &m, CM_FULL);

	step("hdr.len_too_big");
	mb_init(&m, SADB_DUMP, SADB_SATYPE_UNSPEC);
	m.keep_len = 1;
	mb_hdr(&m)->sadb_msg_len = 3;
	xsend(A, &m, CM_FULL);

	step("hdr.len_too_small");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x1000, S4, D4);
	mb_done(&m);
	mb_hdr(&m)->sadb_msg_len = 2;
	xsend(A, &m, CM_FULL);

	step("hdr.write_plus_4");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x1000, S4, D4);
	mb_done(&m);
	m.wlen = m.len + 4;
	xsend(A, &m, CM_FULL);

	step("hdr.write_plus_8");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x1000, S4, D4);
	mb_done(&m);
	m.wlen = m.len + 8;
	xsend(A, &m, CM_FULL);

	step("hdr.type_0");
	mb_init(&m, SADB_RESERVED, SADB_SATYPE_UNSPEC);
	xsend(A, &m, CM_FULL);

	step("hdr.type_25");
	mb_init(&m, SADB_MAX + 1, SADB_SATYPE_UNSPEC);
	xsend(A, &m, CM_FULL);

	step("hdr.type_255");
	mb_init(&m, 255, SADB_SATYPE_UNSPEC);
	xsend(A, &m, CM_FULL);

	step("hdr.errno_set_in_request");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x1000, S4, D4);
	mb_hdr(&m)->sadb_msg_errno = EIO;
	xsend(A, &m, CM_FULL);

	step("hdr.pid_0_seq_0");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x1000, S4, D4);
	mb_hdr(&m)->sadb_msg_pid = 0;
	mb_hdr(&m)->sadb_msg_seq = 0;
	xsend(A, &m, CM_FULL);

	step("hdr.pid_other");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x1000, S4, D4);
	mb_hdr(&m)->sadb_msg_pid = 1;
	xsend(A, &m, CM_FULL);

	/* Message types a kernel sends but userspace may not. */
	step("type.expire_from_user");
	mb_init(&m, SADB_EXPIRE, SADB_SATYPE_ESP);
	xsend(A, &m, CM_FULL);

	step("type.x_pchange");
	mb_init(&m, SADB_X_PCHANGE, SADB_SATYPE_UNSPEC);
	xsend(A, &m, CM_FULL);

	step("type.x_spdacquire");
	mb_init(&m, SADB_X_SPDACQUIRE, SADB_SATYPE_UNSPEC);
	xsend(A, &m, CM_FULL);

	step("type.x_spdexpire");
	mb_init(&m, SADB_X_SPDEXPIRE, SADB_SATYPE_UNSPEC);
	xsend(A, &m, CM_FULL);

	step("type.x_nat_t_new_mapping");
	mb_init(&m, SADB_X_NAT_T_NEW_MAPPING, SADB_SATYPE_ESP);
	xsend(A, &m, CM_FULL);

	/* nfipsec's own message: af_key does not know it. */
	step("type.x_nfipsec_options");
	mb_init(&m, SADB_X_NFIPSEC_OPTIONS, 0);
	xsend(A, &m, CM_FULL);
}

/* ---------------------------------------------------------------------- */
/* 2. The validation vectors of kmod/test/parse_cases.h                   */
/* ---------------------------------------------------------------------- */

static void group_parse_cases(void)
{
	size_t i;

	quiet_flush();
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		static char names[sizeof(parse_cases) / sizeof(parse_cases[0])][80];
		struct pc_msg pm;

		snprintf(names[i], sizeof(names[i]), "parse.%s", parse_cases[i].name);
		step(names[i]);
		/* A fresh socket: some cases register or go promiscuous. */
		so_open(C);
		parse_cases[i].build(&pm);
		raw_send(C, pm.buf, pm.wlen, CM_FULL);
		so_close(C);
		quiet_flush();
	}
}

/* ---------------------------------------------------------------------- */
/* 3. More malformed messages                                             */
/* ---------------------------------------------------------------------- */

static void group_malformed(void)
{
	struct mb m;
	struct sadb_address *a;
	struct sadb_key *k;
	struct sadb_x_sec_ctx *c;
	struct sadb_sens *sn;
	struct sadb_ext *e;

	quiet_flush();

	/* Extension headers */
	step("bad.ext_len_0_middle");
	mb_init(&m, SADB_GET, SADB_SATYPE_ESP);
	mb_sa(&m, 0x1000, 0, 0);
	e = mb_ext(&m, SADB_EXT_ADDRESS_SRC, 8);
	e->sadb_ext_len = 0;
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	xsend(A, &m, CM_FULL);

	step("bad.ext_overruns_message");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x1000, S4, D4);
	e = mb_ext(&m, SADB_X_EXT_KMPRIVATE, 8);
	e->sadb_ext_len = 5;
	xsend(A, &m, CM_FULL);

	step("bad.ext_type_0");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x1000, S4, D4);
	mb_ext(&m, SADB_EXT_RESERVED, 8);
	xsend(A, &m, CM_FULL);

	step("bad.ext_type_27_in_get");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x1000, S4, D4);
	mb_ext(&m, 27, 16);
	xsend(A, &m, CM_FULL);

	step("bad.ext_type_31_in_getspi");
	mb_init(&m, SADB_GETSPI, SADB_SATYPE_ESP);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	mb_range(&m, 0x3000, 0x3000);
	mb_ext(&m, 31, 8);
	xsend(A, &m, CM_FULL);

	step("bad.ext_type_200_in_register");
	so_open(C);
	mb_init(&m, SADB_REGISTER, SADB_SATYPE_ESP);
	mb_ext(&m, 200, 8);
	xsend(C, &m, CM_BRIEF);
	so_close(C);

	step("bad.ext_x_counters_in_add");
	mb_esp_std(&m, SADB_ADD, 0x1001);
	mb_ext(&m, SADB_X_EXT_COUNTERS, sizeof(struct sadb_x_counters));
	xsend(A, &m, CM_BRIEF);

	step("bad.ext_supported_in_add");
	mb_esp_std(&m, SADB_ADD, 0x1002);
	mb_supported(&m, SADB_EXT_SUPPORTED_ENCRYPT, 1);
	xsend(A, &m, CM_BRIEF);

	step("bad.ext_proposal_in_get");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x1000, S4, D4);
	mb_prop(&m, 1);
	xsend(A, &m, CM_FULL);

	step("bad.ext_spirange_in_get");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x1000, S4, D4);
	mb_range(&m, 0x100, 0x200);
	xsend(A, &m, CM_FULL);

	step("bad.ext_policy_in_register");
	so_open(C);
	mb_init(&m, SADB_REGISTER, SADB_SATYPE_AH);
	mb_policy(&m, IPSEC_POLICY_NONE, IPSEC_DIR_OUTBOUND, 0, 0, 0, 0);
	xsend(C, &m, CM_BRIEF);
	so_close(C);

	step("bad.ext_sa_in_flush");
	mb_init(&m, SADB_FLUSH, SADB_SATYPE_UNSPEC);
	mb_sa(&m, 0x1000, 0, 0);
	xsend(A, &m, CM_FULL);

	step("bad.ext_sa_in_dump");
	mb_init(&m, SADB_DUMP, SADB_SATYPE_UNSPEC);
	mb_sa(&m, 0x1000, 0, 0);
	xsend(A, &m, CM_FULL);

	/* Fixed-size extensions of the wrong size */
	step("bad.sa_1_word");
	mb_init(&m, SADB_GET, SADB_SATYPE_ESP);
	mb_ext(&m, SADB_EXT_SA, 8);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	xsend(A, &m, CM_FULL);

	step("bad.sa_3_words");
	mb_init(&m, SADB_GET, SADB_SATYPE_ESP);
	mb_sa(&m, 0x1000, 0, 0);
	((struct sadb_ext *)(m.buf + 16))->sadb_ext_len = 3;
	m.len += 8;
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	xsend(A, &m, CM_FULL);

	step("bad.lifetime_3_words");
	mb_esp_std(&m, SADB_ADD, 0x1003);
	mb_life(&m, SADB_EXT_LIFETIME_SOFT, 0, 0, 10, 0);
	e = mb_ext(&m, SADB_EXT_LIFETIME_HARD, 24);
	xsend(A, &m, CM_BRIEF);

	step("bad.lifetime_5_words");
	mb_esp_std(&m, SADB_ADD, 0x1004);
	mb_life(&m, SADB_EXT_LIFETIME_SOFT, 0, 0, 10, 0);
	e = (void *)mb_life(&m, SADB_EXT_LIFETIME_HARD, 0, 0, 20, 0);
	e->sadb_ext_len = 5;
	m.len += 8;
	xsend(A, &m, CM_BRIEF);

	step("bad.sa2_3_words");
	mb_esp_nosa2(&m, SADB_ADD, 0x1005);
	e = (void *)mb_sa2(&m, IPSEC_MODE_TRANSPORT, 0);
	e->sadb_ext_len = 3;
	m.len += 8;
	xsend(A, &m, CM_BRIEF);

	step("bad.spirange_1_word");
	mb_init(&m, SADB_GETSPI, SADB_SATYPE_ESP);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	mb_ext(&m, SADB_EXT_SPIRANGE, 8);
	xsend(A, &m, CM_FULL);

	step("bad.natt_type_2_words");
	mb_esp_std(&m, SADB_ADD, 0x1006);
	mb_ext(&m, SADB_X_EXT_NAT_T_TYPE, 16);
	xsend(A, &m, CM_BRIEF);

	step("bad.ident_1_word");
	mb_esp_std(&m, SADB_ADD, 0x1007);
	mb_ext(&m, SADB_EXT_IDENTITY_SRC, 8);
	xsend(A, &m, CM_BRIEF);

	/* Addresses */
	step("bad.addr_header_only");
	mb_init(&m, SADB_GET, SADB_SATYPE_ESP);
	mb_sa(&m, 0x1000, 0, 0);
	mb_ext(&m, SADB_EXT_ADDRESS_SRC, 8);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	xsend(A, &m, CM_FULL);

	step("bad.addr_af_unix");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x1000, S4, D4);
	a = (void *)(m.buf + 16 + 16);
	((struct sockaddr *)(a + 1))->sa_family = AF_UNIX;
	xsend(A, &m, CM_FULL);

	step("bad.addr_af_0");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x1000, S4, D4);
	a = (void *)(m.buf + 16 + 16 + 24);
	((struct sockaddr *)(a + 1))->sa_family = 0;
	xsend(A, &m, CM_FULL);

	step("bad.addr_inet_4_words");
	mb_init(&m, SADB_GET, SADB_SATYPE_ESP);
	mb_sa(&m, 0x1000, 0, 0);
	a = mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	a->sadb_address_len = 4;
	m.len += 8;
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	xsend(A, &m, CM_FULL);

	step("bad.addr_inet6_3_words");
	mb_init(&m, SADB_GET, SADB_SATYPE_ESP);
	mb_sa(&m, 0x1000, 0, 0);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S6);
	a = mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	((struct sockaddr *)(a + 1))->sa_family = AF_INET6;
	xsend(A, &m, CM_FULL);

	step("bad.addr_prefix_33");
	mb_init(&m, SADB_GETSPI, SADB_SATYPE_ESP);
	mb_addr(&m, SADB_EXT_ADDRESS_SRC, S4, 33, 0, 0);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	xsend(A, &m, CM_FULL);

	step("bad.addr_prefix_129");
	mb_init(&m, SADB_GETSPI, SADB_SATYPE_ESP);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S6);
	mb_addr(&m, SADB_EXT_ADDRESS_DST, D6, 129, 0, 0);
	xsend(A, &m, CM_FULL);

	step("bad.addr_family_mismatch_get");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x1000, S4, D6);
	xsend(A, &m, CM_FULL);

	step("bad.addr_family_mismatch_add");
	mb_samsg(&m, SADB_ADD, SADB_SATYPE_ESP, 0x1008, SADB_AALG_SHA1HMAC, 160,
		 SADB_X_EALG_AESCBC, 128, S6, D4);
	xsend(A, &m, CM_BRIEF);

	step("bad.proxy_af_unix");
	mb_esp_std(&m, SADB_ADD, 0x1009);
	a = mb_host(&m, SADB_EXT_ADDRESS_PROXY, "10.0.0.0");
	((struct sockaddr *)(a + 1))->sa_family = AF_UNIX;
	xsend(A, &m, CM_BRIEF);

	step("bad.natt_oa_af_unix");
	mb_esp_std(&m, SADB_ADD, 0x100a);
	mb_natt(&m, 2, 4500, 4500);
	a = mb_host(&m, SADB_X_EXT_NAT_T_OA, "10.0.0.1");
	((struct sockaddr *)(a + 1))->sa_family = AF_UNIX;
	xsend(A, &m, CM_BRIEF);

	/* ESP in UDP: only types 1 and 2, only on ESP (XFRM's init_state). */
	step("bad.natt_type_3");
	mb_esp_std(&m, SADB_ADD, 0x1022);
	mb_natt(&m, 3, 4500, 4500);
	xsend(A, &m, CM_BRIEF);

	step("bad.natt_on_ah");
	mb_samsg(&m, SADB_ADD, SADB_SATYPE_AH, 0x1023, SADB_AALG_SHA1HMAC, NOKEY,
		 0, NOKEY, S4, D4);
	mb_key(&m, SADB_EXT_KEY_AUTH, 160, 1);
	mb_natt(&m, 2, 4500, 4500);
	xsend(A, &m, CM_BRIEF);

	/* Keys */
	step("bad.key_auth_bits_overflow");
	mb_samsg(&m, SADB_ADD, SADB_SATYPE_AH, 0x100b, SADB_AALG_SHA1HMAC, NOKEY,
		 0, NOKEY, S4, D4);
	k = mb_key(&m, SADB_EXT_KEY_AUTH, 160, 1);	/* 4 words: 24 key bytes */
	k->sadb_key_bits = 200;				/* 25 bytes */
	xsend(A, &m, CM_BRIEF);

	step("bad.key_auth_bits_161");
	mb_samsg(&m, SADB_ADD, SADB_SATYPE_AH, 0x1021, SADB_AALG_SHA1HMAC, NOKEY,
		 0, NOKEY, S4, D4);
	k = mb_key(&m, SADB_EXT_KEY_AUTH, 160, 1);
	k->sadb_key_bits = 161;				/* fits, wrong size */
	xsend(A, &m, CM_BRIEF);

	step("bad.key_enc_bits_overflow");
	mb_samsg(&m, SADB_ADD, SADB_SATYPE_ESP, 0x100c, 0, NOKEY,
		 SADB_X_EALG_AESCBC, NOKEY, S4, D4);
	k = mb_key(&m, SADB_EXT_KEY_ENCRYPT, 128, 1);
	k->sadb_key_bits = 192;
	xsend(A, &m, CM_BRIEF);

	step("bad.key_enc_bits_0");
	mb_samsg(&m, SADB_ADD, SADB_SATYPE_ESP, 0x100d, 0, NOKEY,
		 SADB_X_EALG_AESCBC, 0, S4, D4);
	xsend(A, &m, CM_BRIEF);

	step("bad.key_auth_bits_0");
	mb_samsg(&m, SADB_ADD, SADB_SATYPE_AH, 0x100e, SADB_AALG_SHA1HMAC, 0,
		 0, NOKEY, S4, D4);
	xsend(A, &m, CM_BRIEF);

	/* Other variable-length extensions */
	step("bad.secctx_len_mismatch");
	mb_esp_std(&m, SADB_ADD, 0x100f);
	c = mb_secctx(&m, 1, 1, "system_u:object_r:ipsec_spd_t:s0");
	c->sadb_x_ctx_len = 60;
	xsend(A, &m, CM_BRIEF);

	step("bad.secctx_len_5000");
	mb_esp_std(&m, SADB_ADD, 0x1010);
	c = mb_secctx(&m, 1, 1, "x");
	c->sadb_x_ctx_len = 5000;
	c->sadb_x_sec_len = (sizeof(*c) + 5000 + 7) / 8;
	xsend(A, &m, CM_BRIEF);

	step("bad.sens_bitmaps_overflow");
	mb_esp_std(&m, SADB_ADD, 0x1011);
	sn = mb_sens(&m, 1, 1);
	sn->sadb_sens_integ_len = 4;
	xsend(A, &m, CM_BRIEF);

	step("bad.proposal_partial_comb");
	mb_init(&m, SADB_ACQUIRE, SADB_SATYPE_ESP);
	e = (void *)mb_prop(&m, 1);
	e->sadb_ext_len = 5;
	m.len = 16 + 40;
	xsend(A, &m, CM_FULL);

	/* Duplicates */
	step("bad.dup_key_auth");
	mb_esp_std(&m, SADB_ADD, 0x1012);
	mb_key(&m, SADB_EXT_KEY_AUTH, 160, 2);
	xsend(A, &m, CM_BRIEF);

	step("bad.dup_lifetime_hard");
	mb_esp_std(&m, SADB_ADD, 0x1013);
	mb_life(&m, SADB_EXT_LIFETIME_HARD, 0, 0, 100, 0);
	mb_life(&m, SADB_EXT_LIFETIME_SOFT, 0, 0, 50, 0);
	mb_life(&m, SADB_EXT_LIFETIME_HARD, 0, 0, 200, 0);
	xsend(A, &m, CM_BRIEF);

	step("bad.dup_sa2");
	mb_esp_std(&m, SADB_ADD, 0x1014);
	mb_sa2(&m, IPSEC_MODE_TUNNEL, 0);
	xsend(A, &m, CM_BRIEF);

	step("bad.dup_dst");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x1000, S4, D4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	xsend(A, &m, CM_FULL);

	step("bad.dup_spirange");
	mb_init(&m, SADB_GETSPI, SADB_SATYPE_ESP);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	mb_range(&m, 0x3000, 0x3fff);
	mb_range(&m, 0x3000, 0x3fff);
	xsend(A, &m, CM_FULL);

	/* Missing extensions */
	step("bad.add_missing_sa");
	mb_init(&m, SADB_ADD, SADB_SATYPE_ESP);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	mb_key(&m, SADB_EXT_KEY_ENCRYPT, 128, 1);
	xsend(A, &m, CM_FULL);

	step("bad.add_missing_src");
	mb_init(&m, SADB_ADD, SADB_SATYPE_ESP);
	mb_sa(&m, 0x1015, 0, SADB_X_EALG_AESCBC);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	mb_key(&m, SADB_EXT_KEY_ENCRYPT, 128, 1);
	xsend(A, &m, CM_FULL);

	step("bad.add_missing_dst");
	mb_init(&m, SADB_ADD, SADB_SATYPE_ESP);
	mb_sa(&m, 0x1016, 0, SADB_X_EALG_AESCBC);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_key(&m, SADB_EXT_KEY_ENCRYPT, 128, 1);
	xsend(A, &m, CM_FULL);

	step("bad.update_missing_sa");
	mb_init(&m, SADB_UPDATE, SADB_SATYPE_ESP);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	xsend(A, &m, CM_FULL);

	step("bad.get_missing_sa");
	mb_init(&m, SADB_GET, SADB_SATYPE_ESP);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	xsend(A, &m, CM_FULL);

	step("bad.get_missing_src");
	mb_init(&m, SADB_GET, SADB_SATYPE_ESP);
	mb_sa(&m, 0x1000, 0, 0);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	xsend(A, &m, CM_FULL);

	step("bad.delete_missing_dst");
	mb_init(&m, SADB_DELETE, SADB_SATYPE_ESP);
	mb_sa(&m, 0x1000, 0, 0);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	xsend(A, &m, CM_FULL);

	step("bad.getspi_missing_src");
	mb_init(&m, SADB_GETSPI, SADB_SATYPE_ESP);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	xsend(A, &m, CM_FULL);

	/* SA types */
	step("bad.add_satype_unspec");
	mb_esp_std(&m, SADB_ADD, 0x1017);
	mb_hdr(&m)->sadb_msg_satype = SADB_SATYPE_UNSPEC;
	xsend(A, &m, CM_FULL);

	step("bad.add_satype_rsvp");
	mb_esp_std(&m, SADB_ADD, 0x1018);
	mb_hdr(&m)->sadb_msg_satype = SADB_SATYPE_RSVP;
	xsend(A, &m, CM_FULL);

	step("bad.add_satype_1");
	mb_esp_std(&m, SADB_ADD, 0x1019);
	mb_hdr(&m)->sadb_msg_satype = 1;
	xsend(A, &m, CM_FULL);

	step("bad.getspi_satype_unspec");
	mb_init(&m, SADB_GETSPI, SADB_SATYPE_UNSPEC);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	xsend(A, &m, CM_FULL);

	step("bad.get_satype_unspec");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_UNSPEC, 0x1000, S4, D4);
	xsend(A, &m, CM_FULL);

	step("bad.delete_satype_unspec");
	mb_key_msg(&m, SADB_DELETE, SADB_SATYPE_UNSPEC, 0x1000, S4, D4);
	xsend(A, &m, CM_FULL);

	step("bad.get_satype_mip");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_MIP, 0x1000, S4, D4);
	xsend(A, &m, CM_FULL);

	step("bad.dump_satype_rsvp");
	mb_init(&m, SADB_DUMP, SADB_SATYPE_RSVP);
	xsend(A, &m, CM_FULL);

	step("bad.flush_satype_1");
	mb_init(&m, SADB_FLUSH, 1);
	xsend(A, &m, CM_FULL);

	step("bad.flush_satype_10");
	mb_init(&m, SADB_FLUSH, 10);
	xsend(A, &m, CM_FULL);

	/* Modes */
	step("bad.sa2_mode_4");
	mb_esp_nosa2(&m, SADB_ADD, 0x101a);
	mb_sa2(&m, 4, 0);
	xsend(A, &m, CM_BRIEF);

	step("bad.sa2_mode_255_getspi");
	mb_init(&m, SADB_GETSPI, SADB_SATYPE_ESP);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	mb_sa2(&m, 255, 0);
	xsend(A, &m, CM_FULL);

	/* Lifetimes */
	step("bad.lifetime_soft_bytes_above_hard");
	mb_esp_std(&m, SADB_ADD, 0x101b);
	mb_life(&m, SADB_EXT_LIFETIME_HARD, 0, 1000, 0, 0);
	mb_life(&m, SADB_EXT_LIFETIME_SOFT, 0, 2000, 0, 0);
	xsend(A, &m, CM_BRIEF);

	step("bad.lifetime_soft_alloc_above_hard");
	mb_esp_std(&m, SADB_ADD, 0x101c);
	mb_life(&m, SADB_EXT_LIFETIME_HARD, 10, 0, 0, 0);
	mb_life(&m, SADB_EXT_LIFETIME_SOFT, 20, 0, 0, 0);
	xsend(A, &m, CM_BRIEF);

	step("bad.lifetime_soft_addtime_above_hard");
	mb_esp_std(&m, SADB_ADD, 0x101d);
	mb_life(&m, SADB_EXT_LIFETIME_HARD, 0, 0, 100, 0);
	mb_life(&m, SADB_EXT_LIFETIME_SOFT, 0, 0, 200, 0);
	xsend(A, &m, CM_BRIEF);

	step("bad.lifetime_soft_usetime_above_hard");
	mb_esp_std(&m, SADB_ADD, 0x101e);
	mb_life(&m, SADB_EXT_LIFETIME_HARD, 0, 0, 0, 100);
	mb_life(&m, SADB_EXT_LIFETIME_SOFT, 0, 0, 0, 200);
	xsend(A, &m, CM_BRIEF);

	step("bad.lifetime_hard_only");
	mb_esp_std(&m, SADB_ADD, 0x101f);
	mb_life(&m, SADB_EXT_LIFETIME_HARD, 0, 0, 100, 0);
	xsend(A, &m, CM_BRIEF);

	step("bad.lifetime_soft_only");
	mb_esp_std(&m, SADB_ADD, 0x1020);
	mb_life(&m, SADB_EXT_LIFETIME_SOFT, 0, 0, 100, 0);
	xsend(A, &m, CM_BRIEF);

	/* SPIs */
	step("bad.spi_0");
	mb_esp_std(&m, SADB_ADD, 0);
	xsend(A, &m, CM_BRIEF);

	step("bad.spi_1");
	mb_esp_std(&m, SADB_ADD, 1);
	xsend(A, &m, CM_BRIEF);

	step("bad.spi_255");
	mb_esp_std(&m, SADB_ADD, 255);
	xsend(A, &m, CM_BRIEF);

	step("bad.spi_256");
	mb_esp_std(&m, SADB_ADD, 256);
	xsend(A, &m, CM_BRIEF);

	step("bad.spi_1_ah");
	mb_samsg(&m, SADB_ADD, SADB_SATYPE_AH, 1, SADB_AALG_SHA1HMAC, 160,
		 0, NOKEY, S4, D4);
	xsend(A, &m, CM_BRIEF);

	step("bad.spi_200_update");
	mb_esp_std(&m, SADB_UPDATE, 200);
	xsend(A, &m, CM_FULL);

	step("bad.spirange_min_gt_max");
	mb_init(&m, SADB_GETSPI, SADB_SATYPE_ESP);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	mb_range(&m, 0x5000, 0x4000);
	xsend(A, &m, CM_FULL);

	step("bad.spirange_reserved");
	mb_init(&m, SADB_GETSPI, SADB_SATYPE_ESP);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	mb_range(&m, 0x5000, 0x5000)->sadb_spirange_reserved = 1;
	xsend(A, &m, CM_FULL);

	quiet_flush();
}

/* ---------------------------------------------------------------------- */
/* 4. Algorithms                                                          */
/* ---------------------------------------------------------------------- */

struct alg {
	const char *name;
	uint8_t id;
	int bits;
};

static const struct alg auths[] = {
	{ "hmac-md5", SADB_AALG_MD5HMAC, 128 },
	{ "hmac-sha1", SADB_AALG_SHA1HMAC, 160 },
	{ "hmac-sha256", SADB_X_AALG_SHA2_256HMAC, 256 },
	{ "hmac-sha384", SADB_X_AALG_SHA2_384HMAC, 384 },
	{ "hmac-sha512", SADB_X_AALG_SHA2_512HMAC, 512 },
	{ "hmac-ripemd160", SADB_X_AALG_RIPEMD160HMAC, 160 },
	{ "aes-xcbc", SADB_X_AALG_AES_XCBC_MAC, 128 },
	{ "hmac-sm3", SADB_X_AALG_SM3_256HMAC, 256 },
	{ "null", SADB_X_AALG_NULL, 0 },
	{ "aes-cmac", SADB_X_AALG_AES_CMAC, 128 },
};

static const struct alg encs[] = {
	{ "des-cbc", SADB_EALG_DESCBC, 64 },
	{ "3des-cbc", SADB_EALG_3DESCBC, 192 },
	{ "cast128-cbc", SADB_X_EALG_CASTCBC, 128 },
	{ "blowfish-cbc", SADB_X_EALG_BLOWFISHCBC, 128 },
	{ "null", SADB_EALG_NULL, 0 },
	{ "aes-cbc-128", SADB_X_EALG_AESCBC, 128 },
	{ "aes-cbc-192", SADB_X_EALG_AESCBC, 192 },
	{ "aes-cbc-256", SADB_X_EALG_AESCBC, 256 },
	{ "aes-ctr-128", SADB_X_EALG_AESCTR, 160 },
	{ "aes-ctr-256", SADB_X_EALG_AESCTR, 288 },
	{ "camellia-cbc", SADB_X_EALG_CAMELLIACBC, 128 },
	{ "sm4-cbc", SADB_X_EALG_SM4CBC, 128 },
	{ "serpent-cbc", SADB_X_EALG_SERPENTCBC, 128 },
	{ "twofish-cbc", SADB_X_EALG_TWOFISHCBC, 128 },
};

static const struct alg aeads[] = {
	{ "aes-ccm8", SADB_X_EALG_AES_CCM_ICV8, 152 },
	{ "aes-ccm12", SADB_X_EALG_AES_CCM_ICV12, 216 },
	{ "aes-ccm16", SADB_X_EALG_AES_CCM_ICV16, 280 },
	{ "aes-gcm8", SADB_X_EALG_AES_GCM_ICV8, 160 },
	{ "aes-gcm12", SADB_X_EALG_AES_GCM_ICV12, 224 },
	{ "aes-gcm16", SADB_X_EALG_AES_GCM_ICV16, 288 },
	{ "null-aes-gmac", SADB_X_EALG_NULL_AES_GMAC, 160 },
	{ "chacha20-poly1305", SADB_X_EALG_CHACHA20_POLY1305, 288 },
};

static const struct alg comps[] = {
	{ "deflate", SADB_X_CALG_DEFLATE, NOKEY },
	{ "lzs", SADB_X_CALG_LZS, NOKEY },
	{ "lzjh", SADB_X_CALG_LZJH, NOKEY },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ADD (brief) then GET (full) of one SA, as two steps. */
static void add_get(const char *prefix, uint8_t satype, uint32_t spi,
		    uint8_t aalg, int abits, uint8_t ealg, int ebits)
{
	static char names[512][96];
	static int nn;
	struct mb m;

	snprintf(names[nn], sizeof(names[nn]), "%s.add", prefix);
	step(names[nn++]);
	mb_samsg(&m, SADB_ADD, satype, spi, aalg, abits, ealg, ebits, S4, D4);
	xsend(A, &m, CM_BRIEF);

	snprintf(names[nn], sizeof(names[nn]), "%s.get", prefix);
	step(names[nn++]);
	get_full(satype, spi, S4, D4);
}

static void group_algorithms(void)
{
	static char names[64][96];
	uint32_t spi = 0x10000;
	struct mb m;
	size_t i;
	int n = 0;

	quiet_flush();
	for (i = 0; i < N(auths); i++) {
		snprintf(names[n], sizeof(names[n]), "alg.ah-%s", auths[i].name);
		add_get(names[n++], SADB_SATYPE_AH, spi++, auths[i].id,
			auths[i].bits, 0, NOKEY);
		snprintf(names[n], sizeof(names[n]), "alg.esp-aes-%s", auths[i].name);
		add_get(names[n++], SADB_SATYPE_ESP, spi++, auths[i].id,
			auths[i].bits, SADB_X_EALG_AESCBC, 128);
	}
	for (i = 0; i < N(encs); i++) {
		snprintf(names[n], sizeof(names[n]), "alg.esp-%s-sha1", encs[i].name);
		add_get(names[n++], SADB_SATYPE_ESP, spi++, SADB_AALG_SHA1HMAC, 160,
			encs[i].id, encs[i].bits);
	}
	for (i = 0; i < N(aeads); i++) {
		snprintf(names[n], sizeof(names[n]), "alg.esp-%s", aeads[i].name);
		add_get(names[n++], SADB_SATYPE_ESP, spi++, 0, NOKEY,
			aeads[i].id, aeads[i].bits);
	}
	for (i = 0; i < N(comps); i++) {
		snprintf(names[n], sizeof(names[n]), "alg.ipcomp-%s", comps[i].name);
		add_get(names[n++], SADB_X_SATYPE_IPCOMP, spi++, 0, NOKEY,
			comps[i].id, NOKEY);
	}
	add_get("alg.esp-aes-noauth", SADB_SATYPE_ESP, spi++, 0, NOKEY,
		SADB_X_EALG_AESCBC, 128);
	add_get("alg.esp-noenc-sha1", SADB_SATYPE_ESP, spi++, SADB_AALG_SHA1HMAC,
		160, 0, NOKEY);
	add_get("alg.esp-noenc-sha1-enckey0", SADB_SATYPE_ESP, spi++,
		SADB_AALG_SHA1HMAC, 160, 0, 0);
	add_get("alg.esp-null-nokey-sha1", SADB_SATYPE_ESP, spi++,
		SADB_AALG_SHA1HMAC, 160, SADB_EALG_NULL, NOKEY);
	add_get("alg.ah-null-nokey", SADB_SATYPE_AH, spi++, SADB_X_AALG_NULL,
		NOKEY, 0, NOKEY);
	add_get("alg.ah-sha1-nokey", SADB_SATYPE_AH, spi++, SADB_AALG_SHA1HMAC,
		NOKEY, 0, NOKEY);
	add_get("alg.ah-none", SADB_SATYPE_AH, spi++, 0, 160, 0, NOKEY);
	add_get("alg.ah-sha1-key128", SADB_SATYPE_AH, spi++, SADB_AALG_SHA1HMAC,
		128, 0, NOKEY);
	add_get("alg.ah-sha256-key160", SADB_SATYPE_AH, spi++,
		SADB_X_AALG_SHA2_256HMAC, 160, 0, NOKEY);
	add_get("alg.ah-md5-key512", SADB_SATYPE_AH, spi++, SADB_AALG_MD5HMAC,
		512, 0, NOKEY);
	add_get("alg.ah-id4", SADB_SATYPE_AH, spi++, 4, 160, 0, NOKEY);
	add_get("alg.ah-id252", SADB_SATYPE_AH, spi++, 252, 160, 0, NOKEY);
	add_get("alg.ah-with-enc", SADB_SATYPE_AH, spi++, SADB_AALG_SHA1HMAC,
		160, SADB_X_EALG_AESCBC, 128);
	add_get("alg.esp-aes-key100", SADB_SATYPE_ESP, spi++, SADB_AALG_SHA1HMAC,
		160, SADB_X_EALG_AESCBC, 100);
	add_get("alg.esp-aes-key64", SADB_SATYPE_ESP, spi++, SADB_AALG_SHA1HMAC,
		160, SADB_X_EALG_AESCBC, 64);
	add_get("alg.esp-3des-key128", SADB_SATYPE_ESP, spi++, SADB_AALG_SHA1HMAC,
		160, SADB_EALG_3DESCBC, 128);
	add_get("alg.esp-aes-nokey", SADB_SATYPE_ESP, spi++, SADB_AALG_SHA1HMAC,
		160, SADB_X_EALG_AESCBC, NOKEY);
	add_get("alg.esp-enc-id4", SADB_SATYPE_ESP, spi++, SADB_AALG_SHA1HMAC,
		160, 4, 128);
	add_get("alg.esp-enc-id254", SADB_SATYPE_ESP, spi++, SADB_AALG_SHA1HMAC,
		160, 254, 128);
	add_get("alg.esp-none", SADB_SATYPE_ESP, spi++, 0, NOKEY, 0, NOKEY);
	add_get("alg.esp-gcm16-with-sha1", SADB_SATYPE_ESP, spi++,
		SADB_AALG_SHA1HMAC, 160, SADB_X_EALG_AES_GCM_ICV16, 288);
	add_get("alg.esp-gcm16-key128", SADB_SATYPE_ESP, spi++, 0, NOKEY,
		SADB_X_EALG_AES_GCM_ICV16, 128);
	add_get("alg.ipcomp-none", SADB_X_SATYPE_IPCOMP, spi++, 0, NOKEY, 0,
		NOKEY);
	add_get("alg.ipcomp-id5", SADB_X_SATYPE_IPCOMP, spi++, 0, NOKEY, 5,
		NOKEY);
	add_get("alg.ipcomp-deflate-authkey", SADB_X_SATYPE_IPCOMP, spi++, 0,
		160, SADB_X_CALG_DEFLATE, NOKEY);
	add_get("alg.ipcomp-deflate-sha1", SADB_X_SATYPE_IPCOMP, spi++,
		SADB_AALG_SHA1HMAC, 160, SADB_X_CALG_DEFLATE, NOKEY);

	/* One full ADD notice of each SA type (keys: see the doc, item 3). */
	step("notice.add_esp");
	mb_esp_std(&m, SADB_ADD, spi++);
	xsend(A, &m, CM_FULL);

	step("notice.add_ah6");
	mb_samsg(&m, SADB_ADD, SADB_SATYPE_AH, spi++, SADB_X_AALG_SHA2_256HMAC,
		 256, 0, NOKEY, S6, D6);
	xsend(A, &m, CM_FULL);

	step("notice.add_ipcomp");
	mb_samsg(&m, SADB_ADD, SADB_X_SATYPE_IPCOMP, spi++, 0, NOKEY,
		 SADB_X_CALG_DEFLATE, NOKEY, S4, D4);
	xsend(A, &m, CM_FULL);

	step("notice.add_existing");
	mb_esp_std(&m, SADB_ADD, spi - 3);
	xsend(A, &m, CM_FULL);

	step("notice.delete_esp");
	mb_key_msg(&m, SADB_DELETE, SADB_SATYPE_ESP, spi - 3, S4, D4);
	xsend(A, &m, CM_FULL);

	step("notice.delete_missing");
	mb_key_msg(&m, SADB_DELETE, SADB_SATYPE_ESP, spi - 3, S4, D4);
	xsend(A, &m, CM_FULL);

	step("notice.get_deleted");
	get_full(SADB_SATYPE_ESP, spi - 3, S4, D4);

	step("notice.delete_ipcomp");
	mb_key_msg(&m, SADB_DELETE, SADB_X_SATYPE_IPCOMP, spi - 1, S4, D4);
	xsend(A, &m, CM_FULL);

	quiet_flush();
}

/* ---------------------------------------------------------------------- */
/* 5. Extensions stored and returned                                      */
/* ---------------------------------------------------------------------- */

static uint32_t ext_spi = 0x20000;

/* Step "<name>.add" with the ADD built by @fill, then "<name>.get". */
static void ext_case(const char *name, void (*fill)(struct mb *m, uint32_t spi))
{
	static char names[256][96];
	static int nn;
	uint32_t spi = ext_spi++;
	struct mb m;

	snprintf(names[nn], sizeof(names[nn]), "ext.%s.add", name);
	step(names[nn++]);
	fill(&m, spi);
	xsend(A, &m, CM_BRIEF);

	snprintf(names[nn], sizeof(names[nn]), "ext.%s.get", name);
	step(names[nn++]);
	get_full(SADB_SATYPE_ESP, spi, S4, D4);
}

static void x_plain(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
}

static void x_lifetimes(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	mb_life(m, SADB_EXT_LIFETIME_HARD, 100, 1000000, 3600, 1800);
	mb_life(m, SADB_EXT_LIFETIME_SOFT, 80, 800000, 3000, 1500);
}

static void x_lifetimes_zero_hard(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	mb_life(m, SADB_EXT_LIFETIME_HARD, 0, 0, 0, 0);
	mb_life(m, SADB_EXT_LIFETIME_SOFT, 5, 500, 50, 25);
}

static void x_lifetimes_big(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	mb_life(m, SADB_EXT_LIFETIME_HARD, 0xffffffff, 1ULL << 62, 1ULL << 40, 0);
	mb_life(m, SADB_EXT_LIFETIME_SOFT, 0xfffffff0, 1ULL << 61, 1ULL << 39, 0);
}

static void x_lifetime_current(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	mb_life(m, SADB_EXT_LIFETIME_CURRENT, 7, 7000, 12345, 678);
}

static void x_proxy4(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	mb_addr(m, SADB_EXT_ADDRESS_PROXY, "10.1.0.0", 16, 6, 80);
}

static void x_proxy4_host(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	mb_addr(m, SADB_EXT_ADDRESS_PROXY, "10.1.2.3", 32, 0, 0);
}

static void x_addr_ports(struct mb *m, uint32_t spi)
{
	mb_init(m, SADB_ADD, SADB_SATYPE_ESP);
	mb_sa(m, spi, SADB_AALG_SHA1HMAC, SADB_X_EALG_AESCBC);
	mb_addr(m, SADB_EXT_ADDRESS_SRC, S4, 32, IPPROTO_UDP, 500);
	mb_addr(m, SADB_EXT_ADDRESS_DST, D4, 32, IPPROTO_UDP, 4500);
	mb_sa2(m, IPSEC_MODE_TRANSPORT, 0);
	mb_key(m, SADB_EXT_KEY_AUTH, 160, 3);
	mb_key(m, SADB_EXT_KEY_ENCRYPT, 128, 112);
}

static void x_addr_prefix(struct mb *m, uint32_t spi)
{
	mb_init(m, SADB_ADD, SADB_SATYPE_ESP);
	mb_sa(m, spi, SADB_AALG_SHA1HMAC, SADB_X_EALG_AESCBC);
	mb_addr(m, SADB_EXT_ADDRESS_SRC, S4, 24, 0, 0);
	mb_addr(m, SADB_EXT_ADDRESS_DST, D4, 0, 0, 0);
	mb_sa2(m, IPSEC_MODE_TRANSPORT, 0);
	mb_key(m, SADB_EXT_KEY_AUTH, 160, 3);
	mb_key(m, SADB_EXT_KEY_ENCRYPT, 128, 112);
}

/* What ipsec-tools' setkey sends: prefix of the host, proto "any". */
static void x_addr_setkey(struct mb *m, uint32_t spi)
{
	mb_init(m, SADB_ADD, SADB_SATYPE_ESP);
	mb_sa(m, spi, SADB_AALG_SHA1HMAC, SADB_X_EALG_AESCBC);
	mb_addr(m, SADB_EXT_ADDRESS_SRC, S4, 32, IPSEC_ULPROTO_ANY, 0);
	mb_addr(m, SADB_EXT_ADDRESS_DST, D4, 32, IPSEC_ULPROTO_ANY, 0);
	mb_sa2(m, IPSEC_MODE_TRANSPORT, 0);
	mb_key(m, SADB_EXT_KEY_AUTH, 160, 3);
	mb_key(m, SADB_EXT_KEY_ENCRYPT, 128, 112);
}

static void x_addr_reserved(struct mb *m, uint32_t spi)
{
	struct sadb_address *a;

	mb_init(m, SADB_ADD, SADB_SATYPE_ESP);
	mb_sa(m, spi, SADB_AALG_SHA1HMAC, SADB_X_EALG_AESCBC);
	a = mb_host(m, SADB_EXT_ADDRESS_SRC, S4);
	a->sadb_address_reserved = 0x55;
	mb_host(m, SADB_EXT_ADDRESS_DST, D4);
	mb_sa2(m, IPSEC_MODE_TRANSPORT, 0);
	mb_key(m, SADB_EXT_KEY_AUTH, 160, 3);
	mb_key(m, SADB_EXT_KEY_ENCRYPT, 128, 112);
}

static void x_ident(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	mb_ident(m, SADB_EXT_IDENTITY_SRC, SADB_IDENTTYPE_FQDN, 0, "left.example");
	mb_ident(m, SADB_EXT_IDENTITY_DST, SADB_IDENTTYPE_USERFQDN, 42,
		 "user@right.example");
}

static void x_sens(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	mb_sens(m, 1, 2);
}

static void x_natt(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	mb_natt(m, 2, 4500, 4501);
	mb_host(m, SADB_X_EXT_NAT_T_OA, "10.9.9.9");
}

static void x_natt_type_only(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	mb_natt(m, 2, 0, 0);
}

static void x_natt_ports_only(struct mb *m, uint32_t spi)
{
	struct sadb_x_nat_t_port *p;

	mb_esp_std(m, SADB_ADD, spi);
	p = mb_ext(m, SADB_X_EXT_NAT_T_SPORT, sizeof(*p));
	p->sadb_x_nat_t_port_port = htons(4500);
}

static void x_natt_type1(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	mb_natt(m, 1, 4500, 4500);
}

static void x_secctx(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	mb_secctx(m, 1, 1, "system_u:object_r:ipsec_spd_t:s0");
}

static void x_kmprivate(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	mb_kmpriv(m, 12);
}

static void x_no_sa2(struct mb *m, uint32_t spi)
{
	mb_esp_nosa2(m, SADB_ADD, spi);
}

static void x_sa2_transport(struct mb *m, uint32_t spi)
{
	mb_esp_nosa2(m, SADB_ADD, spi);
	mb_sa2(m, IPSEC_MODE_TRANSPORT, 0);
}

static void x_sa2_tunnel_reqid(struct mb *m, uint32_t spi)
{
	mb_esp_nosa2(m, SADB_ADD, spi);
	mb_sa2(m, IPSEC_MODE_TUNNEL, 16385);
}

static void x_sa2_any(struct mb *m, uint32_t spi)
{
	mb_esp_nosa2(m, SADB_ADD, spi);
	mb_sa2(m, IPSEC_MODE_ANY, 7);
}

static void x_sa2_beet(struct mb *m, uint32_t spi)
{
	mb_esp_nosa2(m, SADB_ADD, spi);
	mb_sa2(m, IPSEC_MODE_BEET, 0);
}

static void x_sa2_seq_rsv(struct mb *m, uint32_t spi)
{
	struct sadb_x_sa2 *s;

	mb_esp_nosa2(m, SADB_ADD, spi);
	s = mb_sa2(m, IPSEC_MODE_TRANSPORT, 9);
	s->sadb_x_sa2_sequence = 77;
	s->sadb_x_sa2_reserved1 = 1;
	s->sadb_x_sa2_reserved2 = 2;
}

static void x_flags_linux(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	((struct sadb_sa *)(m->buf + 16))->sadb_sa_flags =
		SADB_SAFLAGS_NOECN | SADB_SAFLAGS_DECAP_DSCP | SADB_SAFLAGS_NOPMTUDISC;
}

static void x_flags_kame(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	((struct sadb_sa *)(m->buf + 16))->sadb_sa_flags =
		SADB_X_EXT_CYCSEQ | SADB_X_EXT_PRAND;
}

static void x_flags_pfs(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	((struct sadb_sa *)(m->buf + 16))->sadb_sa_flags = SADB_SAFLAGS_PFS;
}

static void x_replay32(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	((struct sadb_sa *)(m->buf + 16))->sadb_sa_replay = 32;
}

static void x_replay64(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	((struct sadb_sa *)(m->buf + 16))->sadb_sa_replay = 64;
}

static void x_replay255(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	((struct sadb_sa *)(m->buf + 16))->sadb_sa_replay = 255;
}

static void x_state_larval(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	((struct sadb_sa *)(m->buf + 16))->sadb_sa_state = SADB_SASTATE_LARVAL;
}

static void x_state_dead(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	((struct sadb_sa *)(m->buf + 16))->sadb_sa_state = SADB_SASTATE_DEAD;
}

static void x_policy_ext(struct mb *m, uint32_t spi)
{
	mb_esp_std(m, SADB_ADD, spi);
	mb_policy(m, IPSEC_POLICY_IPSEC, IPSEC_DIR_OUTBOUND, IPPROTO_ESP,
		  IPSEC_MODE_TRANSPORT, IPSEC_LEVEL_REQUIRE, 0);
}

static void x_x_replay(struct mb *m, uint32_t spi)
{
	struct sadb_x_replay *r;

	mb_esp_std(m, SADB_ADD, spi);
	r = mb_ext(m, SADB_X_EXT_REPLAY, sizeof(*r));
	r->sadb_x_replay_window = 1024;
}

static void x_everything(struct mb *m, uint32_t spi)
{
	mb_esp_nosa2(m, SADB_ADD, spi);
	mb_life(m, SADB_EXT_LIFETIME_HARD, 100, 1000000, 3600, 1800);
	mb_life(m, SADB_EXT_LIFETIME_SOFT, 80, 800000, 3000, 1500);
	mb_addr(m, SADB_EXT_ADDRESS_PROXY, "10.1.0.0", 16, 0, 0);
	mb_ident(m, SADB_EXT_IDENTITY_SRC, SADB_IDENTTYPE_PREFIX, 0, "10.1.0.0/16");
	mb_ident(m, SADB_EXT_IDENTITY_DST, SADB_IDENTTYPE_FQDN, 0, "right.example");
	mb_sens(m, 1, 0);
	mb_kmpriv(m, 4);
	mb_sa2(m, IPSEC_MODE_TUNNEL, 100);
	mb_natt(m, 2, 4500, 4500);
	mb_secctx(m, 1, 1, "ctx");
}

static void group_extensions(void)
{
	uint32_t natt_spi;
	struct mb m;

	quiet_flush();
	ext_case("plain", x_plain);
	ext_case("lifetimes", x_lifetimes);
	ext_case("lifetimes_zero_hard", x_lifetimes_zero_hard);
	ext_case("lifetimes_big", x_lifetimes_big);
	ext_case("lifetime_current_in_add", x_lifetime_current);
	ext_case("proxy4_net", x_proxy4);
	ext_case("proxy4_host", x_proxy4_host);
	ext_case("addr_ports", x_addr_ports);
	ext_case("addr_prefix", x_addr_prefix);
	ext_case("addr_setkey_style", x_addr_setkey);
	ext_case("addr_reserved", x_addr_reserved);
	ext_case("identities", x_ident);
	ext_case("sensitivity", x_sens);
	ext_case("natt", x_natt);
	ext_case("natt_type_only", x_natt_type_only);
	ext_case("natt_ports_only", x_natt_ports_only);
	ext_case("natt_type1", x_natt_type1);
	ext_case("sec_ctx", x_secctx);
	ext_case("kmprivate", x_kmprivate);
	ext_case("no_sa2", x_no_sa2);
	ext_case("sa2_transport", x_sa2_transport);
	ext_case("sa2_tunnel_reqid", x_sa2_tunnel_reqid);
	ext_case("sa2_any", x_sa2_any);
	ext_case("sa2_beet", x_sa2_beet);
	ext_case("sa2_seq_reserved", x_sa2_seq_rsv);
	ext_case("flags_linux", x_flags_linux);
	ext_case("flags_kame", x_flags_kame);
	ext_case("flags_pfs", x_flags_pfs);
	ext_case("replay32", x_replay32);
	ext_case("replay64", x_replay64);
	ext_case("replay255", x_replay255);
	ext_case("state_larval", x_state_larval);
	ext_case("state_dead", x_state_dead);
	ext_case("policy_in_add", x_policy_ext);
	ext_case("x_replay", x_x_replay);
	ext_case("everything", x_everything);

	/*
	 * UPDATE of a live ESP-in-UDP SA moves it to new ports (what an IKE
	 * daemon does after a NAT rebinding; af_key copies the encapsulation
	 * into the live state); without NAT-T, or with another type, EINVAL.
	 */
	natt_spi = ext_spi++;
	step("ext.natt_move.add");
	mb_esp_std(&m, SADB_ADD, natt_spi);
	mb_natt(&m, 2, 4500, 4501);
	xsend(A, &m, CM_BRIEF);
	step("ext.natt_move.update_ports");
	mb_esp_std(&m, SADB_UPDATE, natt_spi);
	mb_natt(&m, 2, 4600, 4601);
	xsend(A, &m, CM_BRIEF);
	step("ext.natt_move.get");
	get_full(SADB_SATYPE_ESP, natt_spi, S4, D4);
	step("ext.natt_move.update_without_natt");
	mb_esp_std(&m, SADB_UPDATE, natt_spi);
	xsend(A, &m, CM_FULL);
	step("ext.natt_move.update_type1");
	mb_esp_std(&m, SADB_UPDATE, natt_spi);
	mb_natt(&m, 1, 4600, 4601);
	xsend(A, &m, CM_FULL);
	step("ext.natt_move.get_unchanged");
	get_full(SADB_SATYPE_ESP, natt_spi, S4, D4);

	/* IPv6 SAs, with flow label and scope in the sockaddrs. */
	step("ext.inet6.add");
	mb_samsg(&m, SADB_ADD, SADB_SATYPE_ESP, 0x21000, SADB_AALG_SHA1HMAC, 160,
		 SADB_X_EALG_AESCBC, 128, S6, D6);
	xsend(A, &m, CM_BRIEF);
	step("ext.inet6.get");
	get_full(SADB_SATYPE_ESP, 0x21000, S6, D6);

	step("ext.inet6_flow_scope.add");
	mb_samsg(&m, SADB_ADD, SADB_SATYPE_ESP, 0x21001, SADB_AALG_SHA1HMAC, 160,
		 SADB_X_EALG_AESCBC, 128, S6, D6);
	{
		struct sockaddr_in6 *s6 = (void *)(m.buf + 16 + 16 + 8);

		s6->sin6_flowinfo = htonl(0x12345);
		s6->sin6_scope_id = 3;
	}
	xsend(A, &m, CM_BRIEF);
	step("ext.inet6_flow_scope.get");
	get_full(SADB_SATYPE_ESP, 0x21001, S6, D6);

	step("ext.inet6_get_by_other_src");
	get_full(SADB_SATYPE_ESP, 0x21000, "2001:db8::99", D6);

	step("ext.get_wrong_dst");
	get_full(SADB_SATYPE_ESP, 0x20000, S4, "192.0.2.3");

	step("ext.get_wrong_satype");
	get_full(SADB_SATYPE_AH, 0x20000, S4, D4);

	step("ext.get_by_other_src");
	get_full(SADB_SATYPE_ESP, 0x20000, "198.51.100.7", D4);

	step("ext.add_duplicate");
	mb_esp_std(&m, SADB_ADD, 0x20000);
	xsend(A, &m, CM_FULL);

	step("ext.add_same_spi_other_dst");
	mb_samsg(&m, SADB_ADD, SADB_SATYPE_ESP, 0x20000, SADB_AALG_SHA1HMAC, 160,
		 SADB_X_EALG_AESCBC, 128, S4, "192.0.2.3");
	xsend(A, &m, CM_BRIEF);

	step("ext.add_same_spi_ah");
	mb_samsg(&m, SADB_ADD, SADB_SATYPE_AH, 0x20000, SADB_AALG_SHA1HMAC, 160,
		 0, NOKEY, S4, D4);
	xsend(A, &m, CM_BRIEF);

	quiet_flush();
}

/* ---------------------------------------------------------------------- */
/* 6. GETSPI and UPDATE                                                   */
/* ---------------------------------------------------------------------- */

/* A GETSPI without SA2 (mode "any", reqid 0). */
static void mb_getspi(struct mb *m, uint8_t satype, const char *src,
		      const char *dst)
{
	mb_init(m, SADB_GETSPI, satype);
	mb_host(m, SADB_EXT_ADDRESS_SRC, src);
	mb_host(m, SADB_EXT_ADDRESS_DST, dst);
}

/* A GETSPI for a transport-mode SA, as racoon and charon send it. */
static void mb_getspi_tr(struct mb *m, uint8_t satype, const char *src,
			 const char *dst)
{
	mb_getspi(m, satype, src, dst);
	mb_sa2(m, IPSEC_MODE_TRANSPORT, 0);
}

static void mb_update(struct mb *m, uint32_t spi_be, int lifetimes)
{
	mb_init(m, SADB_UPDATE, SADB_SATYPE_ESP);
	mb_sa_be(m, spi_be, SADB_AALG_SHA1HMAC, SADB_X_EALG_AESCBC);
	mb_host(m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(m, SADB_EXT_ADDRESS_DST, D4);
	mb_key(m, SADB_EXT_KEY_AUTH, 160, 9);
	mb_key(m, SADB_EXT_KEY_ENCRYPT, 128, 10);
	if (lifetimes) {
		mb_life(m, SADB_EXT_LIFETIME_HARD, 0, 0, 600, 0);
		mb_life(m, SADB_EXT_LIFETIME_SOFT, 0, 0, 500, 0);
	}
}

static void get_be(uint8_t satype, uint32_t spi_be, const char *src,
		   const char *dst)
{
	struct mb m;

	mb_init(&m, SADB_GET, satype);
	mb_sa_be(&m, spi_be, 0, 0);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, src);
	mb_host(&m, SADB_EXT_ADDRESS_DST, dst);
	xsend(A, &m, CM_FULL);
}

static void group_getspi(void)
{
	uint32_t s1, s2, s3;
	struct mb m;

	quiet_flush();

	step("getspi.esp4_tunnel_range");
	mb_getspi(&m, SADB_SATYPE_ESP, S4, D4);
	mb_sa2(&m, IPSEC_MODE_TUNNEL, 5);
	mb_range(&m, 0x10000, 0x1ffff);
	xsend(A, &m, CM_FULL);
	s1 = got_spi(A, SADB_GETSPI);

	step("getspi.get_larval");
	get_be(SADB_SATYPE_ESP, s1, S4, D4);

	step("getspi.update_larval");
	mb_update(&m, s1, 1);
	mb_sa2(&m, IPSEC_MODE_TUNNEL, 5);
	xsend(A, &m, CM_FULL);

	step("getspi.get_updated");
	get_be(SADB_SATYPE_ESP, s1, S4, D4);

	step("getspi.update_mature_lifetimes");
	mb_update(&m, s1, 0);
	mb_sa2(&m, IPSEC_MODE_TUNNEL, 5);
	mb_life(&m, SADB_EXT_LIFETIME_HARD, 0, 0, 900, 0);
	mb_life(&m, SADB_EXT_LIFETIME_SOFT, 0, 0, 800, 0);
	xsend(A, &m, CM_BRIEF);

	step("getspi.get_after_update_lifetimes");
	get_be(SADB_SATYPE_ESP, s1, S4, D4);

	step("getspi.update_mature_other_alg");
	mb_init(&m, SADB_UPDATE, SADB_SATYPE_ESP);
	mb_sa_be(&m, s1, SADB_X_AALG_SHA2_256HMAC, SADB_EALG_3DESCBC);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	mb_key(&m, SADB_EXT_KEY_AUTH, 256, 11);
	mb_key(&m, SADB_EXT_KEY_ENCRYPT, 192, 12);
	xsend(A, &m, CM_BRIEF);

	step("getspi.get_after_update_alg");
	get_be(SADB_SATYPE_ESP, s1, S4, D4);

	step("getspi.update_missing");
	mb_update(&m, htonl(0x7777), 0);
	xsend(A, &m, CM_FULL);

	step("getspi.no_sa2");
	mb_getspi(&m, SADB_SATYPE_ESP, S4, D4);
	mb_range(&m, 0x20000, 0x2ffff);
	xsend(A, &m, CM_FULL);
	s2 = got_spi(A, SADB_GETSPI);

	step("getspi.no_sa2_get");
	get_be(SADB_SATYPE_ESP, s2, S4, D4);

	step("getspi.repeat_same");
	mb_getspi(&m, SADB_SATYPE_ESP, S4, D4);
	mb_range(&m, 0x20000, 0x2ffff);
	xsend(A, &m, CM_FULL);

	step("getspi.add_over_larval");
	mb_init(&m, SADB_ADD, SADB_SATYPE_ESP);
	mb_sa_be(&m, s2, SADB_AALG_SHA1HMAC, SADB_X_EALG_AESCBC);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	mb_sa2(&m, IPSEC_MODE_TRANSPORT, 0);
	mb_key(&m, SADB_EXT_KEY_AUTH, 160, 1);
	mb_key(&m, SADB_EXT_KEY_ENCRYPT, 128, 2);
	xsend(A, &m, CM_BRIEF);

	step("getspi.delete_larval");
	mb_init(&m, SADB_DELETE, SADB_SATYPE_ESP);
	mb_sa_be(&m, s2, 0, 0);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	xsend(A, &m, CM_BRIEF);

	step("getspi.add_after_delete_larval");
	mb_init(&m, SADB_ADD, SADB_SATYPE_ESP);
	mb_sa_be(&m, s2, SADB_AALG_SHA1HMAC, SADB_X_EALG_AESCBC);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	mb_sa2(&m, IPSEC_MODE_TRANSPORT, 0);
	mb_key(&m, SADB_EXT_KEY_AUTH, 160, 1);
	mb_key(&m, SADB_EXT_KEY_ENCRYPT, 128, 2);
	xsend(A, &m, CM_BRIEF);

	step("getspi.get_added");
	get_be(SADB_SATYPE_ESP, s2, S4, D4);

	step("getspi.ah6");
	mb_getspi(&m, SADB_SATYPE_AH, S6, D6);
	mb_sa2(&m, IPSEC_MODE_TRANSPORT, 0);
	mb_range(&m, 0x30000, 0x3ffff);
	xsend(A, &m, CM_FULL);
	s3 = got_spi(A, SADB_GETSPI);

	step("getspi.ah6_update");
	mb_init(&m, SADB_UPDATE, SADB_SATYPE_AH);
	mb_sa_be(&m, s3, SADB_X_AALG_SHA2_512HMAC, 0);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S6);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D6);
	mb_key(&m, SADB_EXT_KEY_AUTH, 512, 13);
	mb_sa2(&m, IPSEC_MODE_TRANSPORT, 0);
	xsend(A, &m, CM_BRIEF);

	step("getspi.ah6_get");
	get_be(SADB_SATYPE_AH, s3, S6, D6);

	step("getspi.ipcomp_default_range");
	mb_getspi_tr(&m, SADB_X_SATYPE_IPCOMP, S4, D4);
	xsend(A, &m, CM_FULL);

	step("getspi.ipcomp_range");
	mb_getspi_tr(&m, SADB_X_SATYPE_IPCOMP, S4, "192.0.2.9");
	mb_range(&m, 0x1000, 0x1fff);
	xsend(A, &m, CM_FULL);

	step("getspi.ipcomp_range_over_16bit");
	mb_getspi_tr(&m, SADB_X_SATYPE_IPCOMP, S4, "192.0.2.10");
	mb_range(&m, 0x1000, 0x10000);
	xsend(A, &m, CM_FULL);

	step("getspi.range_single");
	mb_getspi_tr(&m, SADB_SATYPE_ESP, S4, "192.0.2.20");
	mb_range(&m, 0x4242, 0x4242);
	xsend(A, &m, CM_FULL);

	step("getspi.range_single_taken");
	mb_getspi(&m, SADB_SATYPE_ESP, S4, "192.0.2.20");
	mb_sa2(&m, IPSEC_MODE_TUNNEL, 1);
	mb_range(&m, 0x4242, 0x4242);
	xsend(A, &m, CM_FULL);

	step("getspi.range_below_256");
	mb_getspi_tr(&m, SADB_SATYPE_ESP, S4, "192.0.2.21");
	mb_range(&m, 1, 255);
	xsend(A, &m, CM_FULL);

	step("getspi.range_0_to_300");
	mb_getspi_tr(&m, SADB_SATYPE_ESP, S4, "192.0.2.22");
	mb_range(&m, 0, 300);
	xsend(A, &m, CM_FULL);

	step("getspi.default_range");
	mb_getspi_tr(&m, SADB_SATYPE_AH, S4, "192.0.2.23");
	xsend(A, &m, CM_FULL);

	step("getspi.with_sa_ext");
	mb_getspi_tr(&m, SADB_SATYPE_ESP, S4, "192.0.2.24");
	mb_sa(&m, 0x9999, 0, 0);
	mb_range(&m, 0x50000, 0x5ffff);
	xsend(A, &m, CM_FULL);

	step("getspi.with_lifetimes");
	mb_getspi_tr(&m, SADB_SATYPE_ESP, S4, "192.0.2.25");
	mb_life(&m, SADB_EXT_LIFETIME_HARD, 0, 0, 120, 0);
	mb_life(&m, SADB_EXT_LIFETIME_SOFT, 0, 0, 100, 0);
	mb_range(&m, 0x60000, 0x6ffff);
	xsend(A, &m, CM_FULL);

	step("getspi.proxy_and_ports");
	mb_init(&m, SADB_GETSPI, SADB_SATYPE_ESP);
	mb_addr(&m, SADB_EXT_ADDRESS_SRC, S4, 32, IPPROTO_UDP, 500);
	mb_addr(&m, SADB_EXT_ADDRESS_DST, "192.0.2.26", 32, IPPROTO_UDP, 500);
	mb_addr(&m, SADB_EXT_ADDRESS_PROXY, "10.0.0.0", 8, 0, 0);
	mb_sa2(&m, IPSEC_MODE_TRANSPORT, 0);
	mb_range(&m, 0x70000, 0x7ffff);
	xsend(A, &m, CM_FULL);

	step("getspi.seq_of_nothing");
	mb_getspi_tr(&m, SADB_SATYPE_ESP, S4, "192.0.2.27");
	mb_hdr(&m)->sadb_msg_seq = 0xfffffff0;
	mb_range(&m, 0x80000, 0x8ffff);
	xsend(A, &m, CM_FULL);

	quiet_flush();
}

/* ---------------------------------------------------------------------- */
/* 7. ACQUIRE from userspace                                              */
/* ---------------------------------------------------------------------- */

static void group_acquire(void)
{
	struct mb m;

	quiet_flush();

	step("acquire.plain");
	mb_init(&m, SADB_ACQUIRE, SADB_SATYPE_ESP);
	xsend(A, &m, CM_FULL);

	step("acquire.errno_seq");
	mb_init(&m, SADB_ACQUIRE, SADB_SATYPE_ESP);
	mb_hdr(&m)->sadb_msg_errno = ENOENT;
	xsend(A, &m, CM_FULL);

	step("acquire.errno_no_seq");
	mb_init(&m, SADB_ACQUIRE, SADB_SATYPE_ESP);
	mb_hdr(&m)->sadb_msg_errno = ENOENT;
	mb_hdr(&m)->sadb_msg_seq = 0;
	xsend(A, &m, CM_FULL);

	step("acquire.satype_unspec");
	mb_init(&m, SADB_ACQUIRE, SADB_SATYPE_UNSPEC);
	xsend(A, &m, CM_FULL);

	step("acquire.satype_77");
	mb_init(&m, SADB_ACQUIRE, 77);
	xsend(A, &m, CM_FULL);

	step("acquire.with_proposal");
	mb_init(&m, SADB_ACQUIRE, SADB_SATYPE_ESP);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	mb_prop(&m, 2);
	xsend(A, &m, CM_FULL);

	/* A larval SA, then the key manager's failure report for its seq. */
	step("acquire.fail_larval");
	mb_getspi_tr(&m, SADB_SATYPE_ESP, S4, D4);
	mb_range(&m, 0x90000, 0x9ffff);
	xsend(A, &m, CM_BRIEF);
	mb_init(&m, SADB_ACQUIRE, SADB_SATYPE_ESP);
	mb_hdr(&m)->sadb_msg_seq = mb_seq_base + 1;
	mb_hdr(&m)->sadb_msg_errno = ETIMEDOUT;
	xsend(A, &m, CM_FULL);

	quiet_flush();
}

/* ---------------------------------------------------------------------- */
/* 8. DUMP and FLUSH                                                      */
/* ---------------------------------------------------------------------- */

static void dump(uint8_t satype)
{
	struct mb m;

	mb_init(&m, SADB_DUMP, satype);
	xsend(A, &m, CM_DUMP);
}

static void group_dump_flush(void)
{
	struct mb m;

	quiet_flush();

	step("dump.empty_all");
	dump(SADB_SATYPE_UNSPEC);

	step("dump.empty_esp");
	dump(SADB_SATYPE_ESP);

	step("flush.empty_all");
	mb_init(&m, SADB_FLUSH, SADB_SATYPE_UNSPEC);
	xsend(A, &m, CM_FULL);

	step("flush.empty_ah");
	mb_init(&m, SADB_FLUSH, SADB_SATYPE_AH);
	xsend(A, &m, CM_FULL);

	step("dump.setup");
	mb_samsg(&m, SADB_ADD, SADB_SATYPE_AH, 0x40001, SADB_AALG_SHA1HMAC, 160,
		 0, NOKEY, S4, D4);
	xsend(A, &m, CM_BRIEF);
	mb_esp_std(&m, SADB_ADD, 0x40002);
	mb_life(&m, SADB_EXT_LIFETIME_HARD, 0, 0, 600, 0);
	mb_life(&m, SADB_EXT_LIFETIME_SOFT, 0, 0, 500, 0);
	xsend(A, &m, CM_BRIEF);
	mb_samsg(&m, SADB_ADD, SADB_SATYPE_ESP, 0x40003, SADB_AALG_SHA1HMAC, 160,
		 SADB_X_EALG_AESCBC, 128, S6, D6);
	xsend(A, &m, CM_BRIEF);
	mb_samsg(&m, SADB_ADD, SADB_X_SATYPE_IPCOMP, 0x40004, 0, NOKEY,
		 SADB_X_CALG_DEFLATE, NOKEY, S4, D4);
	xsend(A, &m, CM_BRIEF);
	mb_getspi_tr(&m, SADB_SATYPE_ESP, S4, "192.0.2.50");
	mb_range(&m, 0x40005, 0x40005);
	xsend(A, &m, CM_BRIEF);

	step("dump.all");
	dump(SADB_SATYPE_UNSPEC);

	step("dump.esp");
	dump(SADB_SATYPE_ESP);

	step("dump.ah");
	dump(SADB_SATYPE_AH);

	step("dump.ipcomp");
	dump(SADB_X_SATYPE_IPCOMP);

	step("dump.filter_inet");
	mb_init(&m, SADB_DUMP, SADB_SATYPE_UNSPEC);
	mb_filter(&m, AF_INET, "192.0.2.0", 24, "192.0.2.2", 32);
	xsend(A, &m, CM_DUMP);

	step("dump.filter_inet6");
	mb_init(&m, SADB_DUMP, SADB_SATYPE_ESP);
	mb_filter(&m, AF_INET6, "2001:db8::", 32, "::", 0);
	xsend(A, &m, CM_DUMP);

	step("dump.filter_nomatch");
	mb_init(&m, SADB_DUMP, SADB_SATYPE_UNSPEC);
	mb_filter(&m, AF_INET, "203.0.113.0", 24, "0.0.0.0", 0);
	xsend(A, &m, CM_DUMP);

	step("dump.filter_bad_prefix");
	mb_init(&m, SADB_DUMP, SADB_SATYPE_UNSPEC);
	mb_filter(&m, AF_INET, "192.0.2.0", 200, "0.0.0.0", 0);
	xsend(A, &m, CM_DUMP);

	step("flush.esp");
	mb_init(&m, SADB_FLUSH, SADB_SATYPE_ESP);
	xsend(A, &m, CM_FULL);

	step("dump.after_flush_esp");
	dump(SADB_SATYPE_UNSPEC);

	step("flush.all");
	mb_init(&m, SADB_FLUSH, SADB_SATYPE_UNSPEC);
	xsend(A, &m, CM_FULL);

	step("dump.after_flush_all");
	dump(SADB_SATYPE_UNSPEC);

	/* A FLUSH as others see it. */
	step("flush.observed_by_promisc");
	mb_esp_std(&m, SADB_ADD, 0x40010);
	xsend(A, &m, CM_BRIEF);
	so_open(P);
	mb_init(&m, SADB_X_PROMISC, 1);
	xsend(P, &m, CM_BRIEF);
	mb_init(&m, SADB_FLUSH, SADB_SATYPE_UNSPEC);
	xsend(A, &m, CM_FULL);
	so_close(P);

	quiet_flush();
}

/* ---------------------------------------------------------------------- */
/* 9. REGISTER and EXPIRE                                                 */
/* ---------------------------------------------------------------------- */

static void group_register(void)
{
	static const struct {
		const char *name;
		uint8_t satype;
	} types[] = {
		{ "register.unspec", SADB_SATYPE_UNSPEC },
		{ "register.ah", SADB_SATYPE_AH },
		{ "register.esp", SADB_SATYPE_ESP },
		{ "register.ipcomp", SADB_X_SATYPE_IPCOMP },
		{ "register.satype_1", 1 },
		{ "register.rsvp", SADB_SATYPE_RSVP },
		{ "register.mip", SADB_SATYPE_MIP },
		{ "register.satype_10", 10 },
		{ "register.satype_255", 255 },
	};
	struct mb m;
	size_t i;

	quiet_flush();
	for (i = 0; i < N(types); i++) {
		step(types[i].name);
		so_open(C);
		mb_init(&m, SADB_REGISTER, types[i].satype);
		xsend(C, &m, CM_FULL);
		so_close(C);
	}

	/* Who else hears a REGISTER reply. */
	step("register.setup_listeners");
	so_open(R);
	mb_init(&m, SADB_REGISTER, SADB_SATYPE_ESP);
	xsend(R, &m, CM_BRIEF);
	so_open(R2);
	mb_init(&m, SADB_REGISTER, SADB_SATYPE_AH);
	xsend(R2, &m, CM_BRIEF);

	step("register.esp_again");
	mb_init(&m, SADB_REGISTER, SADB_SATYPE_ESP);
	xsend(R, &m, CM_BRIEF);

	step("register.esp_other_socket");
	so_open(C);
	mb_init(&m, SADB_REGISTER, SADB_SATYPE_ESP);
	xsend(C, &m, CM_BRIEF);
	so_close(C);

	step("register.ipcomp_other_socket");
	so_open(C);
	mb_init(&m, SADB_REGISTER, SADB_X_SATYPE_IPCOMP);
	xsend(C, &m, CM_BRIEF);
	so_close(C);

	step("register.unspec_other_socket");
	so_open(C);
	mb_init(&m, SADB_REGISTER, SADB_SATYPE_UNSPEC);
	xsend(C, &m, CM_BRIEF);
	so_close(C);

	/* Soft then hard expiry by add-time, heard by registered sockets. */
	step("expire.add");
	mb_esp_nosa2(&m, SADB_ADD, 0x50001);
	mb_sa2(&m, IPSEC_MODE_TRANSPORT, 3);
	mb_life(&m, SADB_EXT_LIFETIME_HARD, 0, 0, 2, 0);
	mb_life(&m, SADB_EXT_LIFETIME_SOFT, 0, 0, 1, 0);
	xsend(A, &m, CM_BRIEF);

	step("expire.wait");
	/* Hard expiry is due at 2 s; allow 30 s for a starved TCG guest. */
	collect_ex(CM_FULL, 30000, true);

	step("expire.get_after_hard");
	get_full(SADB_SATYPE_ESP, 0x50001, S4, D4);

	step("expire.larval_getspi");
	mb_getspi_tr(&m, SADB_SATYPE_ESP, S4, D4);
	mb_range(&m, 0x50002, 0x50002);
	xsend(A, &m, CM_BRIEF);

	so_close(R);
	so_close(R2);
	quiet_flush();
}

/* ---------------------------------------------------------------------- */
/* 10. X_PROMISC                                                          */
/* ---------------------------------------------------------------------- */

static void group_promisc(void)
{
	struct mb m, inner;

	quiet_flush();
	so_open(P);

	step("promisc.on");
	mb_init(&m, SADB_X_PROMISC, 1);
	xsend(P, &m, CM_FULL);

	step("promisc.observe_get_missing");
	get_full(SADB_SATYPE_ESP, 0x60001, S4, D4);

	step("promisc.observe_add");
	mb_esp_std(&m, SADB_ADD, 0x60001);
	xsend(A, &m, CM_FULL);

	step("promisc.observe_get");
	get_full(SADB_SATYPE_ESP, 0x60001, S4, D4);

	step("promisc.observe_bad_ext");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x60001, S4, D4);
	mb_ext(&m, SADB_EXT_SA, 16);
	xsend(A, &m, CM_FULL);

	step("promisc.observe_bad_version");
	mb_key_msg(&m, SADB_GET, SADB_SATYPE_ESP, 0x60001, S4, D4);
	mb_hdr(&m)->sadb_msg_version = 1;
	xsend(A, &m, CM_FULL);

	step("promisc.observe_register");
	so_open(C);
	mb_init(&m, SADB_REGISTER, SADB_SATYPE_AH);
	xsend(C, &m, CM_BRIEF);
	so_close(C);

	step("promisc.embedded_get");
	mb_key_msg(&inner, SADB_GET, SADB_SATYPE_ESP, 0x60001, S4, D4);
	mb_done(&inner);
	mb_init(&m, SADB_X_PROMISC, 0);
	memcpy(m.buf + m.len, inner.buf, inner.len);
	m.len += inner.len;
	xsend(A, &m, CM_FULL);

	step("promisc.embedded_header_only");
	mb_init(&inner, SADB_FLUSH, SADB_SATYPE_ESP);
	mb_done(&inner);
	mb_init(&m, SADB_X_PROMISC, 1);
	memcpy(m.buf + m.len, inner.buf, inner.len);
	m.len += inner.len;
	xsend(A, &m, CM_FULL);

	step("promisc.embedded_8_bytes");
	mb_init(&m, SADB_X_PROMISC, 0);
	mb_ext(&m, SADB_EXT_SA, 8);
	xsend(A, &m, CM_FULL);

	step("promisc.satype_2");
	mb_init(&m, SADB_X_PROMISC, 2);
	xsend(A, &m, CM_FULL);

	step("promisc.errno_in_request");
	mb_init(&m, SADB_X_PROMISC, 0);
	mb_hdr(&m)->sadb_msg_errno = EIO;
	xsend(A, &m, CM_FULL);

	step("promisc.off");
	mb_init(&m, SADB_X_PROMISC, 0);
	xsend(P, &m, CM_FULL);

	step("promisc.after_off");
	get_full(SADB_SATYPE_ESP, 0x60001, S4, D4);

	so_close(P);
	quiet_flush();
}

/* ---------------------------------------------------------------------- */
/* 11. SPD messages (nfipsec: not implemented yet, issue 4)               */
/* ---------------------------------------------------------------------- */

static void mb_spd(struct mb *m, uint8_t type, uint8_t dir, uint16_t ptype)
{
	mb_init(m, type, SADB_SATYPE_UNSPEC);
	mb_addr(m, SADB_EXT_ADDRESS_SRC, "10.0.1.0", 24, IPSEC_ULPROTO_ANY, 0);
	mb_addr(m, SADB_EXT_ADDRESS_DST, "10.0.2.0", 24, IPSEC_ULPROTO_ANY, 0);
	mb_policy(m, ptype, dir, IPPROTO_ESP, IPSEC_MODE_TRANSPORT,
		  IPSEC_LEVEL_REQUIRE, 0);
}

static void group_spd(void)
{
	struct mb m;

	quiet_flush();

	step("spd.add_out");
	mb_spd(&m, SADB_X_SPDADD, IPSEC_DIR_OUTBOUND, IPSEC_POLICY_IPSEC);
	xsend(A, &m, CM_FULL);

	step("spd.add_in_none");
	mb_spd(&m, SADB_X_SPDADD, IPSEC_DIR_INBOUND, IPSEC_POLICY_NONE);
	xsend(A, &m, CM_FULL);

	step("spd.add_duplicate");
	mb_spd(&m, SADB_X_SPDADD, IPSEC_DIR_OUTBOUND, IPSEC_POLICY_IPSEC);
	xsend(A, &m, CM_FULL);

	step("spd.update_out");
	mb_spd(&m, SADB_X_SPDUPDATE, IPSEC_DIR_OUTBOUND, IPSEC_POLICY_DISCARD);
	xsend(A, &m, CM_FULL);

	step("spd.add_bad_dir");
	mb_spd(&m, SADB_X_SPDADD, 7, IPSEC_POLICY_IPSEC);
	xsend(A, &m, CM_FULL);

	step("spd.add_missing_policy");
	mb_init(&m, SADB_X_SPDADD, 0);
	mb_host(&m, SADB_EXT_ADDRESS_SRC, S4);
	mb_host(&m, SADB_EXT_ADDRESS_DST, D4);
	xsend(A, &m, CM_FULL);

	step("spd.dump");
	mb_init(&m, SADB_X_SPDDUMP, 0);
	xsend(A, &m, CM_DUMP);

	step("spd.get_by_id");
	mb_init(&m, SADB_X_SPDGET, 0);
	mb_policy(&m, IPSEC_POLICY_NONE, IPSEC_DIR_OUTBOUND, 0, 0, 0, 0)
		->sadb_x_policy_id = 0x12341;
	xsend(A, &m, CM_FULL);

	step("spd.setidx");
	mb_spd(&m, SADB_X_SPDSETIDX, IPSEC_DIR_OUTBOUND, IPSEC_POLICY_IPSEC);
	xsend(A, &m, CM_FULL);

	step("spd.delete_out");
	mb_spd(&m, SADB_X_SPDDELETE, IPSEC_DIR_OUTBOUND, IPSEC_POLICY_IPSEC);
	xsend(A, &m, CM_FULL);

	step("spd.delete2_missing");
	mb_init(&m, SADB_X_SPDDELETE2, 0);
	mb_policy(&m, IPSEC_POLICY_NONE, IPSEC_DIR_OUTBOUND, 0, 0, 0, 0)
		->sadb_x_policy_id = 0x12341;
	xsend(A, &m, CM_FULL);

	step("spd.migrate");
	mb_spd(&m, SADB_X_MIGRATE, IPSEC_DIR_OUTBOUND, IPSEC_POLICY_IPSEC);
	xsend(A, &m, CM_FULL);

	step("spd.flush");
	mb_init(&m, SADB_X_SPDFLUSH, 0);
	xsend(A, &m, CM_FULL);

	step("spd.dump_empty");
	mb_init(&m, SADB_X_SPDDUMP, 0);
	xsend(A, &m, CM_DUMP);

	quiet_flush();
}

/* ---------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	int o;

	while ((o = getopt(argc, argv, "q:s:t")) != -1) {
		switch (o) {
		case 't':
			timing = 1;
			break;
		case 'q':
			quiet_ms = atoi(optarg);
			break;
		case 's':
			only = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-q quiet_ms] [-s step-substring] [-t]\n",
				argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	cf_self = getpid();
	for (o = 0; o < NSOCK; o++)
		socks[o].fd = -1;
	so_open(A);
	so_open(B);

	group_header();
	group_parse_cases();
	group_malformed();
	group_algorithms();
	group_extensions();
	group_getspi();
	group_acquire();
	group_dump_flush();
	group_register();
	group_promisc();
	group_spd();

	cf_step_name = "end";
	step_on = 1;
	out("steps=%u", stepno);
	so_close(A);
	so_close(B);
	return 0;
}
