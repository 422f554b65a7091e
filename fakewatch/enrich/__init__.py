"""Enrichment: what every message contains (language, normalised text, phones, links, persons, money, calls)."""
