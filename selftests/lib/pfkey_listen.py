#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A small PF_KEY key-manager stand-in for the selftests.

    pfkey_listen.py [--register SATYPE]... [--on-acquire CMD] [--count N]
                    [--timeout S]

Opens a PF_KEY socket, sends SADB_REGISTER for each SATYPE (esp, ah,
ipcomp; default esp), prints the REGISTER reply's algorithm count, then one
line per message received:

    ACQUIRE seq=N satype=esp src=A dst=B policy_id=I dir=D combs=C len=BYTES
    EXPIRE soft|hard satype=esp spi=0x.. bytes=N
    X_NAT_T_NEW_MAPPING satype=esp spi=0x.. src=A sport=P dst=B dport=Q
    MSG type=T seq=N

With --on-acquire, CMD runs through /bin/sh after each ACQUIRE, with
ACQ_SEQ, ACQ_SRC, ACQ_DST in its environment (the test's "IKE daemon").
Exits after N messages (--count) or S seconds without one (--timeout).
"""
import argparse
import ipaddress
import os
import select
import socket
import struct
import subprocess
import sys

PF_KEY = 15
PF_KEY_V2 = 2
SADB_REGISTER, SADB_ACQUIRE, SADB_EXPIRE = 7, 6, 8
SADB_X_NAT_T_NEW_MAPPING = 23
EXT_NAT_T_SPORT, EXT_NAT_T_DPORT = 21, 22
SATYPES = {"ah": 2, "esp": 3, "ipcomp": 9}
SATYPE_NAMES = {v: k for k, v in SATYPES.items()}
EXT_SA, EXT_LT_CUR, EXT_LT_HARD, EXT_LT_SOFT = 1, 2, 3, 4
EXT_SRC, EXT_DST, EXT_PROPOSAL, EXT_X_POLICY = 5, 6, 13, 18


def exts(buf):
    off, out = 16, {}
    while off + 4 <= len(buf):
        elen, etype = struct.unpack_from("=HH", buf, off)
        if elen == 0:
            break
        out[etype] = buf[off:off + elen * 8]
        off += elen * 8
    return out


def addr(ext):
    fam = struct.unpack_from("=H", ext, 8)[0]
    if fam == socket.AF_INET:
        return str(ipaddress.IPv4Address(ext[12:16]))
    return str(ipaddress.IPv6Address(ext[16:32]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--register", action="append", default=[])
    ap.add_argument("--on-acquire")
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=30)
    a = ap.parse_args()
    s = socket.socket(PF_KEY, socket.SOCK_RAW, PF_KEY_V2)
    for seq, name in enumerate(a.register or ["esp"], 1):
        s.send(struct.pack("=BBBBHHII", PF_KEY_V2, SADB_REGISTER, 0,
                           SATYPES[name], 2, 0, seq, os.getpid()))
        while True:
            m = s.recv(65536)
            if m[1] == SADB_REGISTER and struct.unpack_from("=I", m, 12)[0] == os.getpid():
                print("REGISTERED", name, "errno=%d" % m[2], flush=True)
                break
    n = 0
    while not a.count or n < a.count:
        r, _, _ = select.select([s], [], [], a.timeout)
        if not r:
            print("TIMEOUT", flush=True)
            sys.exit(1)
        m = s.recv(65536)
        _, mtype, errno, satype, _, _, seq, pid = struct.unpack_from("=BBBBHHII", m)
        e = exts(m)
        sat = SATYPE_NAMES.get(satype, str(satype))
        if mtype == SADB_ACQUIRE and errno == 0 and pid == 0:
            pol = e.get(EXT_X_POLICY)
            pid_, pdir = (struct.unpack_from("=I", pol, 8)[0], pol[6]) if pol else (0, 0)
            prop = e.get(EXT_PROPOSAL, b"")
            combs = (len(prop) - 8) // 72 if prop else 0
            src, dst = addr(e[EXT_SRC]), addr(e[EXT_DST])
            print("ACQUIRE seq=%d satype=%s src=%s dst=%s policy_id=%d dir=%d combs=%d len=%d"
                  % (seq, sat, src, dst, pid_, pdir, combs, len(m)), flush=True)
            if a.on_acquire:
                env = dict(os.environ, ACQ_SEQ=str(seq), ACQ_SRC=src, ACQ_DST=dst)
                subprocess.run(a.on_acquire, shell=True, env=env, check=False)
        elif mtype == SADB_EXPIRE:
            kind = "hard" if EXT_LT_HARD in e else "soft"
            spi = struct.unpack_from("!I", e[EXT_SA], 4)[0] if EXT_SA in e else 0
            cur = e.get(EXT_LT_CUR)
            nbytes = struct.unpack_from("=Q", cur, 8)[0] if cur else 0
            print("EXPIRE %s satype=%s spi=0x%x bytes=%d" % (kind, sat, spi, nbytes),
                  flush=True)
        elif mtype == SADB_X_NAT_T_NEW_MAPPING:
            spi = struct.unpack_from("!I", e[EXT_SA], 4)[0] if EXT_SA in e else 0
            port = lambda t: struct.unpack_from("!H", e[t], 4)[0] if t in e else -1
            print("X_NAT_T_NEW_MAPPING satype=%s spi=0x%x src=%s sport=%d dst=%s dport=%d"
                  % (sat, spi, addr(e[EXT_SRC]) if EXT_SRC in e else "-",
                     port(EXT_NAT_T_SPORT), addr(e[EXT_DST]) if EXT_DST in e else "-",
                     port(EXT_NAT_T_DPORT)), flush=True)
        else:
            print("MSG type=%d seq=%d errno=%d" % (mtype, seq, errno), flush=True)
        n += 1


if __name__ == "__main__":
    main()
