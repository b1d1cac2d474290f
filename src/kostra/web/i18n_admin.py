"""Page texts of user and unit administration and the reporting burden, in bokmål and English (merged into ``kostra.web.i18n.MESSAGES``)."""

from __future__ import annotations

from kostra.web.i18n_types import Lang

MESSAGES: dict[str, dict[Lang, str]] = {
}
