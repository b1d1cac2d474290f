"""``POST /api/v1/check``: the file control as a service, returning the same JSON as ``kostra check --format json``.

Errors share one shape: ``{"ok": false, "error": "...", "errors": [{"field": ..., "message": ...}]}``
(422 for unusable parameters, 413 for uploads over 10 MiB, as the official web service's cap).
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from kostra.controls.filecheck.engine import argument_problems, check_file
from kostra.controls.filecheck.model import CheckArguments

__all__ = ["MAX_UPLOAD_BYTES", "router"]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

router = APIRouter(prefix="/api/v1", tags=["check"])


def _error(status: int, error: str, errors: list[dict[str, str]]) -> JSONResponse:
    return JSONResponse(status_code=status, content={"ok": False, "error": error, "errors": errors, "status": status})


@router.post("/check")
async def check_upload(
    file: Annotated[UploadFile | None, File(description="The fixed-width file attachment.")] = None,
    form: Annotated[str, Form(description="Form id (skjema), e.g. 11F, 52AF, 0A.")] = "",
    year: Annotated[str, Form(description="Reporting year.")] = "",
    region: Annotated[str, Form(description="6-digit region, e.g. 030100, 667200.")] = "",
    orgnr: Annotated[str, Form(description="Organisation number(s), comma separated.")] = "",
    quarter: Annotated[str, Form(description="Quarter 1–4 for quarterly accounts.")] = "",
    no_data: Annotated[bool, Form(description="The form says there is nothing to report.")] = False,
) -> JSONResponse:
    """Check an uploaded file; the body is the report JSON (``validationSummary``, ``reportEntries``)."""
    # Missing fields are reported in our error shape, not FastAPI's default one.
    missing = [{"field": name, "message": f"{name} is required"}
               for name, value in (("file", file), ("form", form), ("year", year), ("region", region))
               if value is None or value == ""]
    if missing or file is None:
        return _error(422, "invalid parameters", missing)
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return _error(413, "file too large", [{"field": "file", "message": "the upload limit is 10 MiB"}])
    if not re.fullmatch(r"[0-9]{4}", year.strip()):  # str.isdigit() also takes '²' and Arabic-Indic digits
        return _error(422, "invalid parameters",
                      [{"field": "year", "message": f"invalid year {year[:40]!r}: expected 4 digits 0–9"}])
    args = CheckArguments(
        form=form.strip().upper(), year=int(year), region=region.strip(),
        orgnrs=tuple(part.strip() for part in orgnr.split(",") if part.strip()),
        quarter=quarter.strip() or None, has_data=not no_data,
    )
    problems = argument_problems(args)
    if problems:
        return _error(422, "invalid parameters",
                      [{"field": problem.field, "message": problem.message} for problem in problems])
    report = await run_in_threadpool(check_file, data, args)
    return JSONResponse(content=report.to_json_dict())
