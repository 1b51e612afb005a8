// SPDX-License-Identifier: GPL-2.0
/*
 * setkey - manually manipulate the IPsec SA/SP database (PF_KEY v2).
 *
 * main.c: the command line and the modes it selects.
 *
 *   setkey [-knrv] file ...           print messages saved in files
 *   setkey [-knrv] -c                 statements from standard input
 *   setkey [-krv] -f filename         statements from a file
 *   setkey [-aklPrv] [--json] -D      dump the SAD (-P: the SPD)
 *   setkey [-Pv] -F                   flush the SAD (-P: the SPD)
 *   setkey [-H] [--json] -x           watch every PF_KEY message
 *
 * A file (and -c input that is not a terminal) is read, parsed and
 * resolved completely before anything is sent: an error anywhere means
 * nothing reaches the kernel.  At a terminal, -c runs each statement as
 * soon as its ';' is typed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/pfkeyv2.h>
#include "nfipsec.h"

#include "compile.h"
#include "exec.h"
#include "parser.h"
#include "pfkey_io.h"
#include "print.h"

#ifndef SETKEY_VERSION
#define SETKEY_VERSION "1.0"
#endif

enum mode { M_NONE, M_SCRIPT, M_STDIN, M_DUMP, M_FLUSH, M_PROMISC };

static struct {
	enum mode mode;
	const char *file;
	bool all, forever, notreally, hexdump, policy, withports, verbose, json;
	bool rfc_mode;
	int tflag;
} opt = { .rfc_mode = true };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: setkey [-knrv] file ...\n"
		"       setkey [-knrv] -c\n"
		"       setkey [-knrv] -f filename\n"
		"       setkey [-aklPprv] [--json] -D\n"
		"       setkey [-Pv] -F\n"
		"       setkey [-H] [--json] -x\n"
		"       setkey [-V] [-h]\n");
}

static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0, r;
	char *buf = malloc(cap);

	if (!buf)
		return NULL;
	while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (cap - n - 1 == 0) {
			char *b = realloc(buf, cap * 2);

			if (!b) {
				free(buf);
				return NULL;
			}
			buf = b;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int open_socket(struct pfk_sock *s)
{
	char why[300];

	if (pfk_open(s, why, sizeof(why)) < 0) {
		fprintf(stderr, "setkey: cannot open a PF_KEY socket: %s\n", why);
		return -1;
	}
	if (opt.verbose) {
		s->trace = stdout;
		s->trace_hex = opt.hexdump;
	}
	return 0;
}

static void init_exec(struct exec_ctx *x, struct pfk_sock *s, const struct source *src)
{
	memset(x, 0, sizeof(*x));
	x->sock = s;
	x->src = src;
	x->out = stdout;
	x->err = stderr;
	x->po.withports = opt.withports;
	x->json = opt.json;
	x->all = opt.all;
	x->shortdump = opt.forever;
}

/*
 * Parse, resolve and build everything in @src; then, unless -n, run it.
 * Returns the exit status.
 */
static int run_source(const struct source *src)
{
	struct compile_opts co = { .rfc_mode = opt.rfc_mode };
	struct stmts stmts = { 0 };
	struct errors errs = { 0 };
	struct plan *plans;
	struct pfk_sock sock;
	struct exec_ctx x;
	size_t i, nplans = 0;
	int status = 0;

	parse_source(src, 0, 1, &stmts, &errs);
	plans = calloc(stmts.n + 1, sizeof(*plans));
	if (!plans)
		abort();
	for (i = 0; i < stmts.n; i++)
		if (compile_stmt(&stmts.v[i], &co, &plans[nplans], &errs) == 0)
			nplans++;
	if (errs.n) {
		errors_sort(&errs);
		for (i = 0; i < errs.n; i++)
			report_error(stderr, src, &errs.v[i]);
		fprintf(stderr, "setkey: %zu error%s in %s; nothing was sent to the "
			"kernel\n", errs.n, errs.n == 1 ? "" : "s", src->name);
		status = 1;
		goto out;
	}
	if (opt.notreally) {
		/* -n -v: show what would have been sent. */
		for (i = 0; opt.verbose && i < nplans; i++) {
			size_t j;

			for (j = 0; j < plans[i].nmsgs; j++) {
				if (opt.hexdump)
					print_hexdump(stdout, plans[i].msgs[j].buf,
						      plans[i].msgs[j].len);
				print_debug(stdout, plans[i].msgs[j].buf, plans[i].msgs[j].len);
				putchar('\n');
			}
		}
		goto out;
	}
	if (!nplans)
		goto out;
	if (open_socket(&sock)) {
		status = 1;
		goto out;
	}
	init_exec(&x, &sock, src);
	for (i = 0; i < nplans; i++)
		exec_plan(&x, &plans[i]);
	status = x.failures ? 1 : 0;
	pfk_close(&sock);
out:
	for (i = 0; i < nplans; i++)
		plan_free(&plans[i]);
	free(plans);
	stmts_free(&stmts);
	errors_free(&errs);
	return status;
}

/* -c at a terminal: run each statement when its ';' has been typed. */
static int run_interactive(void)
{
	struct compile_opts co = { .rfc_mode = opt.rfc_mode };
	struct source src = { "<stdin>", NULL, 0 };
	struct pfk_sock sock;
	struct exec_ctx x;
	char *text = NULL, line[4096];
	size_t len = 0, start = 0, end;
	int start_line = 1, status = 0;
	bool have_sock = false;

	while (fgets(line, sizeof(line), stdin)) {
		size_t l = strlen(line);
		char *t = realloc(text, len + l + 1);

		if (!t)
			abort();
		text = t;
		memcpy(text + len, line, l + 1);
		len += l;
		while ((end = statement_end(text + start, len - start)) > 0) {
			struct stmts stmts = { 0 };
			struct errors errs = { 0 };
			size_t i;

			src.text = text;
			src.len = start + end;
			parse_source(&src, start, start_line, &stmts, &errs);
			for (i = 0; i < stmts.n; i++) {
				struct plan pl;

				if (compile_stmt(&stmts.v[i], &co, &pl, &errs))
					continue;
				if (!opt.notreally && !have_sock) {
					if (open_socket(&sock))
						return 1;
					have_sock = true;
					init_exec(&x, &sock, &src);
				}
				if (!opt.notreally && exec_plan(&x, &pl))
					status = 1;
				plan_free(&pl);
			}
			for (i = 0; i < errs.n; i++)
				report_error(stderr, &src, &errs.v[i]);
			if (errs.n)
				status = 1;
			for (i = start; i < start + end; i++)
				start_line += text[i] == '\n';
			start += end;
			stmts_free(&stmts);
			errors_free(&errs);
		}
	}
	if (have_sock)
		pfk_close(&sock);
	free(text);
	return status;
}

static int run_script(FILE *f, const char *name)
{
	struct source src;
	size_t len;
	char *text = read_all(f, &len);
	int status;

	if (!text) {
		fprintf(stderr, "setkey: cannot read %s: %s\n", name, strerror(errno));
		return 1;
	}
	src.name = name;
	src.text = text;
	src.len = len;
	status = run_source(&src);
	free(text);
	return status;
}

/* setkey file ...: messages saved in a file, printed as -D/-DP print. */
static int show_file(const char *name)
{
	struct exec_ctx x;
	size_t len, off = 0;
	FILE *f = fopen(name, "rb");
	char *buf;

	if (!f) {
		fprintf(stderr, "setkey: %s: %s\n", name, strerror(errno));
		return 1;
	}
	buf = read_all(f, &len);
	fclose(f);
	if (!buf || len < sizeof(struct sadb_msg)) {
		fprintf(stderr, "setkey: %s: %s\n", name, buf ? "not a PF_KEY message" :
			strerror(errno));
		free(buf);
		return 1;
	}
	init_exec(&x, NULL, NULL);
	x.po.now = time(NULL);
	while (len - off >= sizeof(struct sadb_msg)) {
		const struct sadb_msg *h = (const void *)(buf + off);
		size_t mlen = (size_t)h->sadb_msg_len * 8;

		if (mlen < sizeof(*h) || mlen > len - off) {
			fprintf(stderr, "setkey: %s: bad message length at offset %zu\n",
				name, off);
			free(buf);
			return 1;
		}
		exec_show(&x, buf + off, mlen);
		off += mlen;
	}
	free(buf);
	return 0;
}

/* The time line -x prints before each message. */
static void print_date(struct timeval *tv)
{
	if (opt.tflag == 1) {
		struct tm tm;

		localtime_r(&tv->tv_sec, &tm);
		printf("%02d:%02d:%02d.%06u \n", tm.tm_hour, tm.tm_min, tm.tm_sec,
		       (unsigned int)tv->tv_usec);
	} else {
		printf("%u.%06u \n", (unsigned int)tv->tv_sec, (unsigned int)tv->tv_usec);
	}
}

/* -x: SADB_X_PROMISC, then print every message until killed. */
static int promisc(void)
{
	struct pfk_sock sock;
	struct pmsg pm;
	ssize_t n;
	int rc;

	if (open_socket(&sock))
		return 1;
	sock.trace = NULL;
	/* nfipsec: show its extensions too (af_key refuses this; no matter). */
	pm = build_short(SADB_X_NFIPSEC_OPTIONS, SADB_X_NFIPSEC_OPT_EXT);
	pfk_send(&sock, pm.buf, pm.len);
	free(pm.buf);
	pm = build_short(SADB_X_PROMISC, 1);
	rc = pfk_send(&sock, pm.buf, pm.len);
	free(pm.buf);
	if (rc < 0) {
		fprintf(stderr, "setkey: SADB_X_PROMISC: %s\n", strerror(-rc));
		return 1;
	}
	for (;;) {
		struct timeval tv;

		n = pfk_recv(&sock, -1);
		if (n < 0) {
			fprintf(stderr, "setkey: recv: %s\n", strerror((int)-n));
			return 1;
		}
		gettimeofday(&tv, NULL);
		if (opt.json) {
			json_msg(stdout, sock.rbuf, (size_t)n,
				 tv.tv_sec + tv.tv_usec / 1e6);
		} else {
			print_date(&tv);
			if (opt.hexdump)
				print_hexdump(stdout, sock.rbuf, (size_t)n);
			print_debug(stdout, sock.rbuf, (size_t)n);
			putchar('\n');
		}
		fflush(stdout);
	}
}

static int dump_or_flush(void)
{
	struct pfk_sock sock;
	struct exec_ctx x;
	int rc;

	if (opt.notreally)
		return 0;
	if (open_socket(&sock))
		return 1;
	init_exec(&x, &sock, NULL);
	if (opt.mode == M_FLUSH) {
		rc = exec_flush(&x, opt.policy);
	} else {
		x.shortdump = opt.forever && !opt.policy;
		do {
			rc = exec_dump(&x, opt.policy);
			if (opt.forever)
				sleep(1);
		} while (opt.forever);
	}
	pfk_close(&sock);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	FILE *f = stdin;
	int c, status = 0;

	if (argc == 1) {
		usage(stderr);
		return 1;
	}
	while ((c = getopt_long(argc, argv, "acdf:HlnvxDFPphVrk?", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opt.mode = M_STDIN; break;
		case 'f': opt.mode = M_SCRIPT; opt.file = optarg; break;
		case 'D': opt.mode = M_DUMP; break;
		case 'F': opt.mode = M_FLUSH; break;
		case 'x': opt.mode = M_PROMISC; opt.tflag++; break;
		case 'a': opt.all = true; break;
		case 'l': opt.forever = true; break;
		case 'n': opt.notreally = true; break;
		case 'H': opt.hexdump = true; break;
		case 'P': opt.policy = true; break;
		case 'p': opt.withports = true; break;
		case 'v': opt.verbose = true; break;
		case 'r': opt.rfc_mode = true; break;
		case 'k': opt.rfc_mode = false; break;
		case 'd': break;	/* ipsec-tools' unused debug flag */
		case 'J': opt.json = true; break;
		case 'V':
			printf("setkey (nfipsec) %s\n", SETKEY_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;

	if (argc > 0) {
		for (; argc > 0; argc--, argv++)
			status |= show_file(*argv);
		return status;
	}
	switch (opt.mode) {
	case M_SCRIPT:
		if (strcmp(opt.file, "-")) {
			f = fopen(opt.file, "r");
			if (!f) {
				fprintf(stderr, "setkey: cannot open %s: %s\n", opt.file,
					strerror(errno));
				return 1;
			}
		}
		status = run_script(f, strcmp(opt.file, "-") ? opt.file : "<stdin>");
		if (f != stdin)
			fclose(f);
		return status;
	case M_STDIN:
		if (isatty(STDIN_FILENO))
			return run_interactive();
		return run_script(stdin, "<stdin>");
	case M_DUMP: case M_FLUSH:
		return dump_or_flush();
	case M_PROMISC:
		return promisc();
	default:
		usage(stderr);
		return 1;
	}
}
