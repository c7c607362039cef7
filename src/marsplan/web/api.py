"""The JSON API: /api/windows, /api/porkchop, /api/missions, /api/catalog/..., POST /api/plan."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
