"""Closed sets that ``--help`` shows, written out here so that ``--help`` imports no service.

Each mirrors a service's enum or constant (named beside it); ``tests/cli/test_cli_imports.py``
fails when one drifts from its source.
"""

from __future__ import annotations

__all__ = [
    "CONTACT_CHANNELS",
    "DEMO_DEFAULT_YEAR",
    "FORM_STATUSES",
    "MAX_AGE",
    "REASON_CODES",
    "REGION_LEVELS",
    "ROLES",
    "UNIT_KINDS",
]

# kostra.reference.regions.LEVELS
REGION_LEVELS = ("kommune", "fylke", "bydel", "fylkeskommune", "kostragruppe", "aggregate")
# kostra.reference.MAX_AGE: "105 years or older" is the open top band of table 07459
MAX_AGE = 105
# kostra.reporting.submissions.FormStatus
FORM_STATUSES = ("not_started", "draft", "submitted", "submitted_with_warnings", "nil", "approved")
# kostra.followup.contacts.Channel
CONTACT_CHANNELS = ("phone", "email", "meeting", "letter", "other")
# kostra.followup.edits.ReasonCode
REASON_CODES = ("OTHER_SOURCE", "REVIEW", "OWNER", "MARGINAL_UNIT", "DUPLICATE", "OTHER")
# kostra.access.roles.Role
ROLES = ("reporter", "statistician", "administrator")
# kostra.access.admin.UNIT_KINDS
UNIT_KINDS = ("municipality", "oslo_district", "county", "institution")
# kostra.demo.builder.DEFAULT_YEAR
DEMO_DEFAULT_YEAR = 2025
