"""What an error answer says: request problems named field by field, and never a server path.

Used by the app's error handlers (``kostra.web.app``): one sentence per problem, in the page's
language, quoting the offending value (shortened: a 5 000-digit year is not echoed back).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import kostra
from kostra.errors import AccessDenied
from kostra.web.i18n import MESSAGES, Lang, translate

__all__ = ["access_message", "public_message", "request_problems", "shown"]

_SHOWN_MAX = 40
# Pydantic error types with a text of our own; the others keep pydantic's message.
_TEXT_OF_TYPE = {
    "int_parsing": "error.param.integer",
    "int_parsing_size": "error.param.integer",
    "int_type": "error.param.integer",
    "kostra_year": "error.param.year",
    "kostra_integer": "error.param.integer",
    "kostra_range": "error.param.range",
    "missing": "error.param.missing",
    "kostra_text": "error.param.message",
}


def shown(value: object) -> str:
    """``value`` quoted for a message, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 1] + "…'"


def request_problems(errors: Sequence[Mapping[str, Any]], lang: Lang) -> list[dict[str, object]]:
    """FastAPI's validation errors as ``{"field", "message"}``, each message naming its field."""
    problems: list[dict[str, object]] = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        name = ".".join(location[1:]) or (location[0] if location else "request")
        key = _TEXT_OF_TYPE.get(str(error.get("type", "")), "error.param.other")
        context = error.get("ctx") or {}
        text = translate(key, lang).format(name=name, value=shown(error.get("input")),
                                           limit=context.get("limit", ""), message=error.get("msg", ""))
        problems.append({"field": name, "message": public_message(text)})
    return problems


def access_message(error: AccessDenied, lang: Lang) -> str:
    """Why access was refused, in the page's language (the error's own English text for a reason without one)."""
    key = f"error.access.{error.reason}"
    if not error.reason or key not in MESSAGES:
        return str(error)
    roles = [_role(r, lang) for r in error.details.get("roles", "").split(",") if r]
    either = f" {translate('error.or', lang)} ".join([", ".join(roles[:-1]), roles[-1]] if len(roles) > 1 else roles)
    return translate(key, lang).format(roles=either, role=_role(error.details.get("role", ""), lang))


def _role(role: str, lang: Lang) -> str:
    key = f"admin.role.{role}"
    return translate(key, lang).lower() if key in MESSAGES else role


def _server_roots() -> list[str]:
    """Folders whose absolute names must not reach a user: the installation, the data, the temp folder."""
    package = Path(kostra.__file__).resolve().parent
    roots: Iterable[Path] = (package.parent, Path.cwd(), Path(sys.prefix), Path(tempfile.gettempdir()),
                             Path.home())
    found = {str(root.resolve()) for root in roots if str(root) not in ("/", "")}
    return sorted(found, key=len, reverse=True)  # the longest first: /a/b/c before /a/b


_ROOTS = _server_roots()


def public_message(text: str) -> str:
    """``text`` without absolute server paths (``/srv/kostra/src/kostra/x.yaml`` → ``kostra/x.yaml``)."""
    for root in _ROOTS:
        text = text.replace(root + os.sep, "")
    # Anything still absolute under a system folder is cut to its file name.
    return re.sub(r"(?<![\w/.])/(?:usr|home|root|srv|opt|var|tmp|work|etc)(?:/[^\s'\"),:;]+)+",
                  lambda m: Path(m.group(0)).name, text)
