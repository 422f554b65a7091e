"""All tables, one module per stage that writes them (each stage owns its own tables)."""

from . import core  # noqa: F401  (registers tables on metadata)
from . import campaigns  # noqa: F401
from . import web  # noqa: F401
from .base import metadata

__all__ = ["metadata"]
