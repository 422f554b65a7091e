"""All tables, one module per stage that writes them (each stage owns its own tables)."""

from . import core  # noqa: F401  (registers tables on metadata)
from . import detect  # noqa: F401  (clusters, coordinated accounts, floods, seeders, waves)
from . import campaigns  # noqa: F401
from . import web  # noqa: F401
from . import outlets  # noqa: F401  (look-alike outlets: registry, pages, lookalikes, trackers)
from . import enrich  # noqa: F401  (enrichment, phones, links, persons, money, watchlist)
from . import media  # noqa: F401  (media_files, media_hashes: perceptual hashes of stored media)
from . import runs  # noqa: F401  (investigations: each investigate run's outputs)
from .base import metadata

__all__ = ["metadata"]
