"""Limits on the free texts beside the answers: comments on warnings and reasons for "nothing to report".

The portal and the API check them with these functions before anything is stored; each problem
names the text (the comment's key, e.g. ``rom_i_alt:above_plausible``) and what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping

from kostra.catalog.characters import refused_character
from kostra.catalog.severity import Severity
from kostra.catalog.validation import Problem, message

__all__ = ["COMMENTS_MAX", "COMMENT_KEY_MAX", "COMMENT_MAX", "NIL_REASON_MAX", "comment_problems",
           "nil_reason_problems"]

COMMENT_MAX = 2000  # as a text answer
COMMENTS_MAX = 200  # a form has at most a few dozen warnings to explain
COMMENT_KEY_MAX = 200  # a problem key: field name, row and problem code
NIL_REASON_MAX = 1000


def _problem(label: str, key: str, text: object, limit: int, lang: str) -> Problem | None:
    if not isinstance(text, str):
        return Problem(label, key, "not_text", Severity.ERROR,
                       message("not_text", lang, label=label, value=repr(text)[:40]))
    if len(text) > limit:
        return Problem(label, key, "too_long", Severity.ERROR,
                       message("too_long", lang, label=label, value=text[:20] + "…", limit=limit))
    refused = refused_character(text)
    if refused is not None:
        return Problem(label, key, "refused_character", Severity.ERROR,
                       message("refused_character", lang, label=label, value=refused))
    return None


def comment_problems(comments: Mapping[str, object], lang: str = "nb") -> list[Problem]:
    """Problems with comments on warnings: how many there are, and the length and characters of each key and text.

    >>> comment_problems({"rom_i_alt:above_plausible": "Nybygg i 2025"})
    []
    """
    what = "kommentarer" if lang == "nb" else "comments"
    if len(comments) > COMMENTS_MAX:
        return [Problem(what, "", "too_many_texts", Severity.ERROR,
                        message("too_many_texts", lang, label=what, value=len(comments), limit=COMMENTS_MAX))]
    problems = []
    for key, text in comments.items():
        name = str(key)[:COMMENT_KEY_MAX]
        label = f"{what}[{name!r}]"
        found = _problem(label, name, key, COMMENT_KEY_MAX, lang) or _problem(label, name, text, COMMENT_MAX, lang)
        if found is not None:
            problems.append(found)
    return problems


def nil_reason_problems(reason: object, lang: str = "nb") -> list[Problem]:
    """Problems with the reason given for "nothing to report": its length and characters."""
    found = _problem("begrunnelse" if lang == "nb" else "reason", "reason", reason, NIL_REASON_MAX, lang)
    return [] if found is None else [found]
