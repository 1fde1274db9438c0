#!/usr/bin/env python3
"""Judges the descriptor ledger of one test run (<run dir>/descriptors.json, written by the test assembly's
Infrastructure/DescriptorLedger.cs) and prints one line for it, then one line per problem.

usage: descriptors.py RUN_DIR LABEL [--expect-proof]

Exit 0 when the run is clean: on Linux the check was made, no descriptor a test opened is still open at the end
(sockets, pipes, files: only the runtime's loaded assemblies and their symbols may stay), no socket of the test
process is network-facing (bound to a wildcard or non-loopback address) at the end, and, in a run with a collection after
each test (BINDINGBEHAVIOUR_LEDGER_COLLECT=1), no descriptor was closed by a finalizer. Exit 1 otherwise, and when the
file is missing or the ledger failed, so that a check that did not run can never pass.

With --expect-proof the run is the ledger's own test left leaking on purpose (DescriptorLedgerTests with
BINDINGBEHAVIOUR_LEDGER_PROOF=leak): exit 0 only if the ledger reports its referenced wildcard UDP socket as a leaked
socket, as network-facing, and as opened during that test; in a run with a collection after each test, also its dropped
TCP socket as left to a finalizer by that test.
"""
import collections
import json
import pathlib
import sys


def describe(entry):
    socket = entry.get("socket")
    where = ""
    if socket:
        where = f" {socket['table']} {socket['local']}"
        if socket.get("remote") and not socket["remote"].endswith(":0"):
            where += f" -> {socket['remote']}"
        if socket.get("state"):
            where += f" {socket['state']}"
    return f"fd {entry['fd']} {entry['target']}{where}"


def main():
    run_dir, label = pathlib.Path(sys.argv[1]), sys.argv[2]
    expect_proof = "--expect-proof" in sys.argv[3:]
    path = run_dir / "descriptors.json"
    if not path.exists():
        print(f"{label} descriptors: FAILED, {path} is missing: the ledger did not run (is LedgerTestFramework the test framework?)")
        return 1
    ledger = json.loads(path.read_text(encoding="utf-8"))
    if ledger.get("error"):
        print(f"{label} descriptors: FAILED, the ledger failed: {ledger['error'].splitlines()[0]}")
        return 1
    if not ledger.get("checked"):
        if sys.platform.startswith("linux"):
            print(f"{label} descriptors: FAILED, not checked on Linux: {ledger.get('reason')}")
            return 1
        print(f"{label} descriptors: not checked: {ledger.get('reason')}")
        return 0

    leftovers = ledger["openedDuringRunStillOpen"]
    leaks = ledger["leaks"]
    facing = ledger["socketsAtEndNetworkFacing"]
    runtime = collections.Counter(l["reason"].split(":")[0] for l in leftovers if l["owner"] == "runtime")
    gcs = ledger["garbageCollectionsDuringRun"]
    collect = (f"a collection after each of the tests, run one at a time: {len(ledger.get('closedByFinalizersAfterTests') or [])} left to a finalizer; "
               if ledger.get("collectAfterEachTest") else "")
    print(f"{label} descriptors: {collect}{len(leaks)} leaked ({ledger['leakedSockets']} sockets), "
          f"{len(facing)} network-facing sockets at the end, "
          f"{len(ledger['socketsAtEnd'])} sockets open at the end in all; "
          f"{len(leftovers) - len(leaks)} still open are the runtime's ({', '.join(f'{n} {r}' for r, n in runtime.items()) or 'none'}); "
          f"{len(ledger['baseline'])} were open before the first test; "
          f"garbage collections during the run: {gcs['gen0']}/{gcs['gen1']}/{gcs['gen2']} (gen0/1/2)")
    for leak in leaks:
        how = ("closed only by its finalizer at the end: never disposed" if leak["closedByFinalizer"]
               else "open even after a full collection and finalizers: still referenced, or a raw descriptor nothing closes")
        during = leak.get("appearedDuring") or []
        where = (f"; appeared while {' | '.join(during)} ran" if during
                 else "; appeared outside every test method (a constructor, a Dispose, a fixture)")
        print(f"  LEAK {describe(leak)} ({how}{where})")
    for socket in facing:
        print(f"  NETWORK-FACING at the end: {describe(socket)}")
    finalized = ledger.get("closedByFinalizersAfterTests") or []
    for entry in finalized:
        during = entry.get("appearedDuring") or []
        origin = f"appeared while {' | '.join(during)} ran" if during else "appeared outside every test method"
        print(f"  LEFT TO A FINALIZER fd {entry['fd']} {entry['target']}: closed by the collection after {entry['collectedAfter']}; {origin}")

    if expect_proof:
        culprit = "DescriptorLedgerTests.A_socket_opened_after_a_snapshot_is_seen_with_its_address_until_it_is_closed"
        wildcard = [l for l in leaks if l["kind"] == "socket" and l.get("socket") and l["socket"]["table"] == "udp"
                    and l["socket"]["local"].startswith("0.0.0.0:") and not l["closedByFinalizer"]]
        flagged = wildcard and any(s["target"] == wildcard[0]["target"] for s in facing)
        named = wildcard and culprit in (wildcard[0].get("appearedDuring") or [])
        print(f"{label}: the referenced wildcard socket was {'reported as leaked and network-facing' if flagged else 'NOT reported'}, "
              f"{'named with the test that opened it' if named else 'NOT named with the test that opened it'}")
        if ledger.get("collectAfterEachTest"):
            # One test at a time with a collection after each: the dropped socket must be caught right after its test.
            caught = [f for f in finalized if f["kind"] == "socket" and culprit in (f.get("appearedDuring") or [])
                      and f["collectedAfter"] == culprit]
            print(f"{label}: the dropped socket was {'caught by the collection after its test' if caught else 'NOT caught after its test'}")
            return 0 if flagged and named and caught else 1
        dropped = [l for l in leaks if l["kind"] == "socket" and l["closedByFinalizer"]]
        print(f"{label}: the dropped socket was {'reported as closed only by its finalizer' if dropped else 'not seen (a collection closed it before the end)'}")
        return 0 if flagged and named else 1

    return 1 if leaks or facing or finalized else 0


if __name__ == "__main__":
    sys.exit(main())
