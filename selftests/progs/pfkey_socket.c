// SPDX-License-Identifier: GPL-2.0
/*
 * pfkey_socket.c - selftest of the PF_KEY socket layer of nfipsec.ko:
 * creation and privilege, framing and error replies for every malformed
 * message class (the vectors of kmod/test/parse_cases.h), promiscuous
 * listeners, whole-message recvmsg, /proc/net/pfkey, counters, and the
 * isolation of network namespaces.  Prints TAP; run as root.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "tap.h"
#include "pfkey_util.h"
#include "test/parse_cases.h"

static int count_proc_lines(const char *path)
{
	char line[512];
	int n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

static long long stat_value(const char *name)
{
	char key[128];
	long long v;
	FILE *f = fopen("/proc/net/nfipsec/stats", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%127s %lld", key, &v) == 2) {
		if (!strcmp(key, name)) {
			fclose(f);
			return v;
		}
	}
	fclose(f);
	return -1;
}

/* Run @fn in a child; returns the child's exit code. */
static int in_child(int (*fn)(void))
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		fflush(stdout);
		_exit(fn());
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Exit code: the errno of socket(), 0 when it worked. */
static int try_socket(void)
{
	int fd = pfk_open();

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int as_nobody(void)
{
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 250;
	return try_socket();
}

static int nobody_in_own_netns(void)
{
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 250;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
		return 251;
	return try_socket();
}

static int nobody_userns_only(void)
{
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 250;
	if (unshare(CLONE_NEWUSER))
		return 251;
	return try_socket();	/* init netns: owned by the init user ns */
}

static void test_creation(void)
{
	int fd, r;

	fd = pfk_open();
	tap_ok(fd >= 0, "root opens socket(PF_KEY, SOCK_RAW, PF_KEY_V2)");
	if (fd >= 0)
		close(fd);
	fd = socket(PF_KEY, SOCK_DGRAM, PF_KEY_V2);
	tap_ok(fd < 0 && errno == ESOCKTNOSUPPORT,
	       "SOCK_DGRAM refused with ESOCKTNOSUPPORT (as af_key)");
	fd = socket(PF_KEY, SOCK_RAW, 1);
	tap_ok(fd < 0 && errno == EPROTONOSUPPORT,
	       "protocol 1 refused with EPROTONOSUPPORT (as af_key)");
	r = in_child(as_nobody);
	tap_ok(r == EPERM, "unprivileged user gets EPERM (got %d)", r);
	r = in_child(nobody_userns_only);
	if (r == 251)
		tap_skip("user namespaces disabled", "own user ns, init netns: EPERM");
	else
		tap_ok(r == EPERM, "own user ns, init netns: EPERM (got %d)", r);
	r = in_child(nobody_in_own_netns);
	if (r == 251)
		tap_skip("user namespaces disabled", "CAP_NET_ADMIN in own netns: allowed");
	else
		tap_ok(r == 0, "CAP_NET_ADMIN in its own netns: allowed (got %d)", r);
}

/* Every malformed vector: an error reply with errno and diagnostic. */
static void test_malformed(int fd)
{
	char buf[PFK_BUF];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		const struct sadb_msg *r = (const void *)buf;
		struct pc_msg m;
		ssize_t n;
		uint32_t seq = 1000 + i;
		uint8_t type;

		if (!c->err)
			continue;
		c->build(&m);
		pc_hdr(&m)->sadb_msg_seq = seq;
		pc_hdr(&m)->sadb_msg_pid = getpid();
		type = pc_hdr(&m)->sadb_msg_type;
		pfk_drain(fd);
		n = send(fd, m.buf, m.wlen, 0);
		if (!pfkey_has_base(m.wlen)) {
			tap_ok(n < 0 && errno == EMSGSIZE,
			       "%s: write of %zu bytes fails with EMSGSIZE",
			       c->name, m.wlen);
			continue;
		}
		if (n != (ssize_t)m.wlen) {
			tap_ok(0, "%s: write accepted (%zd: %s)", c->name, n,
			       strerror(errno));
			continue;
		}
		n = pfk_recv_reply(fd, buf, sizeof(buf), type, seq, 2000);
		tap_ok(n == sizeof(struct sadb_msg) &&
		       r->sadb_msg_errno == c->err &&
		       r->sadb_x_msg_diagnostic == c->diag &&
		       r->sadb_msg_len == 2 && r->sadb_msg_version == PF_KEY_V2 &&
		       r->sadb_msg_satype == pc_hdr(&m)->sadb_msg_satype,
		       "%s: error reply errno %d diag %u (got n=%zd errno %d diag %u)",
		       c->name, c->err, c->diag, n, n > 0 ? r->sadb_msg_errno : -1,
		       n > 0 ? r->sadb_x_msg_diagnostic : 0);
	}
}

static void test_promisc_and_framing(int fd)
{
	char buf[PFK_BUF];
	struct sadb_msg h;
	long long before;
	int p = pfk_open();
	ssize_t n;

	pfk_drain(fd);
	pfk_hdr(&h, SADB_X_PROMISC, 1, 7);
	n = send(p, &h, sizeof(h), 0);
	n = pfk_recv_reply(p, buf, sizeof(buf), SADB_X_PROMISC, 7, 2000);
	tap_ok(n == sizeof(h) && ((struct sadb_msg *)buf)->sadb_msg_errno == 0,
	       "X_PROMISC on: acknowledged");
	n = pfk_recv_reply(fd, buf, sizeof(buf), SADB_X_PROMISC, 7, 2000);
	tap_ok(n == sizeof(h), "X_PROMISC is broadcast to every socket");
	pfk_drain(p);

	before = stat_value("pfkey_reject_BAD_VERSION");
	pfk_hdr(&h, SADB_FLUSH, 0, 8);
	h.sadb_msg_version = 3;
	send(fd, &h, sizeof(h), 0);
	n = pfk_recv(p, buf, sizeof(buf), 2000);
	tap_ok(n == sizeof(h) && ((struct sadb_msg *)buf)->sadb_msg_version == 3 &&
	       ((struct sadb_msg *)buf)->sadb_msg_errno == 0,
	       "promiscuous socket sees the request as sent");
	n = pfk_recv(p, buf, sizeof(buf), 2000);
	tap_ok(n == sizeof(h) && ((struct sadb_msg *)buf)->sadb_msg_errno == EINVAL,
	       "promiscuous socket sees the error reply too");
	tap_ok(stat_value("pfkey_reject_BAD_VERSION") == before + 1,
	       "reject counter pfkey_reject_BAD_VERSION counts it");
	pfk_drain(fd);

	pfk_hdr(&h, SADB_X_PROMISC, 0, 9);
	send(p, &h, sizeof(h), 0);
	pfk_drain(p);
	pfk_drain(fd);
	pfk_hdr(&h, SADB_FLUSH, 0, 10);
	h.sadb_msg_version = 3;
	send(fd, &h, sizeof(h), 0);
	n = pfk_recv(p, buf, sizeof(buf), 300);
	tap_ok(n == 0, "X_PROMISC off: nothing more arrives (n=%zd)", n);
	close(p);

	/* A reply longer than the read buffer: truncated, MSG_TRUNC set. */
	pfk_drain(fd);
	pfk_hdr(&h, SADB_X_NFIPSEC_OPTIONS, SADB_X_NFIPSEC_OPT_EXT, 11);
	send(fd, &h, sizeof(h), 0);
	{
		struct iovec iov = { buf, 8 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

		poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1, 2000);
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		tap_ok(n == 8 && (mh.msg_flags & MSG_TRUNC),
		       "recvmsg into 8 bytes: 8 returned, MSG_TRUNC set");
	}
	n = pfk_recv(fd, buf, sizeof(buf), 200);
	tap_ok(n == 0, "the rest of a truncated message is discarded, not split");

	pfk_hdr(&h, SADB_X_NFIPSEC_OPTIONS, 0x80, 12);
	send(fd, &h, sizeof(h), 0);
	n = pfk_recv_reply(fd, buf, sizeof(buf), SADB_X_NFIPSEC_OPTIONS, 12, 2000);
	tap_ok(n == sizeof(h) && ((struct sadb_msg *)buf)->sadb_msg_errno == EINVAL,
	       "X_NFIPSEC_OPTIONS with an unknown option: EINVAL");

	pfk_hdr(&h, SADB_X_PCHANGE, 0, 13);
	send(fd, &h, sizeof(h), 0);
	n = pfk_recv_reply(fd, buf, sizeof(buf), SADB_X_PCHANGE, 13, 2000);
	tap_ok(n == sizeof(h) && ((struct sadb_msg *)buf)->sadb_msg_errno == EOPNOTSUPP,
	       "X_PCHANGE (kernel-to-user only): EOPNOTSUPP as af_key");
}

static void test_proc(void)
{
	int base = count_proc_lines("/proc/net/pfkey");
	int a = pfk_open(), b = pfk_open();

	tap_ok(base >= 1 && count_proc_lines("/proc/net/pfkey") == base + 2,
	       "/proc/net/pfkey lists each open socket");
	close(a);
	close(b);
	tap_ok(count_proc_lines("/proc/net/pfkey") == base,
	       "/proc/net/pfkey forgets closed sockets");
}

/*
 * Two namespaces: a promiscuous socket in a new netns sees nothing of the
 * messages sent in the first, and /proc/net/pfkey shows only its own.
 */
static void test_netns(int fd_outer)
{
	char buf[PFK_BUF];
	struct sadb_msg h;
	int inner, outer_count;
	ssize_t n;

	outer_count = count_proc_lines("/proc/net/pfkey");
	if (unshare(CLONE_NEWNET)) {
		tap_ok(0, "unshare(CLONE_NEWNET): %s", strerror(errno));
		tap_ok(0, "netns isolation");
		tap_ok(0, "netns /proc");
		return;
	}
	inner = pfk_open();
	tap_ok(inner >= 0 && count_proc_lines("/proc/net/pfkey") == 2,
	       "new netns: /proc/net/pfkey shows only its own socket (outer had %d lines)",
	       outer_count);
	pfk_hdr(&h, SADB_X_PROMISC, 1, 20);
	send(inner, &h, sizeof(h), 0);
	pfk_drain(inner);
	/* The outer socket still lives in the first namespace. */
	pfk_hdr(&h, SADB_X_PROMISC, 0, 21);
	send(fd_outer, &h, sizeof(h), 0);
	pfk_hdr(&h, SADB_FLUSH, 0, 22);
	h.sadb_msg_version = 9;
	send(fd_outer, &h, sizeof(h), 0);
	n = pfk_recv(inner, buf, sizeof(buf), 500);
	tap_ok(n == 0, "promiscuous socket in another netns sees nothing (n=%zd)", n);
	n = pfk_recv_reply(fd_outer, buf, sizeof(buf), SADB_FLUSH, 22, 2000);
	tap_ok(n == sizeof(h), "the outer socket still gets its own reply");
	close(inner);
}

int main(void)
{
	int fd, malformed = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(parse_cases); i++)
		malformed += parse_cases[i].err != 0;
	tap_plan_n(6 + malformed + 10 + 2 + 3);

	test_creation();
	fd = pfk_open();
	if (fd < 0) {
		printf("Bail out! cannot open a PF_KEY socket: %s\n", strerror(errno));
		return 1;
	}
	test_malformed(fd);
	test_promisc_and_framing(fd);
	test_proc();
	test_netns(fd);
	close(fd);
	return tap_done();
}
