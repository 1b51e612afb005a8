// SPDX-License-Identifier: GPL-2.0
/*
 * pfkey_io.c - the socket itself.
 *
 * PF_KEY is a datagram protocol: one send() is one message, one recv()
 * one reply.  The receive buffer holds the largest message PF_KEY can
 * express (sadb_msg_len is 16 bits of 64-bit words), so nothing is ever
 * truncated.  The socket's receive queue is enlarged because a dump
 * arrives as one message per SA and a kernel stops (af_key) or pauses
 * (nfipsec) when the queue is full.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/pfkeyv2.h>

#include "diag.h"
#include "print.h"
#include "pfkey_io.h"

#define PFK_MAX_MSG	(65535 * 8)
#define PFK_RCVBUF	(4 * 1024 * 1024)

int pfk_open(struct pfk_sock *s, char *why, size_t size)
{
	int rcv = PFK_RCVBUF, err;

	memset(s, 0, sizeof(*s));
	s->fd = socket(PF_KEY, SOCK_RAW, PF_KEY_V2);
	if (s->fd < 0) {
		err = errno;
		if (err == EAFNOSUPPORT || err == EPROTONOSUPPORT || err == ESOCKTNOSUPPORT)
			snprintf(why, size, "%s: this kernel has no PF_KEY sockets; "
				 "load nfipsec (insmod nfipsec.ko) or af_key "
				 "(modprobe af_key)", strerror(err));
		else if (err == EPERM || err == EACCES)
			snprintf(why, size, "%s: PF_KEY needs CAP_NET_ADMIN (run as root)",
				 strerror(err));
		else
			snprintf(why, size, "%s", strerror(err));
		return -err;
	}
	/* Best effort: the default queue still works, with smaller dumps. */
	setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	s->rcap = PFK_MAX_MSG;
	s->rbuf = malloc(s->rcap);
	if (!s->rbuf) {
		close(s->fd);
		snprintf(why, size, "out of memory");
		return -ENOMEM;
	}
	s->pid = (uint32_t)getpid();
	return 0;
}

void pfk_close(struct pfk_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->rbuf) {
		explicit_bzero(s->rbuf, s->rcap);	/* replies carry keys */
		free(s->rbuf);
	}
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

static void trace(struct pfk_sock *s, const void *buf, size_t len)
{
	if (!s->trace)
		return;
	if (s->trace_hex)
		print_hexdump(s->trace, buf, len);
	print_debug(s->trace, buf, len);
	fputc('\n', s->trace);
	fflush(s->trace);
}

int pfk_send(struct pfk_sock *s, void *msg, size_t len)
{
	struct sadb_msg *h = msg;
	ssize_t n;

	h->sadb_msg_seq = ++s->seq;
	h->sadb_msg_pid = s->pid;
	trace(s, msg, len);
	do {
		n = send(s->fd, msg, len, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return 0;
}

ssize_t pfk_recv(struct pfk_sock *s, int timeout_ms)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	ssize_t n;
	int rc;

	do {
		rc = poll(&pfd, 1, timeout_ms);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	if (rc == 0)
		return 0;
	do {
		n = recv(s->fd, s->rbuf, s->rcap, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	trace(s, s->rbuf, (size_t)n);
	return n;
}
