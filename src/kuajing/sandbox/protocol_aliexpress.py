"""To be implemented: this platform's wire protocol over the sandbox world.

Interface: ``build_router(world) -> fastapi.APIRouter``.
"""

from __future__ import annotations

from fastapi import APIRouter

from kuajing.sandbox.world import World


def build_router(world: World) -> APIRouter:
    return APIRouter()
