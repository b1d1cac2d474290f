"""kostra.disclosure imports only errors, reference and catalog of our packages (and numpy, scipy, polars)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "kostra" / "disclosure"
ALLOWED_OURS = ("kostra.errors", "kostra.reference", "kostra.catalog", "kostra.disclosure")
ALLOWED_THIRD_PARTY = {"numpy", "scipy", "polars"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_disclosure_imports_only_what_it_may() -> None:
    offenders = []
    for path in sorted(PACKAGE.glob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if name.startswith("kostra"):
                if not name.startswith(ALLOWED_OURS):
                    offenders.append(f"{path.name}: {name}")
            elif top not in ALLOWED_THIRD_PARTY and top not in sys.stdlib_module_names and top != "__future__":
                offenders.append(f"{path.name}: {name}")
    assert offenders == []
