from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from sillage.accounts.scope import Scope

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    code: str
    name_fr: str
    name_en: str
    parent_id: int | None
    depth: int
    type: str | None
    archived: bool

    @staticmethod
    def resolve_type(obj: object) -> str | None:
        unit_type = getattr(obj, "unit_type", None)
        return unit_type.code if unit_type else None

    @staticmethod
    def resolve_archived(obj: object) -> bool:
        return getattr(obj, "archived_at", None) is not None


class OrganizationOut(Schema):
    slug: str
    name: str
    default_language: str
    time_zone: str
    anonymity_threshold: int


class WhoAmI(Schema):
    organization: OrganizationOut
    token_name: str
    role: str
    unit_id: int | None


def _scope(request: HttpRequest) -> Scope:
    return request.auth  # type: ignore[attr-defined,no-any-return]


@router.get("/me", response=WhoAmI, tags=["organisation"], summary="The token's organisation")
def whoami(request: HttpRequest) -> dict[str, object]:
    scope = _scope(request)
    return {
        "organization": scope.organization,
        "token_name": scope.token.name if scope.token else "",
        "role": scope.role,
        "unit_id": scope.unit.pk if scope.unit else None,
    }


@router.get("/units", response=list[UnitOut], summary="The caller's visible unit tree")
def list_units(request: HttpRequest, include_archived: bool = False) -> object:
    """Units the token may see, ordered so that a parent always comes before its children."""
    units = _scope(request).units().select_related("unit_type").order_by("path")
    return units if include_archived else units.active()


@router.get("/units/{unit_id}", response=UnitOut, summary="One unit")
def get_unit(request: HttpRequest, unit_id: int) -> object:
    return get_object_or_404(_scope(request).units().select_related("unit_type"), pk=unit_id)
