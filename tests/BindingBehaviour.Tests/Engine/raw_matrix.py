#!/usr/bin/env python3
"""Runs every cell of a native matrix TSV with raw syscalls (Python's socket module adds no option) and prints each
cell whose answer differs from the TSV's, then a last line 'cells=N differ=M retried=R'.

A cell: socket A opens, sets its options (IPV6_V6ONLY explicitly 0 or 1 on IPv6), binds port 0, listens if
'listening'; socket B opens, sets its options, binds A's port, listens if 'listening'. A cell the TSV says succeeds
but that is refused as in use is retried with a fresh port (another process may hold that port in B's protocol),
at most 5 times; a cell expected to fail is never retried.
"""
import errno
import socket
import sys

NAMES = {
    errno.EADDRINUSE: "AddressAlreadyInUse",
    errno.EADDRNOTAVAIL: "AddressNotAvailable",
    errno.EACCES: "AccessDenied",
    errno.EPERM: "AccessDenied",
    errno.EINVAL: "InvalidArgument",
    errno.EAFNOSUPPORT: "AddressFamilyNotSupported",
    errno.EOPNOTSUPP: "OperationNotSupported",
}
OPTIONS = {"REUSEADDR": (socket.SOL_SOCKET, socket.SO_REUSEADDR), "REUSEPORT": (socket.SOL_SOCKET, socket.SO_REUSEPORT)}


def open_socket(proto, address, opts):
    family = socket.AF_INET6 if address.startswith("[") else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
    names = [] if opts == "-" else opts.split("+")
    for name in names:
        if name in OPTIONS:
            s.setsockopt(*OPTIONS[name], 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if "V6ONLY" in names else 0)
    return s


def attempt(s, address, port, listening):
    step = "bind"
    try:
        s.bind((address.strip("[]"), port))
        if listening:
            step = "listen"
            s.listen(16)
        return "ok"
    except OSError as error:
        return f"{step}:{NAMES.get(error.errno, error.errno)}"


def run(cell):
    _, pa, aa, oa, sa, pb, ab, ob, sb = cell
    first = open_socket(pa, aa, oa)
    try:
        outcome = attempt(first, aa, 0, sa == "listening")
        if outcome != "ok":
            return "first:" + outcome
        second = open_socket(pb, ab, ob)
        try:
            return attempt(second, ab, first.getsockname()[1], sb == "listening")
        finally:
            second.close()
    finally:
        first.close()


cells = differ = retried = 0
with open(sys.argv[1], encoding="utf-8") as tsv:
    next(tsv)
    for line in tsv:
        fields = line.rstrip("\n").split("\t")
        expected = fields[9]
        cells += 1
        observed = run(fields[:9])
        for _ in range(4):
            if expected != "ok" or observed != "bind:AddressAlreadyInUse" and observed != "listen:AddressAlreadyInUse":
                break
            retried += 1
            observed = run(fields[:9])
        if observed != expected:
            differ += 1
            print("\t".join(fields[:9] + [f"native={expected}", f"raw={observed}"]))
print(f"cells={cells} differ={differ} retried={retried}")
