"""Every declared dependency is used, and test-only packages are in the test extra (issue 10, point 8)."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# Distribution name → the module it is imported as, where the two differ.
MODULE = {"argon2-cffi": "argon2", "psycopg": "psycopg", "pydantic-settings": "pydantic_settings",
          "python-multipart": "multipart", "python-stdnum": "stdnum",
          "swagger-ui-bundle-v2": "swagger_ui_bundle", "pyyaml": "yaml", "pytest-xdist": "xdist"}
# Used without an import of our own: what needs each one, and a text in src that shows the need.
INDIRECT = {
    "psycopg": ("SQLAlchemy's driver for postgresql+psycopg:// URLs", "postgresql+psycopg"),
    "python-multipart": ("FastAPI parses Form(...) and UploadFile bodies with it", "UploadFile"),
    "itsdangerous": ("starlette's SessionMiddleware signs the session cookie with it", "SessionMiddleware"),
}
# Declared but not used yet, kept on purpose until the issue named decides.
UNDECIDED: dict[str, str] = {}  # none: duckdb was dropped (the dataset layer reads Parquet with Polars)
# Test extras used as tools or plugins rather than imported.
TOOLS = {"pytest-xdist": "-n 2", "ruff": '"ruff"', "httpx2": "TestClient"}


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>~! ;]", requirement, maxsplit=1)[0].lower()


def _imported(folders: list[Path]) -> set[str]:
    found: set[str] = set()
    for folder in folders:
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    found.add(node.module.split(".")[0])
    return found


def _text(folders: list[Path]) -> str:
    """The Python text of ``folders``, without this file (which names every tool)."""
    paths = (p for f in folders for p in f.rglob("*.py") if p.resolve() != Path(__file__).resolve())
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def test_every_runtime_dependency_is_imported_by_the_package_or_needed_by_one_it_uses() -> None:
    imported, source = _imported([ROOT / "src"]), _text([ROOT / "src"])
    unused = []
    for name in map(_name, PROJECT["dependencies"]):
        if name in UNDECIDED:
            continue
        if name in INDIRECT:
            assert INDIRECT[name][1] in source, f"{name}: {INDIRECT[name][0]}, but nothing in src needs it now"
        elif MODULE.get(name, name.replace("-", "_")) not in imported:
            unused.append(name)
    assert unused == [], f"declared in [project.dependencies] but not used by src/: {unused}"


def test_every_test_extra_is_used_by_tests_tools_or_benchmarks() -> None:
    folders = [ROOT / "tests", ROOT / "tools", ROOT / "benchmarks"]
    imported = _imported(folders)
    used_as_tool = _text(folders) + (ROOT / "README.md").read_text(encoding="utf-8")
    unused = [name for name in map(_name, PROJECT["optional-dependencies"]["test"])
              if MODULE.get(name, name.replace("-", "_")) not in imported
              and not (name in TOOLS and TOOLS[name] in used_as_tool)]
    assert unused == [], f"declared in the test extra but never used: {unused}"


def test_packages_only_tests_import_are_not_runtime_dependencies() -> None:
    runtime = {MODULE.get(n, n.replace("-", "_")) for n in map(_name, PROJECT["dependencies"])}
    only_tests = (_imported([ROOT / "tests", ROOT / "benchmarks"]) - _imported([ROOT / "src"])) & runtime
    indirect = {MODULE.get(n, n) for n in INDIRECT} | set(UNDECIDED)
    assert only_tests - indirect == set(), "move these to the test extra"
