"""Publication: releases of a year's tables, the formats they are published in, and deliveries of unpublished
data to recipients. See docs/publication.md.

    >>> release = make_release(session, home, 2025, "preliminary", actor="statistiker")
    >>> table = release_table(session, home, release.id, "skjema5_plasser")
    >>> table.frame.columns          # dimensions …, value, status, symbol
    ['region', 'statistikkvariabel', 'Tid', 'value', 'status', 'symbol']
    >>> to_jsonstat(table, "nb")["class"], to_px(table, "en")[:7]
    ('dataset', 'CHARSET')
"""

from kostra.publish.definitions import ReleaseRefused, table_definitions
from kostra.publish.formats import FORMATS, to_csv, to_jsonstat, to_px, to_statbank_files, to_xlsx
from kostra.publish.model import LANGUAGES, SYMBOLS, Dimension, PublishedTable, ReleaseKind, ValueStatus
from kostra.publish.releases import (
    ReleaseChanged,
    corrections,
    latest_release,
    make_release,
    public_releases,
    release_table,
    release_tables,
    releases,
)

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "SYMBOLS",
    "Dimension",
    "PublishedTable",
    "ReleaseChanged",
    "ReleaseKind",
    "ReleaseRefused",
    "ValueStatus",
    "corrections",
    "latest_release",
    "make_release",
    "public_releases",
    "release_table",
    "release_tables",
    "releases",
    "table_definitions",
    "to_csv",
    "to_jsonstat",
    "to_px",
    "to_statbank_files",
    "to_xlsx",
]
