/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfkey_io.h - a PF_KEY socket: open, send, receive.
 */
#ifndef SETKEY_PFKEY_IO_H
#define SETKEY_PFKEY_IO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct pfk_sock {
	int fd;
	uint32_t pid;		/* sadb_msg_pid of what we send: getpid() */
	uint32_t seq;		/* last sadb_msg_seq used */
	uint8_t *rbuf;		/* the last message received */
	size_t rcap;
	/* -v: print every message sent and received (-H adds hex). */
	FILE *trace;
	bool trace_hex;
};

/*
 * Open the socket.  Returns 0, or -errno with an explanation for the user
 * in @why (no PF_KEY in the kernel, not privileged...).
 */
int pfk_open(struct pfk_sock *s, char *why, size_t size);
void pfk_close(struct pfk_sock *s);

/*
 * Send @msg (its seq and pid are set here: seq is the next number).
 * Returns 0 or -errno from send(): a kernel refuses a message it cannot
 * even parse (af_key: unknown type, bad length) this way, without a reply.
 */
int pfk_send(struct pfk_sock *s, void *msg, size_t len);

/*
 * Wait up to @timeout_ms (-1: forever) for the next message, left in
 * s->rbuf.  Returns its length, 0 on timeout, -errno on error.
 */
ssize_t pfk_recv(struct pfk_sock *s, int timeout_ms);

#endif
