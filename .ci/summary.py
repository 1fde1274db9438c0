#!/usr/bin/env python3
"""Prints 'N passed, N failed, N skipped' summed over the TRX files below a folder.

Counts each UnitTestResult by its outcome: a skipped test is 'NotExecuted' there, while the Counters element leaves
skips out of every field but 'total'.
"""
import pathlib
import sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
for trx in pathlib.Path(sys.argv[1]).rglob("*.trx"):
    for result in ET.parse(trx).getroot().iter("{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}UnitTestResult"):
        outcome = result.get("outcome")
        if outcome == "Passed":
            passed += 1
        elif outcome == "NotExecuted":
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
