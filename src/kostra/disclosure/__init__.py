"""Disclosure control (prikking): primary and secondary suppression as Statistics Norway's GaussSuppression.

    result = suppress(data, SuppressionSpec(fun=Fun.SUPPRESS_SMALL_COUNTS, hierarchies={...}, max_n=3))
    report = audit(result)          # an LP proof that no suppressed cell can be derived exactly

See docs/disclosure-control.md for the algorithm as implemented and its deviations from R.
"""

from kostra.disclosure.inputs import TableInputError
from kostra.disclosure.suppress import Fun, PrimaryRule, SuppressionResult, SuppressionSpec, suppress

__all__ = ["Fun", "PrimaryRule", "SuppressionResult", "SuppressionSpec", "TableInputError", "suppress"]
