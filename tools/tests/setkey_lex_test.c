// SPDX-License-Identifier: GPL-2.0
/*
 * setkey_lex_test.c - the lexer (token kinds, places, the policy mode),
 * statement_end() for interactive -c, and the naming of kernel errors.
 */
#include <errno.h>

#include "setkey_test.h"
#include "diag.h"
#include "lexer.h"

struct want {
	enum tok kind;
	const char *text;
	int line, col;
};

static void expect_tokens(const char *text, enum lex_mode mode, const struct want *w,
			  size_t n)
{
	struct source src = { "t", text, strlen(text) };
	struct lexer lx;
	size_t i;

	lex_init(&lx, &src);
	lex_set_mode(&lx, mode);
	for (i = 0; i < n; i++) {
		struct token t = lex_next(&lx);

		if (t.kind != w[i].kind || t.len != strlen(w[i].text) ||
		    memcmp(t.p, w[i].text, t.len) || t.loc.line != w[i].line ||
		    t.loc.col != w[i].col)
			fail_msg("token %zu: got kind %d '%.*s' at %d:%d, want kind %d '%s' "
				 "at %d:%d", i, t.kind, (int)t.len, t.p, t.loc.line, t.loc.col,
				 w[i].kind, w[i].text, w[i].line, w[i].col);
	}
	assert_int_equal(lex_next(&lx).kind, TK_EOF);
}

static void main_mode(void **state)
{
	static const struct want w[] = {
		{ TK_WORD, "add", 1, 1 },
		{ TK_FLAG, "-46n", 1, 5 },
		{ TK_WORD, "fe80::1%eth0", 1, 10 },
		{ TK_LBRACK, "[", 1, 22 },
		{ TK_WORD, "any", 1, 23 },
		{ TK_RBRACK, "]", 1, 26 },
		{ TK_WORD, "10.0.0.0", 2, 3 },
		{ TK_SLASH, "/", 2, 11 },
		{ TK_NUM, "24", 2, 12 },
		{ TK_WORD, "esp-udp", 2, 15 },
		{ TK_HEX, "0x10001", 2, 23 },
		{ TK_WORD, "0x1g", 2, 31 },
		{ TK_FLAG, "-E", 3, 1 },
		{ TK_STRING, "\"two\nlines\"", 3, 4 },
		{ TK_WORD, "135,0", 4, 8 },
		{ TK_SEMI, ";", 4, 13 },
		{ TK_WORD, "::", 5, 1 },
		{ TK_BAD, "$", 5, 4 },
		{ TK_MINUS, "-", 5, 6 },
	};

	(void)state;
	expect_tokens("add -46n fe80::1%eth0[any] # comment [ ; ignored\n"
		      "  10.0.0.0/24 esp-udp 0x10001 0x1g\n"
		      "-E \"two\nlines\" 135,0;\n"
		      ":: $ -", LEX_MAIN, w, sizeof(w) / sizeof(w[0]));
}

/* After -P: '-' and '+' are tokens, words do not swallow them. */
static void policy_mode(void **state)
{
	static const struct want w[] = {
		{ TK_WORD, "out", 1, 1 },
		{ TK_WORD, "prio", 1, 5 },
		{ TK_WORD, "def", 1, 10 },
		{ TK_PLUS, "+", 1, 13 },
		{ TK_NUM, "10", 1, 14 },
		{ TK_WORD, "ipsec", 1, 17 },
		{ TK_WORD, "esp", 2, 2 },
		{ TK_SLASH, "/", 2, 5 },
		{ TK_WORD, "tunnel", 2, 6 },
		{ TK_SLASH, "/", 2, 12 },
		{ TK_WORD, "192.168.0.1", 2, 13 },
		{ TK_LBRACK, "[", 2, 24 },
		{ TK_NUM, "4500", 2, 25 },
		{ TK_RBRACK, "]", 2, 29 },
		{ TK_MINUS, "-", 2, 30 },
		{ TK_WORD, "fec0::2", 2, 31 },
		{ TK_SLASH, "/", 2, 38 },
		{ TK_WORD, "unique:7", 2, 39 },
		{ TK_MINUS, "-", 2, 48 },
		{ TK_NUM, "5", 2, 49 },
	};

	(void)state;
	expect_tokens("out prio def+10 ipsec\n"
		      "\tesp/tunnel/192.168.0.1[4500]-fec0::2/unique:7 -5",
		      LEX_POLICY, w, sizeof(w) / sizeof(w[0]));
}

static void unterminated(void **state)
{
	struct source src = { "t", "a \"b c", 6 };
	struct lexer lx;
	struct token t;

	(void)state;
	lex_init(&lx, &src);
	assert_int_equal(lex_next(&lx).kind, TK_WORD);
	t = lex_next(&lx);
	assert_int_equal(t.kind, TK_UNTERMINATED);
	assert_int_equal(t.loc.col, 3);
	assert_int_equal(t.loc.len, 1);
}

static void statement_ends(void **state)
{
	(void)state;
	assert_int_equal(statement_end("flush", 5), 0);
	assert_int_equal(statement_end("flush;", 6), 6);
	assert_int_equal(statement_end("flush ; dump;", 13), 7);
	assert_int_equal(statement_end("# a;b\nflush;", 12), 12);
	assert_int_equal(statement_end("add a b esp 1 -E x \"k;e\"", 24), 0);
	assert_int_equal(statement_end("add a b esp 1 -E x \"k;e\";", 25), 25);
}

/* parse_source from an offset, as interactive -c does per statement. */
static void parse_from_offset(void **state)
{
	static const char text[] = "flush;\nspdflush;\nadd 10.0.0.1 10.0.0.2 esp 0x1000 -E foo;\n";
	struct source src = { "<stdin>", text, sizeof(text) - 1 };
	struct stmts st = { 0 };
	struct errors err = { 0 };

	(void)state;
	parse_source(&src, 17, 3, &st, &err);
	assert_int_equal(st.n, 0);
	assert_int_equal(err.n, 1);
	assert_int_equal(err.v[0].loc.line, 3);
	assert_int_equal(err.v[0].loc.col, 37);
	stmts_free(&st);
	errors_free(&err);
}

static void kernel_errors(void **state)
{
	char buf[256];

	(void)state;
	describe_error(SADB_ADD, EEXIST, 0, buf, sizeof(buf));
	assert_string_equal(buf, "Entry already exists (EEXIST)");
	describe_error(SADB_X_SPDADD, EEXIST, 116, buf, sizeof(buf));
	assert_string_equal(buf, "Entry already exists (EEXIST); diagnostic 116 "
			    "POLICY_EXISTS: policy already exists");
	describe_error(SADB_GET, ESRCH, 0, buf, sizeof(buf));
	assert_string_equal(buf, "No entry (ESRCH)");
	describe_error(SADB_DELETE, ENOENT, 111, buf, sizeof(buf));
	assert_string_equal(buf, "No entry (ENOENT); diagnostic 111 SA_NOTFOUND: no such SA");
	describe_error(SADB_ADD, EINVAL, 45, buf, sizeof(buf));
	assert_string_equal(buf, "Invalid argument (EINVAL); diagnostic 45 BAD_EKEYBITS: "
			    "bad encryption key length");
	describe_error(SADB_ADD, ENOSYS, 0, buf, sizeof(buf));
	assert_string_equal(buf, "Function not implemented (ENOSYS)");
	describe_error(SADB_FLUSH, 200, 99, buf, sizeof(buf));
	assert_string_equal(buf, "Unknown error 200 (errno 200); diagnostic 99");
	/* Every diagnostic the uapi header names has a name and a text. */
	assert_string_equal(diag_name(SADB_X_DIAGNOSTIC_MAX), "BAD_NATT_TYPE");
	assert_non_null(diag_text(SADB_X_DIAGNOSTIC_INNER_AF_MISMATCH));
	assert_null(diag_name(SADB_X_DIAGNOSTIC_MAX + 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(main_mode),
		cmocka_unit_test(policy_mode),
		cmocka_unit_test(unterminated),
		cmocka_unit_test(statement_ends),
		cmocka_unit_test(parse_from_offset),
		cmocka_unit_test(kernel_errors),
	};

	return cmocka_run_group_tests_name("setkey_lex", tests, NULL, NULL);
}
