"""Hand a case to threat-intel teams: STIX 2.1 bundles (OpenCTI) and MISP events.

`case` reads and checks a findings.json (or builds one from the store) and holds what both
formats share: the case's stable key, its reference time, TLP levels, phone redaction and
text made safe for platforms that render Markdown. `stix` and `misp` each turn one case
into their format; both are deterministic, so the same case exported twice is the same file.
"""
