// SPDX-License-Identifier: GPL-2.0
/*
 * setkey_errors_test.c - a catalogue of wrong inputs, each with the exact
 * error setkey must give: message, line and column.  Then how errors are
 * shown (the line and a caret), that one run reports every error, and
 * that a file with any error sends nothing (the binary is run with no
 * PF_KEY socket available: it must stop at the errors, not at the socket).
 */
#include <sys/wait.h>

#include "setkey_test.h"

struct bad {
	const char *name;
	const char *text;
	size_t nerrors;		/* errors the text gives in all */
	int line, col;		/* of the first */
	const char *msg;
};

static const struct bad bads[] = {
	{ "unknown_command",
	  "foo 10.0.0.1;",
	  1, 1, 1, "expected a command (add, update, getspi, get, delete, deleteall, flush, dump, spdadd, spdupdate, spddelete, spdflush or spddump), found 'foo'" },
	{ "missing_dst",
	  "add 10.0.0.1;",
	  1, 1, 13, "expected the destination address, found ';'" },
	{ "bad_protocol",
	  "add 10.0.0.1 10.0.0.2 esq 0x1000 -E null;",
	  1, 1, 23, "expected a protocol (esp, esp-old, esp-udp, ah, ah-old, ipcomp or tcp), found 'esq'" },
	{ "missing_spi",
	  "add 10.0.0.1 10.0.0.2 esp -E null;",
	  1, 1, 27, "expected an SPI (decimal, or hexadecimal with 0x), found '-E'" },
	{ "spi_too_big",
	  "add 10.0.0.1 10.0.0.2 esp 0x100000000 -E null;",
	  1, 1, 27, "SPI 0x100000000 is larger than 0xffffffff" },
	{ "spi_reserved",
	  "add 10.0.0.1 10.0.0.2 esp 200 -E null;",
	  1, 1, 27, "SPI 200 is reserved: SPIs 1 to 255 are not valid for ESP and AH" },
	{ "spi_zero",
	  "add 10.0.0.1 10.0.0.2 esp 0 -E null;",
	  1, 1, 27, "SPI 0 is not valid" },
	{ "cpi_too_big",
	  "add 10.0.0.1 10.0.0.2 ipcomp 0x10000 -C deflate;",
	  1, 1, 30, "an IPComp CPI is 16 bits: 0x10000 is larger than 0xffff" },
	{ "des_key_short",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -E des-cbc 0x3ffe05014819ff;",
	  1, 1, 45, "des-cbc needs a key of 64 bits, this key has 56 bits" },
	{ "aes_key_len",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -E aes-cbc 0x00;",
	  1, 1, 45, "aes-cbc needs a key of 128/192/256 bits, this key has 8 bits" },
	{ "blowfish_key_range",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -E blowfish-cbc 0x0011;",
	  1, 1, 50, "blowfish-cbc needs a key of 40 to 448 bits, this key has 16 bits" },
	{ "chacha_key_salt",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -E chacha20-poly1305 0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f;",
	  1, 1, 55, "chacha20-poly1305 needs a key of 288 bits, this key has 256 bits" },
	{ "sha256_key_len",
	  "add 10.0.0.1 10.0.0.2 ah 0x1000 -A hmac-sha256 \"short\";",
	  1, 1, 48, "hmac-sha256 needs a key of 256 bits, this key has 40 bits" },
	{ "unknown_auth",
	  "add 10.0.0.1 10.0.0.2 ah 0x1000 -A hmac-sha3 0x00;",
	  1, 1, 36, "unknown authentication algorithm 'hmac-sha3' (expected one of: hmac-md5, hmac-sha1, hmac-sha256, hmac-sha2-256, hmac-sha384, hmac-sha2-384, hmac-sha512, hmac-sha2-512, hmac-ripemd160, aes-xcbc-mac, hmac-sm3, aes-cmac, null)" },
	{ "unknown_comp",
	  "add 10.0.0.1 10.0.0.2 ipcomp 0x1000 -C zstd;",
	  1, 1, 40, "unknown compression algorithm 'zstd' (expected one of: oui, deflate, lzs, lzjh)" },
	{ "keyed_md5",
	  "add 10.0.0.1 10.0.0.2 ah 0x1000 -A keyed-md5 0x00112233445566778899aabbccddeeff;",
	  1, 1, 36, "Linux has no PF_KEY id for keyed-md5 (KAME's keyed MD5, RFC 1828)" },
	{ "keyed_sha1",
	  "add 10.0.0.1 10.0.0.2 ah 0x1000 -A keyed-sha1 0x00;",
	  1, 1, 36, "Linux has no PF_KEY id for keyed-sha1 (KAME's keyed SHA-1)" },
	{ "kpdk",
	  "add 10.0.0.1 10.0.0.2 ah 0x1000 -A kpdk 0x00;",
	  1, 1, 36, "Linux has no PF_KEY id for kpdk (KAME's keyed MD5 KPDK)" },
	{ "tcp_md5_alg",
	  "add 10.0.0.1 10.0.0.2 ah 0x1000 -A tcp-md5 \"secret\";",
	  1, 1, 36, "Linux has no PF_KEY id for tcp-md5 (TCP-MD5, RFC 2385: on Linux it is set per socket with setsockopt(TCP_MD5SIG))" },
	{ "des_deriv",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -E des-deriv 0x3ffe05014819ffff;",
	  1, 1, 37, "Linux has no PF_KEY id for des-deriv (KAME's DES with derived IV, draft-ietf-ipsec-ciph-des-derived)" },
	{ "des_32iv",
	  "add 10.0.0.1 10.0.0.2 esp-old 0x1000 -E des-32iv 0x3ffe05014819ffff;",
	  1, 1, 41, "Linux has no PF_KEY id for des-32iv (KAME's DES with a 32-bit IV for esp-old)" },
	{ "seed_tcp_md5",
	  "add 10.1.10.34 10.1.10.36 tcp 0x1000 -A tcp-md5 \"TCP-MD5 BGP secret\" ;",
	  1, 1, 27, "Linux's PF_KEY has no SA type for TCP-MD5 (tcp): on Linux, TCP-MD5 keys are set per socket with setsockopt(TCP_MD5SIG)" },
	{ "esp_without_enc",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -A hmac-sha1 \"12345678901234567890\";",
	  1, 1, 1, "an ESP SA needs an encryption algorithm: -E <algorithm> <key> (-E null for integrity only)" },
	{ "ah_with_enc",
	  "add 10.0.0.1 10.0.0.2 ah 0x1000 -E null;",
	  1, 1, 36, "-E is for ESP SAs, not ah" },
	{ "ipcomp_with_auth",
	  "add 10.0.0.1 10.0.0.2 ipcomp 0x1000 -C deflate -A null;",
	  1, 1, 51, "-A is for AH and ESP SAs, not ipcomp" },
	{ "ipcomp_without_comp",
	  "add 10.0.0.1 10.0.0.2 ipcomp 0x1000;",
	  1, 1, 1, "an IPComp SA needs a compression algorithm: -C <algorithm>" },
	{ "aead_with_auth",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -E aes-gcm-16 0x000102030405060708090a0b0c0d0e0f10111213 -A hmac-sha1 \"12345678901234567890\";",
	  1, 1, 94, "aes-gcm-16 is an AEAD algorithm: it authenticates by itself, -A is not allowed with it" },
	{ "enc_twice",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -E null -E null;",
	  1, 1, 42, "-E given twice" },
	{ "delete_with_alg",
	  "delete 10.0.0.1 10.0.0.2 esp 0x1000 -E null;",
	  1, 1, 37, "'delete' does not take -E: algorithms are only given to add and update" },
	{ "bad_mode",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -m bogus -E null;",
	  1, 1, 37, "expected a mode after -m (transport, tunnel or any), found 'bogus'" },
	{ "bad_pad",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -f bogus -E null;",
	  1, 1, 37, "expected zero-pad, random-pad, seq-pad, nocyclic-seq or esn after -f, found 'bogus'" },
	{ "replay_not_number",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -r big -E null;",
	  1, 1, 37, "expected the replay window (a decimal number), found 'big'" },
	{ "replay_old",
	  "add 10.0.0.1 10.0.0.2 esp-old 0x1000 -r 4 -E des-cbc 0x3ffe05014819ffff;",
	  1, 1, 38, "replay prevention cannot be used with esp-old or ah-old" },
	{ "unknown_option",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -x -E null;",
	  1, 1, 34, "unknown option '-x' (expected one of -m, -r, -u, -f, -lh, -ls, -bh, -bs, -ctx, -E, -A, -C)" },
	{ "rawcpi_alone",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -R -E null;",
	  1, 1, 34, "-R only applies to -C (IPComp): write -C <algorithm> -R" },
	{ "key_missing",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -E des-cbc;",
	  1, 1, 44, "expected the key for des-cbc (a \"quoted string\" or 0x-prefixed hex digits), found ';'" },
	{ "key_decimal",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -E des-cbc 1234;",
	  1, 1, 45, "expected the key for des-cbc (a \"quoted string\" or 0x-prefixed hex digits), found '1234'" },
	{ "reqid_missing",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -u -E null;",
	  1, 1, 37, "expected the reqid (a decimal number), found '-E'" },
	{ "lifetime_overflow",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -lh 99999999999999999999999 -E null;",
	  1, 1, 38, "the hard lifetime in seconds must be from 0 to 18446744073709551615, not 99999999999999999999999" },
	{ "missing_semicolon",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -E null\nadd 10.0.0.1 10.0.0.2 esp 0x1001 -E null;",
	  1, 1, 41, "missing ';' at the end of the statement (line 2 starts a new 'add' statement)" },
	{ "semicolon_at_eof",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -E null",
	  1, 1, 41, "expected ';' at the end of the statement, found end of input" },
	{ "bad_character",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -E null $;",
	  1, 1, 42, "expected an option (-m, -r, -u, -f, -lh, -ls, -bh, -bs, -ctx, -E, -A, -C) or ';', found '$'" },
	{ "unterminated_string",
	  "add 10.0.0.1 10.0.0.2 esp 0x1000 -E 3des-cbc \"abc\n;",
	  1, 1, 46, "expected the key for 3des-cbc (a \"quoted string\" or 0x-prefixed hex digits), found an unterminated quoted string" },
	{ "bad_addropt",
	  "add -4x 10.0.0.1 10.0.0.2 esp 0x1000 -E null;",
	  1, 1, 5, "unknown address option '-4x' (expected -4, -6 or -n)" },
	{ "seed_dash6_ipv4",
	  "add -6 10.0.11.41 10.0.11.33 ah 123456 -A hmac-sha1 \"AH SA configuration!\" ;",
	  2, 1, 8, "10.0.11.41 is an IPv4 address, but -6 allows only IPv6 addresses" },
	{ "numeric_only",
	  "add -n myhost.example.com 10.0.0.2 esp 0x1000 -E null;",
	  1, 1, 8, "'myhost.example.com' is not a numeric address (-n forbids name resolution)" },
	{ "unresolvable",
	  "add nosuch.example.com 10.0.0.2 esp 0x1000 -E null;",
	  1, 1, 5, "cannot resolve 'nosuch.example.com': Name or service not known" },
	{ "dash4_ipv6",
	  "add -4 10.0.0.1 2001:db8::1 esp 0x1000 -E null;",
	  1, 1, 17, "2001:db8::1 is an IPv6 address, but -4 allows only IPv4 addresses" },
	{ "no_v6_address",
	  "add -6 v4only.example.com 2001:db8::1 esp 0x1000 -E null;",
	  1, 1, 8, "'v4only.example.com' has no IPv6 address" },
	{ "family_mismatch",
	  "add 10.0.0.1 2001:db8::1 esp 0x1000 -E null;",
	  1, 1, 14, "10.0.0.1 and 2001:db8::1 have no address family in common" },
	{ "prefix_too_long",
	  "spdadd 10.0.0.1/33 10.0.0.2 any -P out none;",
	  1, 1, 17, "prefix length 33 is longer than an IPv4 address (32 bits)" },
	{ "prefix_over_128",
	  "spdadd 10.0.0.1/129 10.0.0.2 any -P out none;",
	  1, 1, 17, "the prefix length must be from 0 to 128, not 129" },
	{ "port_range",
	  "spdadd 10.0.0.1[70000] 10.0.0.2 any -P out none;",
	  1, 1, 17, "the port must be from 0 to 65535, not 70000" },
	{ "unknown_service",
	  "spdadd 10.0.0.1[nosuchservice] 10.0.0.2 any -P out none;",
	  1, 1, 17, "unknown service 'nosuchservice' (not in /etc/services)" },
	{ "port_unclosed",
	  "spdadd 10.0.0.1[80 10.0.0.2 any -P out none;",
	  1, 1, 20, "expected ']' after the port, found '10.0.0.2'" },
	{ "unknown_upper",
	  "spdadd 10.0.0.1 10.0.0.2 bogusproto -P out none;",
	  1, 1, 26, "unknown upper-layer protocol 'bogusproto' (not in /etc/protocols; expected a protocol name or number, icmp6, ip4 or any)" },
	{ "upper_range",
	  "spdadd 10.0.0.1 10.0.0.2 256 -P out none;",
	  1, 1, 26, "the upper-layer protocol number must be from 0 to 255, not 256" },
	{ "icmp_no_code",
	  "spdadd ::/0 ::/0 icmp6 135 -P in none;",
	  1, 1, 24, "expected the ICMP type and code as type,code (each 0 to 255), found '135'" },
	{ "tcp_misc",
	  "spdadd 10.0.0.1 10.0.0.2 tcp 80 -P out none;",
	  1, 1, 30, "only icmp, icmp6, mh and gre take a further specification after the protocol, found '80'" },
	{ "gre_bad_key",
	  "spdadd 0.0.0.0 0.0.0.0 gre 1.2.3 -P out none;",
	  1, 1, 28, "expected a GRE key as a number or in dotted-quad form, found '1.2.3'" },
	{ "seed_gre_no_dash_p",
	  "spdadd 0.0.0.0 0.0.0.0 gre 1234 ipsec esp/transport//require ;",
	  1, 1, 33, "expected -P and a policy (as in -P out ipsec esp/transport//require), found 'ipsec'" },
	{ "any_address",
	  "spdadd any any any -P out none;",
	  1, 1, 8, "'any' is not an address here: write 0.0.0.0/0 or ::/0 for any address" },
	{ "bad_direction",
	  "spdadd 10.0.0.1 10.0.0.2 any -P up none;",
	  1, 1, 33, "expected a direction (in, out or fwd) after -P, found 'up'" },
	{ "bad_priority",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out prio bogus none;",
	  1, 1, 42, "expected a priority after 'prio': a number, or low, def or high with an optional + or - offset, found 'bogus'" },
	{ "prio_plus_range",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out prio high + 1073741825 none;",
	  1, 1, 49, "priority offset out of range: base + offset allows 0 to 1073741824" },
	{ "prio_minus_range",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out prio low - 1073741824 none;",
	  1, 1, 48, "priority offset out of range: base - offset allows 0 to 1073741823" },
	{ "prio_range",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out prio 2147483649 none;",
	  1, 1, 42, "priority out of range (-2147483647 to 2147483648)" },
	{ "bad_action",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out allow;",
	  1, 1, 37, "expected discard, none or ipsec (or a priority: prio ...), found 'allow'" },
	{ "bypass",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out bypass;",
	  1, 1, 37, "policy 'bypass' is a KAME per-socket policy: Linux's PF_KEY only takes discard, none and ipsec in the SPD" },
	{ "none_with_request",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out none esp/transport//require;",
	  1, 1, 42, "expected ';' (only an ipsec policy has requests), found 'esp'" },
	{ "request_no_mode",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp;",
	  1, 1, 43, "a request needs at least protocol/mode, as in esp/transport//require" },
	{ "request_bad_mode",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/bogus;",
	  1, 1, 47, "expected a mode (transport or tunnel) after the protocol, found 'bogus'" },
	{ "request_bad_proto",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec tcp/transport;",
	  1, 1, 43, "expected a request protocol (esp, ah or ipcomp) or ';', found 'tcp'" },
	{ "tunnel_no_addrs",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel//require;",
	  1, 1, 43, "a tunnel request needs its end points: protocol/tunnel/src-dst/level" },
	{ "unique_zero",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//unique:0;",
	  1, 1, 58, "the id after 'unique:' must be a number from 1 to 32767" },
	{ "unique_big",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//unique:32768;",
	  1, 1, 58, "the id after 'unique:' must be a number from 1 to 32767" },
	{ "bad_level",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//always;",
	  1, 1, 58, "expected a level (default, use, require, unique or unique:<id>), found 'always'" },
	{ "level_in_addr_place",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport/require;",
	  1, 1, 57, "the level goes after the addresses: protocol/mode/src-dst/level, or protocol/mode//level without addresses" },
	{ "me_any_inbound",
	  "spdadd 10.0.0.1 10.0.0.2 any -P in ipsec esp/transport/me-any/require;",
	  1, 1, 56, "me-any is only valid in an out policy" },
	{ "request_families",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel/10.0.0.1-fec0::2/require;",
	  1, 1, 43, "the end points 10.0.0.1 and fec0::2 are of different address families" },
	{ "request_fqdn",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel/10.0.0.1-gw.example.com/require;",
	  1, 1, 63, "the end points of a request must be numeric addresses, not 'gw.example.com'" },
	{ "request_bad_port",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel/10.0.0.1[x]-10.0.0.2/require;",
	  1, 1, 63, "expected the port (a decimal number), found 'x'" },
	{ "missing_dash_p",
	  "spdadd 10.0.0.1 10.0.0.2 any;",
	  1, 1, 29, "expected -P and a policy (as in -P out ipsec esp/transport//require), found ';'" },
	{ "tagged",
	  "spdadd tagged \"foo\" -P out none;",
	  1, 1, 15, "PF tags (spdadd tagged) are a BSD pf(4) feature: Linux's PF_KEY has no SADB_X_EXT_TAG" },
	{ "spddelete_tagged",
	  "spddelete tagged \"foo\" -P out;",
	  1, 1, 11, "spddelete has no tagged form" },
	{ "ctx_range",
	  "spdadd 10.0.0.1 10.0.0.2 any -ctx 1 300 \"x\" -P out none;",
	  1, 1, 37, "the security context algorithm must be from 0 to 255, not 300" },
	{ "ctx_unquoted",
	  "spdadd 10.0.0.1 10.0.0.2 any -ctx 1 1 system_u -P out none;",
	  1, 1, 39, "expected the security context as a \"quoted string\", found 'system_u'" },
	{ "flush_bad_proto",
	  "flush bogus;",
	  1, 1, 7, "expected a protocol (esp, esp-old, esp-udp, ah, ah-old, ipcomp or tcp) or ';', found 'bogus'" },
	{ "deleteall_no_proto",
	  "deleteall 10.0.0.1 10.0.0.2;",
	  1, 1, 28, "expected a protocol (esp, esp-old, esp-udp, ah, ah-old, ipcomp or tcp), found ';'" },
	{ "policy_missing_semicolon",
	  "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require\nadd 10.0.0.1 10.0.0.2 esp 0x1000 -E null;",
	  1, 1, 65, "missing ';' at the end of the statement (line 2 starts a new 'add' statement)" },
};

static void check_bad(void **state)
{
	const struct bad *b = *state;
	struct compiled *c = compile_text(b->text);

	if (c->errs.n == 0)
		fail_msg("%s: no error", b->name);
	if (strcmp(c->errs.v[0].msg, b->msg) || c->errs.v[0].loc.line != b->line ||
	    c->errs.v[0].loc.col != b->col)
		fail_msg("%s:\n  got  %d:%d: %s\n  want %d:%d: %s", b->name,
			 c->errs.v[0].loc.line, c->errs.v[0].loc.col, c->errs.v[0].msg,
			 b->line, b->col, b->msg);
	assert_int_equal(c->errs.n, b->nerrors);
	compiled_free(c);
}

/* The report quotes the line and underlines the offending token. */
static void report_format(void **state)
{
	static const char text[] = "flush;\n"
				   "add 10.0.0.1 10.0.0.2 esp 0x1000\n"
				   "\t-E des-cbc 0x3ffe05014819ff;\n";
	struct compiled *c = compile_text(text);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(c->errs.n, 1);
	report_error(f, &c->src, &c->errs.v[0]);
	fclose(f);
	assert_string_equal(buf,
		"test.conf:3:13: error: des-cbc needs a key of 64 bits, this key has 56 bits\n"
		"     3 | \t-E des-cbc 0x3ffe05014819ff;\n"
		"       | \t           ^~~~~~~~~~~~~~~~\n");
	free(buf);
	compiled_free(c);
}

/* One run reports every bad statement, in order, and keeps the good ones. */
static void every_error_reported(void **state)
{
	struct compiled *c = compile_text(
		"add 10.0.0.1 10.0.0.2 esp 0x1000 -E null;\n"
		"add 10.0.0.1 10.0.0.2 esp 0x1001 -E foo;\n"
		"spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel//require;\n"
		"add nosuch.example.com 10.0.0.2 esp 0x1002 -E null;\n"
		"spddump;\n"
		"add 10.0.0.1 10.0.0.2 esp 0x1003 -E des-cbc 0x00\n"
		"flush;\n");

	(void)state;
	assert_int_equal(c->errs.n, 4);
	assert_int_equal(c->errs.v[0].loc.line, 2);
	assert_int_equal(c->errs.v[1].loc.line, 3);
	assert_int_equal(c->errs.v[2].loc.line, 4);
	assert_int_equal(c->errs.v[3].loc.line, 6);
	assert_string_equal(c->errs.v[3].msg, "des-cbc needs a key of 64 bits, "
			    "this key has 8 bits");
	/*
	 * add 0x1000, add nosuch (parsed, not resolved), spddump, and the
	 * flush after the statement without ';' are still parsed.
	 */
	assert_int_equal(c->stmts.n, 4);
	assert_int_equal(c->nplans, 3);
	assert_int_equal(c->stmts.v[3].kind, ST_FLUSH);
	compiled_free(c);
}

static int run_setkey(const char *args, const char *input, char *out, size_t size)
{
	char cmd[512], path[] = "/tmp/setkey_errors_XXXXXX";
	int fd = mkstemp(path), status;
	FILE *p;
	size_t n;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, input, strlen(input)), (ssize_t)strlen(input));
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s %s %s 2>&1", SETKEY_BIN, args, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	status = pclose(p);
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A file with an error sends nothing: no socket is even opened. */
static void nothing_sent_on_error(void **state)
{
	char out[4096];
	int rc;

	(void)state;
	rc = run_setkey("-f", "flush;\nadd 10.0.0.1 10.0.0.2 esp 0x1000 -E bogus 0x00;\n",
			out, sizeof(out));
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, ":2:37: error: unknown encryption algorithm 'bogus'"));
	assert_non_null(strstr(out, "1 error in "));
	assert_non_null(strstr(out, "nothing was sent to the kernel"));
	assert_null(strstr(out, "PF_KEY socket"));
	/* -n checks a good file without a kernel and exits 0, silently. */
	rc = run_setkey("-n -f", "flush;\nadd 10.0.0.1 10.0.0.2 esp 0x1000 -E null;\n",
			out, sizeof(out));
	assert_int_equal(rc, 0);
	assert_string_equal(out, "");
	/* -n still reports errors, and fails. */
	rc = run_setkey("-n -f", "add 10.0.0.1 10.0.0.2 esp 0x1000;\n", out, sizeof(out));
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "an ESP SA needs an encryption algorithm"));
}

int main(void)
{
	struct CMUnitTest tests[sizeof(bads) / sizeof(bads[0]) + 4];
	size_t i, n = 0;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(check_bad,
									(void *)&bads[i]);
		tests[n++].name = bads[i].name;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(report_format);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(every_error_reported);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(nothing_sent_on_error);
	return _cmocka_run_group_tests("setkey_errors", tests, n, NULL, NULL);
}
