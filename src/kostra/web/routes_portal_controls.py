"""The municipalities' control report: what the office's latest control run found in their data."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
