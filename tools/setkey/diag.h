/* SPDX-License-Identifier: GPL-2.0 */
/*
 * diag.h - naming kernel errors: errno values and nfipsec's diagnostics.
 */
#ifndef SETKEY_DIAG_H
#define SETKEY_DIAG_H

#include <stddef.h>
#include <stdint.h>

/* "SA_EXISTS" for SADB_X_DIAGNOSTIC_SA_EXISTS, NULL if unknown. */
const char *diag_name(unsigned int code);
/* "SA already exists", NULL if unknown. */
const char *diag_text(unsigned int code);
/* "ENOENT", or NULL. */
const char *errno_name(int err);

/*
 * The whole explanation of an error reply:
 *   "No such file or directory (ENOENT)"
 *   "File exists (EEXIST); diagnostic 112 SA_EXISTS: SA already exists"
 * @diag is sadb_msg_reserved of the reply (0 from af_key); @type the
 * message type, so that ENOENT from a delete reads "No entry".
 */
void describe_error(uint8_t type, int err, uint16_t diag, char *buf, size_t size);

#endif
