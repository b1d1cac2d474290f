"""Where the project's shared reference data lives (``shared/data``: samples, layouts, R oracle outputs).

Beside the repository by default (``<repo>/../shared/data``); ``KOSTRA_SHARED_DATA`` points elsewhere,
which ``.ci/run`` does when the repository is a clone in another folder.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("KOSTRA_SHARED_DATA") or REPO_ROOT.parent / "shared" / "data")
SAMPLES = SHARED_DATA / "kontrollprogram" / "samples"
LAYOUTS = SHARED_DATA / "kontrollprogram" / "layouts"
ORACLE = SHARED_DATA / "oracle-kostra-r"
