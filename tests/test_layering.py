"""The packages of ``kostra`` form layers: a package imports only packages below it, never above.

The order is the pipeline's (``docs/architecture.md``): storage and reference data at the bottom, then
definitions, the dataset, controls, follow-up, key figures and publication, with the demo, the web app and
the command line on top. Imports inside functions count too: a lazy import upwards is still upwards.
A declared order with no upward import has no cycle between packages.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "kostra"

# Lowest first. The root modules (errors.py, settings.py, __init__.py) sit below everything.
LAYERS: tuple[str, ...] = (
    "<root>",
    "store",
    "reference",
    "intake",
    "catalog",
    "access",
    "dataset",
    "accounts",
    "controls",
    "reporting",
    "followup",
    "registers",
    "estimation",
    "keyfigures",
    "disclosure",
    "publish",
    "web",
    "demo",
    "cli",
)
RANK = {name: rank for rank, name in enumerate(LAYERS)}


def _package_of_file(path: Path) -> str:
    parts = path.relative_to(SRC).parts
    return "<root>" if len(parts) == 1 else parts[0]


def _package_of_module(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "kostra":
        return None
    if len(parts) == 1:
        return "<root>"
    return parts[1] if (SRC / parts[1]).is_dir() else "<root>"


def _kostra_imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "kostra":
                found.extend((node.lineno, f"kostra.{alias.name}") for alias in node.names)
            else:
                found.append((node.lineno, node.module))
    return found


def _source_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def test_every_package_has_a_declared_layer() -> None:
    packages = {_package_of_file(p) for p in _source_files()}
    undeclared = sorted(packages - set(RANK))
    assert not undeclared, f"declare these packages in LAYERS (tests/test_layering.py): {undeclared}"


def test_no_package_imports_a_package_above_it() -> None:
    offenders = []
    for path in _source_files():
        own = _package_of_file(path)
        for line, module in _kostra_imports(path):
            target = _package_of_module(module)
            if target is None or target == own or target not in RANK or own not in RANK:
                continue
            if RANK[target] > RANK[own]:
                offenders.append(f"{path.relative_to(SRC.parent)}:{line} ({own}) imports {module} ({target})")
    assert not offenders, "imports upwards:\n" + "\n".join(offenders)


def test_only_the_command_line_imports_the_demo() -> None:
    assert RANK["demo"] == len(LAYERS) - 2 and LAYERS[-1] == "cli"


def test_the_layer_check_sees_an_upward_import(tmp_path: Path) -> None:
    # The checker itself must be able to fail: an import of kostra.web from kostra.store is found.
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from kostra.web.app import create_app\n", encoding="utf-8")
    assert _kostra_imports(probe) == [(2, "kostra.web.app")]
    assert RANK[_package_of_module("kostra.web.app") or ""] > RANK["store"]
