"""The one vocabulary for the state of a value (ARCHITECTURE.md principle 5: missing is not zero)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["EditState", "ValueStatus"]


class ValueStatus(StrEnum):
    """The status of one value of one field, for one unit, form and year.

    The table symbols of SSB's publications follow from it: ``missing`` → ``..``, ``not_applicable`` → ``.``,
    ``nil`` → ``-`` (specs/ssb-stack.md); a reported zero is a value, never one of these.
    """

    REPORTED = "reported"  # the unit's submitted value stands
    EDITED = "edited"  # a statistician's edit replaces the reported value (edit columns say who and why)
    NIL = "nil"  # the unit declared "nothing to report" for the form
    NOT_APPLICABLE = "not_applicable"  # the field does not apply (its ``applies_when`` is false)
    MISSING = "missing"  # expected, not received: no submission, or a field left empty that applies
    PREFILLED_UNCONFIRMED = "prefilled_unconfirmed"  # only last year's pre-fill in a draft, never confirmed
    ESTIMATED = "estimated"  # imputed for a non-respondent (estimation, a later issue)


class EditState(StrEnum):
    """How a statistician's newest edit of a cell relates to the version the value comes from."""

    APPLIED = "applied"  # made against this version
    CARRIED_FORWARD = "carried_forward"  # made against an older version whose reported value is unchanged
    STALE = "stale"  # made against an older version; the unit reported a new value, which stands
