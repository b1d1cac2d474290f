"""Serialisers of a published table: JSON-stat 2.0, PX, CSV, XLSX and Statistics Norway's statbank files."""

from kostra.publish.formats.jsonstat import to_jsonstat
from kostra.publish.formats.px import to_px
from kostra.publish.formats.statbank import to_statbank_files
from kostra.publish.formats.tabular import to_csv, to_xlsx

__all__ = ["FORMATS", "to_csv", "to_jsonstat", "to_px", "to_statbank_files", "to_xlsx"]

# format → (file suffix, media type)
FORMATS: dict[str, tuple[str, str]] = {
    "json-stat2": (".json", "application/json"),
    "px": (".px", "text/plain; charset=utf-8"),
    "csv": (".csv", "text/csv; charset=utf-8"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "statbank": (".zip", "application/zip"),
}
