"""Page texts of the office's status board, follow-up, edits and audit trail, in bokmål and English (merged into ``kostra.web.i18n.MESSAGES``)."""

from __future__ import annotations

from kostra.web.i18n_types import Lang

MESSAGES: dict[str, dict[Lang, str]] = {
}
