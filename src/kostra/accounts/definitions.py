"""The accounts definitions of a reporting year: ``definitions/<year>/accounts/``, validated on load.

``accounts.yaml`` (``kind: accounts``, ``version: 1``) names the tables and says where they come from and
what is approximate; the tables are CSV in kostraregnskap's format (``to,from,sign``; the stjernetabell;
``formel``). Loading checks every row against a frozen pydantic model (file and line in the message), that
no hierarchy has a cycle and that every formula code is a code of the hierarchies; the result is the
engine's ``Definitions`` plus the office's selection (the arts shown per function group).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kostra.accounts.codes import Warnings
from kostra.accounts.engine import Definitions
from kostra.accounts.formulas import resolve_formulas
from kostra.accounts.hierarchy import Hierarchy
from kostra.accounts.tables import Table, formula_texts, hierarchy, read_csv
from kostra.errors import AccountsInputError, UnknownYear

__all__ = ["AccountsManifest", "YearDefinitions", "available_years", "load_year"]

ROOT = Path(__file__).resolve().parents[1] / "definitions"
_CODE = r"^[^\s,;]([^,;]*[^\s,;])?$"  # trimmed; SSB has one code with an inner blank


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class FilesModel(_Frozen):
    funksjonshierarki: str
    artshierarki: str
    artshierarki_nettinger: str | None = None
    artshierarki_nettinger_kasse: str | None = None
    stjernetabell: str | None = None
    formler: str | None = None


class OfficeModel(_Frozen):
    arter: dict[str, str]  # art group -> label (brutto / netto driftsutgifter)
    kontoklasse: Literal["D", "I"] = "D"


class AccountsManifest(_Frozen):
    kind: Literal["accounts"]
    version: Literal[1]
    year: int
    source: str
    approximations: list[str] = []
    files: FilesModel
    office: OfficeModel


class HierarchyRowModel(_Frozen):
    to: str = Field(pattern=_CODE)
    from_: str = Field(alias="from", pattern=_CODE)
    sign: Literal["+", "-"]


class StarRowModel(_Frozen):
    region: str
    kontoklasse: str
    funksjon: str
    art: str
    sign: Literal["+", "-"]


@dataclass(frozen=True)
class YearDefinitions:
    year: int
    manifest: AccountsManifest
    definitions: Definitions
    stjernetabell: Table | None
    folder: Path

    def function_groups(self) -> list[str]:
        """The function hierarchy's aggregates, in file order (the office's rows)."""
        return self.definitions.funksjonshierarki.to_codes()


def available_years(root: Path = ROOT) -> tuple[int, ...]:
    return tuple(sorted(int(p.name) for p in root.iterdir() if p.name.isdigit() and (p / "accounts").is_dir()))


@cache
def load_year(year: int, root: Path = ROOT) -> YearDefinitions:
    """Load and check ``<root>/<year>/accounts``. Raises UnknownYear or AccountsInputError (file, line)."""
    folder = root / str(year) / "accounts"
    if not (folder / "accounts.yaml").is_file():
        raise UnknownYear(year, available_years(root), what="accounts definitions")
    manifest = _manifest(folder / "accounts.yaml", year)
    files = manifest.files
    tables = {name: _table(folder, getattr(files, name), model) for name, model in (
        ("funksjonshierarki", HierarchyRowModel), ("artshierarki", HierarchyRowModel),
        ("artshierarki_nettinger", HierarchyRowModel), ("artshierarki_nettinger_kasse", HierarchyRowModel),
        ("stjernetabell", StarRowModel), ("formler", None))}
    warnings = Warnings()  # definition files hold fixed codes; padding here would be a file error
    arts = _hierarchy(tables["artshierarki"], warnings)
    functions = _hierarchy(tables["funksjonshierarki"], warnings)
    assert arts is not None and functions is not None
    nettings = [_hierarchy(tables[n], warnings) for n in ("artshierarki_nettinger", "artshierarki_nettinger_kasse")]
    nettings = [n.with_copies(arts).deduplicated() if n is not None else None for n in nettings]
    if warnings:
        raise AccountsInputError(f"codes must be written as used (three digits, no blanks): {warnings[0]}",
                                 file=str(folder))
    for h in (arts, functions, *nettings):
        if h is not None:
            h.check_acyclic()
    formulas: tuple = ()  # type: ignore[type-arg]
    if tables["formler"] is not None:
        formulas = tuple(resolve_formulas(formula_texts(tables["formler"]), tables["formler"].name))
        codes = set(functions.codes()) | set(arts.codes()) | {c for n in nettings if n for c in n.codes()}
        for formula in formulas:
            for cell in (formula.left, *formula.terms):
                for code in cell[1:]:
                    if code not in codes:
                        raise AccountsInputError(f"formula {formula.text!r}: {code!r} is in no hierarchy",
                                                 file=formula.file, line=formula.line)
    definitions = Definitions(functions.deduplicated(), arts.deduplicated(), nettings[0], nettings[1], formulas)
    for art in manifest.office.arter:
        if art not in set(arts.codes()):
            raise AccountsInputError(f"office art {art!r} is not in the art hierarchy", file=str(folder /
                                     "accounts.yaml"))
    return YearDefinitions(year, manifest, definitions, tables["stjernetabell"], folder)


def _manifest(path: Path, year: int) -> AccountsManifest:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        manifest = AccountsManifest.model_validate(raw)
    except (OSError, yaml.YAMLError) as error:
        raise AccountsInputError(f"cannot read: {error}", file=str(path)) from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise AccountsInputError(f"{where}: {first['msg']}", file=str(path)) from None
    if manifest.year != year:
        raise AccountsInputError(f"year {manifest.year} in a folder for {year}", file=str(path))
    return manifest


def _table(folder: Path, name: str | None, model: type[_Frozen] | None) -> Table | None:
    if name is None:
        return None
    table = read_csv(folder / name)
    table = Table(f"definitions/{folder.parent.name}/accounts/{name}", table.frame)
    if model is not None:
        for i, row in enumerate(table.frame.iter_rows(named=True)):
            try:
                model.model_validate(row)
            except ValidationError as error:
                first = error.errors()[0]
                field = ".".join(str(p) for p in first["loc"])
                raise AccountsInputError(f"{field} {row.get(field, '')!r}: {first['msg']}", file=table.name,
                                         line=i + 2) from None
    return table


def _hierarchy(table: Table | None, warnings: Warnings) -> Hierarchy | None:
    return None if table is None else hierarchy(table).fixed(warnings)
