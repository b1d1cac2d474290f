"""Statistical checks on year-over-year change and ratios.

``hb``, ``therror`` and ``quartile`` reproduce Statistics Norway's R package Kostra (``Hb``,
``ThError``, ``Quartile``; github.com/statisticsnorway/ssb-kostra at commit
c035469fd64a6f1943b24c77790fc2f50b04f9ac) bit for bit; ``unit_error`` extends the thousand-error check
to factor-10^k errors and ``selective_score`` ranks units for selective editing.
See docs/statistical-methods.md.
"""

from kostra.controls.statistical.common import MethodResult, MethodWarning
from kostra.controls.statistical.hb import HB_COLUMNS, hb
from kostra.controls.statistical.quartile import QUARTILE_COLUMNS, quartile
from kostra.controls.statistical.selective import selective_score
from kostra.controls.statistical.therror import THERROR_COLUMNS, therror
from kostra.controls.statistical.unit_error import UNIT_ERROR_COLUMNS, unit_error

__all__ = [
    "HB_COLUMNS",
    "QUARTILE_COLUMNS",
    "R_KOSTRA_COMMIT",
    "THERROR_COLUMNS",
    "UNIT_ERROR_COLUMNS",
    "MethodResult",
    "MethodWarning",
    "hb",
    "quartile",
    "selective_score",
    "therror",
    "unit_error",
]

R_KOSTRA_COMMIT = "c035469fd64a6f1943b24c77790fc2f50b04f9ac"
