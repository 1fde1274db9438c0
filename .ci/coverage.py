#!/usr/bin/env python3
"""Prints line coverage per assembly from the Cobertura files coverlet wrote, the engine first."""
import pathlib
import sys
import xml.etree.ElementTree as ET

covered, valid = {}, {}
for report in pathlib.Path(sys.argv[1]).rglob("coverage.cobertura.xml"):
    for package in ET.parse(report).getroot().iter("package"):
        name = package.get("name")
        lines = {(c.get("filename"), l.get("number")): int(l.get("hits", 0)) > 0
                 for c in package.iter("class") for l in c.iter("line")}
        for key, hit in lines.items():
            covered.setdefault(name, {})[key] = covered.get(name, {}).get(key, False) or hit
for name in sorted(covered, key=lambda n: (n != "BindingBehaviour", n)):
    lines = covered[name]
    hit = sum(lines.values())
    print(f"line coverage {name}: {hit}/{len(lines)} = {100.0 * hit / max(len(lines), 1):.1f}%")
