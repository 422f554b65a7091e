"""Tables written by `investigate` itself: each run's output folder, so every surface finds the same outputs.

The web UI's Downloads page shows the newest run's files whether it was started
from an upload or from the command line on the same store, and a run's refused
inputs stay on record beside it.
"""

from sqlalchemy import JSON, Column, DateTime, Integer, Table, Text

from .base import metadata

investigations = Table(
    "investigations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("out_dir", Text, nullable=False),  # absolute path of the folder the outputs were written to
    Column("refused", JSON, nullable=False),  # ["path: position: problem", ...], as findings.json's `refused`
    Column("finished_at", DateTime, nullable=False),
)
