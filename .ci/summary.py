#!/usr/bin/env python3
"""Prints 'N passed, N failed, N skipped' summed over the TRX files below a folder.

usage: summary.py DIR            the plain line, always exit 0 (.ci/run's last line: the sum over every run)
       summary.py DIR LABEL      'LABEL: N passed, N failed, N skipped', exit 1 unless the run holds: at least one TRX,
                                 at least one test passed and none failed (a run that never wrote its TRX is a failure)
"""
import pathlib
import sys
import xml.etree.ElementTree as ET

folder = pathlib.Path(sys.argv[1])
label = sys.argv[2] if len(sys.argv) > 2 else None

passed = failed = skipped = reports = 0
for trx in folder.rglob("*.trx") if folder.exists() else []:
    counters = ET.parse(trx).getroot().find(".//{*}Counters")
    if counters is None:
        continue
    reports += 1
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    # vstest counts a skipped test in total but not in executed, and not always in notExecuted.
    skipped += max(int(counters.get("notExecuted", 0)), int(counters.get("total", 0)) - int(counters.get("executed", 0)))

line = f"{passed} passed, {failed} failed, {skipped} skipped"
if label is None:
    print(line)
    sys.exit(0)

print(f"{label}: {line}" + ("" if reports else f" (no TRX in {folder}: the run did not finish)"))
sys.exit(0 if reports and passed > 0 and failed == 0 else 1)
