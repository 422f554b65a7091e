"""Docs that cannot rot: every command and every findings.json field is described in the README."""

from __future__ import annotations

import re

import click
import typer

from conftest import ROOT
from fakewatch.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")

# The findings.json contract of DESIGN.md: these keys may never be renamed or dropped.
CAMPAIGN_FIELDS = ["id", "title", "score", "first_seen", "last_seen", "messages", "accounts", "coordinated_accounts",
                   "seeders", "chats", "targets", "domains", "impersonates", "techniques", "evidence"]


def command_names(group: click.Group, prefix: str = "fakewatch") -> list[str]:
    names = []
    for name, command in group.commands.items():
        full = f"{prefix} {name}"
        names.append(full)
        if isinstance(command, click.Group):
            names += command_names(command, full)
    return names


def test_every_command_is_in_the_readme():
    missing = [name for name in command_names(typer.main.get_command(app)) if name not in README]
    assert not missing, f"README does not describe: {missing}"


def test_every_findings_field_is_in_the_readme():
    missing = [field for field in CAMPAIGN_FIELDS if not re.search(rf"`{field}`", README)]
    assert not missing, f"README does not describe findings.json fields: {missing}"
