// SPDX-License-Identifier: GPL-2.0
/*
 * msgparse.c - walking the extensions of a message from the kernel.
 *
 * Printers index extensions by type and trust nothing else: each length
 * is checked against the message before anything reads it.
 */
#include <stdio.h>
#include <string.h>

#include "nfipsec.h"
#include "msgbuf.h"
#include "msgparse.h"

/*
 * The fixed part of each extension we read: a shorter one is refused here
 * so that no printer ever reads past it.
 */
static size_t ext_min_len(unsigned int type)
{
	switch (type) {
	case SADB_EXT_SA: return sizeof(struct sadb_sa);
	case SADB_EXT_LIFETIME_CURRENT: case SADB_EXT_LIFETIME_HARD:
	case SADB_EXT_LIFETIME_SOFT: return sizeof(struct sadb_lifetime);
	case SADB_EXT_ADDRESS_SRC: case SADB_EXT_ADDRESS_DST:
	case SADB_EXT_ADDRESS_PROXY: case SADB_X_EXT_NAT_T_OA:
		return sizeof(struct sadb_address);
	case SADB_EXT_KEY_AUTH: case SADB_EXT_KEY_ENCRYPT: return sizeof(struct sadb_key);
	case SADB_EXT_IDENTITY_SRC: case SADB_EXT_IDENTITY_DST:
		return sizeof(struct sadb_ident);
	case SADB_EXT_SENSITIVITY: return sizeof(struct sadb_sens);
	case SADB_EXT_PROPOSAL: return sizeof(struct sadb_prop);
	case SADB_EXT_SUPPORTED_AUTH: case SADB_EXT_SUPPORTED_ENCRYPT:
		return sizeof(struct sadb_supported);
	case SADB_EXT_SPIRANGE: return sizeof(struct sadb_spirange);
	case SADB_X_EXT_POLICY: return sizeof(struct sadb_x_policy);
	case SADB_X_EXT_SA2: return sizeof(struct sadb_x_sa2);
	case SADB_X_EXT_NAT_T_TYPE: return sizeof(struct sadb_x_nat_t_type);
	case SADB_X_EXT_NAT_T_SPORT: case SADB_X_EXT_NAT_T_DPORT:
		return sizeof(struct sadb_x_nat_t_port);
	case SADB_X_EXT_SEC_CTX: return sizeof(struct sadb_x_sec_ctx);
	case SADB_X_EXT_KMADDRESS: return sizeof(struct sadb_x_kmaddress);
	case SADB_X_EXT_FILTER: return sizeof(struct sadb_x_filter);
	case SADB_X_EXT_REPLAY: return sizeof(struct sadb_x_replay);
	case SADB_X_EXT_COUNTERS: return sizeof(struct sadb_x_counters);
	default: return sizeof(struct sadb_ext);
	}
}

int pfk_split(const void *buf, size_t len, struct pfk_msg *m, char *err,
	      size_t errlen)
{
	const uint8_t *p = buf;
	size_t off, mlen;

	memset(m, 0, sizeof(*m));
	if (len < sizeof(struct sadb_msg)) {
		snprintf(err, errlen, "message of %zu bytes is shorter than its header",
			 len);
		return -1;
	}
	m->hdr = buf;
	mlen = (size_t)m->hdr->sadb_msg_len * 8;
	if (mlen < sizeof(struct sadb_msg) || mlen > len) {
		snprintf(err, errlen, "sadb_msg_len %u does not match the %zu bytes "
			 "received", m->hdr->sadb_msg_len, len);
		return -1;
	}
	m->len = mlen;
	for (off = sizeof(struct sadb_msg); off < mlen; ) {
		const struct sadb_ext *e = (const void *)(p + off);
		size_t elen;

		if (mlen - off < sizeof(*e)) {
			snprintf(err, errlen, "truncated extension header at offset %zu", off);
			return -1;
		}
		elen = (size_t)e->sadb_ext_len * 8;
		if (!elen || elen > mlen - off || elen < ext_min_len(e->sadb_ext_type)) {
			snprintf(err, errlen, "extension %u at offset %zu has a bad length "
				 "(%u)", e->sadb_ext_type, off, e->sadb_ext_len);
			return -1;
		}
		if (e->sadb_ext_type < PFK_EXT_SLOTS && !m->ext[e->sadb_ext_type]) {
			m->ext[e->sadb_ext_type] = e;
			m->extlen[e->sadb_ext_type] = elen;
		}
		off += elen;
	}
	return 0;
}

const struct sadb_x_replay *pfk_replay(const struct pfk_msg *m)
{
	const struct sadb_x_replay *rp = m->ext[SADB_X_EXT_REPLAY];

	return rp && m->extlen[SADB_X_EXT_REPLAY] >= sizeof(*rp) ? rp : NULL;
}

const struct sockaddr *pfk_addr(const struct pfk_msg *m, unsigned int type)
{
	const struct sadb_address *a = m->ext[type];
	const struct sockaddr *sa;
	size_t need;

	if (!a || m->extlen[type] < sizeof(*a) + sizeof(sa->sa_family))
		return NULL;
	sa = (const void *)(a + 1);
	need = sockaddr_len(sa->sa_family);
	if (!need || sizeof(*a) + need > m->extlen[type])
		return NULL;
	return sa;
}
