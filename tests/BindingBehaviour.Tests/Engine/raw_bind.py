#!/usr/bin/env python3
"""Runs a bind scenario with raw syscalls (Python's socket module adds no option) and prints the first refusal.

Usage: raw_bind.py STEP [STEP ...], each STEP one of
  NAME=tcp4|udp4|tcp6|udp6   open a socket
  NAME.bind=ADDR:PORT        bind; PORT 'same' takes the port of the first bound socket
  NAME.listen                listen
Prints 'ok' or 'STEP:ERRNO' (for example 'bind:98') for the first step the OS refuses.
"""
import socket
import sys

sockets, first_port = {}, None
try:
    for step in sys.argv[1:]:
        if "=" in step and "." not in step.split("=")[0]:
            name, kind = step.split("=")
            family = socket.AF_INET6 if kind.endswith("6") else socket.AF_INET
            sockets[name] = socket.socket(family, socket.SOCK_STREAM if kind.startswith("tcp") else socket.SOCK_DGRAM)
            continue
        target, action = step.split(".", 1)
        s = sockets[target]
        try:
            if action.startswith("bind="):
                address, port = action[5:].rsplit(":", 1)
                s.bind((address.strip("[]"), first_port if port == "same" else int(port)))
                first_port = first_port or s.getsockname()[1]
            elif action == "listen":
                s.listen(16)
        except OSError as error:
            print(f"{action.split('=')[0]}:{error.errno}")
            sys.exit(0)
    print("ok")
finally:
    for s in sockets.values():
        s.close()
