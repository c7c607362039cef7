"""The HTML pages: opportunities, round trips, joint plan, sweeps (Jinja2 templates)."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
