"""The office's control pages: runs, dashboard, selective-editing ranking, quality indicators."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
