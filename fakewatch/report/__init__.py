"""Outputs: findings.json (the machine record), report.html, CSV tables and a GEXF network, all views of the store."""
