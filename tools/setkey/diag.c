// SPDX-License-Identifier: GPL-2.0
/*
 * diag.c - names and explanations of nfipsec's extended diagnostics
 * (uapi/nfipsec.h; values 1..67 are illumos pf_key(4P)'s) and of the
 * errno values PF_KEY kernels answer with.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/pfkeyv2.h>
#include "nfipsec.h"
#include "diag.h"

#define D(n, t) [SADB_X_DIAGNOSTIC_##n] = { #n, t }

static const struct {
	const char *name, *text;
} diags[SADB_X_DIAGNOSTIC_MAX + 1] = {
	D(NONE, "no diagnostic"),
	D(UNKNOWN_MSG, "unknown message type"),
	D(UNKNOWN_EXT, "unknown extension type"),
	D(BAD_EXTLEN, "bad extension length"),
	D(UNKNOWN_SATYPE, "unknown SA type"),
	D(SATYPE_NEEDED, "an SA type is needed"),
	D(NO_SADBS, "no SA database for this SA type"),
	D(NO_EXT, "a required extension is missing"),
	D(BAD_SRC_AF, "bad source address family"),
	D(BAD_DST_AF, "bad destination address family"),
	D(BAD_PROXY_AF, "bad inner source (proxy) address family"),
	D(AF_MISMATCH, "source and destination address families differ"),
	D(BAD_SRC, "bad source address"),
	D(BAD_DST, "bad destination address"),
	D(ALLOC_HSERR, "soft allocation limit above the hard one"),
	D(BYTES_HSERR, "soft byte limit above the hard one"),
	D(ADDTIME_HSERR, "soft add-time limit above the hard one"),
	D(USETIME_HSERR, "soft use-time limit above the hard one"),
	D(MISSING_SRC, "source address missing"),
	D(MISSING_DST, "destination address missing"),
	D(MISSING_SA, "SA extension missing"),
	D(MISSING_EKEY, "encryption key missing"),
	D(MISSING_AKEY, "authentication key missing"),
	D(MISSING_RANGE, "SPI range missing"),
	D(DUPLICATE_SRC, "duplicate source address"),
	D(DUPLICATE_DST, "duplicate destination address"),
	D(DUPLICATE_SA, "duplicate SA extension"),
	D(DUPLICATE_EKEY, "duplicate encryption key"),
	D(DUPLICATE_AKEY, "duplicate authentication key"),
	D(DUPLICATE_RANGE, "duplicate SPI range"),
	D(MALFORMED_SRC, "malformed source address"),
	D(MALFORMED_DST, "malformed destination address"),
	D(MALFORMED_SA, "malformed SA extension"),
	D(MALFORMED_EKEY, "malformed encryption key"),
	D(MALFORMED_AKEY, "malformed authentication key"),
	D(MALFORMED_RANGE, "malformed SPI range"),
	D(AKEY_PRESENT, "authentication key present where none belongs"),
	D(EKEY_PRESENT, "encryption key present where none belongs"),
	D(PROP_PRESENT, "proposal present where none belongs"),
	D(SUPP_PRESENT, "supported-algorithms extension present where none belongs"),
	D(BAD_AALG, "unknown or unavailable authentication algorithm"),
	D(BAD_EALG, "unknown or unavailable encryption algorithm"),
	D(BAD_SAFLAGS, "bad SA flags"),
	D(BAD_SASTATE, "bad SA state"),
	D(BAD_AKEYBITS, "bad authentication key length"),
	D(BAD_EKEYBITS, "bad encryption key length"),
	D(ENCR_NOTSUPP, "encryption not supported"),
	D(WEAK_EKEY, "weak encryption key"),
	D(WEAK_AKEY, "weak authentication key"),
	D(DUPLICATE_KMP, "duplicate key management protocol"),
	D(DUPLICATE_KMC, "duplicate key management cookie"),
	D(MISSING_NATT_LOC, "NAT-T local address missing"),
	D(MISSING_NATT_REM, "NAT-T remote address missing"),
	D(DUPLICATE_NATT_LOC, "duplicate NAT-T local address"),
	D(DUPLICATE_NATT_REM, "duplicate NAT-T remote address"),
	D(MALFORMED_NATT_LOC, "malformed NAT-T local address"),
	D(MALFORMED_NATT_REM, "malformed NAT-T remote address"),
	D(DUPLICATE_NATT_PORTS, "duplicate NAT-T ports"),
	D(MISSING_INNER_SRC, "inner source address missing"),
	D(MISSING_INNER_DST, "inner destination address missing"),
	D(DUPLICATE_INNER_SRC, "duplicate inner source address"),
	D(DUPLICATE_INNER_DST, "duplicate inner destination address"),
	D(MALFORMED_INNER_SRC, "malformed inner source address"),
	D(MALFORMED_INNER_DST, "malformed inner destination address"),
	D(PREFIX_INNER_SRC, "bad inner source prefix"),
	D(PREFIX_INNER_DST, "bad inner destination prefix"),
	D(BAD_INNER_DST_AF, "bad inner destination address family"),
	D(INNER_AF_MISMATCH, "inner address families differ"),
	D(BAD_VERSION, "not a PF_KEY_V2 message"),
	D(BAD_MSGLEN, "message length disagrees with the write"),
	D(BAD_RESERVED, "reserved field not zero"),
	D(DUPLICATE_EXT, "an extension type appears twice"),
	D(EXT_NOT_ALLOWED, "extension not allowed in this message"),
	D(BAD_SPI, "SPI 0 or 1 to 255 (reserved)"),
	D(BAD_PREFIXLEN, "prefix longer than the address"),
	D(BAD_LIFETIME, "soft lifetime above the hard one"),
	D(BAD_MODE, "bad mode"),
	D(BAD_CALG, "unknown or unavailable compression algorithm"),
	D(BAD_REPLAY, "replay window too large"),
	D(SA_NOTFOUND, "no such SA"),
	D(SA_EXISTS, "SA already exists"),
	D(BAD_POLICY, "malformed policy"),
	D(BAD_IPSECREQ, "malformed IPsec request in the policy"),
	D(POLICY_NOTFOUND, "no such policy"),
	D(POLICY_EXISTS, "policy already exists"),
	D(BAD_CTX, "malformed security context"),
	D(NOMEM, "out of memory"),
	D(BAD_NATT_TYPE, "NAT-T encapsulation type not ESP in UDP (1, 2), or on an SA that is not ESP"),
};

const char *diag_name(unsigned int code)
{
	return code <= SADB_X_DIAGNOSTIC_MAX ? diags[code].name : NULL;
}

const char *diag_text(unsigned int code)
{
	return code <= SADB_X_DIAGNOSTIC_MAX ? diags[code].text : NULL;
}

const char *errno_name(int err)
{
	switch (err) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case E2BIG: return "E2BIG";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case ENOSYS: return "ENOSYS";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case ENOBUFS: return "ENOBUFS";
	case EMSGSIZE: return "EMSGSIZE";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EALREADY: return "EALREADY";
	case EINPROGRESS: return "EINPROGRESS";
	default: return NULL;
	}
}

void describe_error(uint8_t type, int err, uint16_t diag, char *buf, size_t size)
{
	const char *en = errno_name(err), *text = strerror(err);
	size_t n;

	/* "No such file or directory" means nothing to someone deleting an SA. */
	/* af_key says ESRCH when get or delete finds no SA. */
	if (err == ENOENT || (err == ESRCH && (type == SADB_GET || type == SADB_DELETE)))
		text = "No entry";
	else if (err == EEXIST && (type == SADB_ADD || type == SADB_X_SPDADD))
		text = "Entry already exists";
	n = snprintf(buf, size, "%s", text);
	if (n < size)
		n += en ? snprintf(buf + n, size - n, " (%s)", en) :
			  snprintf(buf + n, size - n, " (errno %d)", err);
	if (diag && n < size) {
		const char *dn = diag_name(diag), *dt = diag_text(diag);

		if (dn)
			snprintf(buf + n, size - n, "; diagnostic %u %s: %s", diag, dn, dt);
		else
			snprintf(buf + n, size - n, "; diagnostic %u", diag);
	}
}
