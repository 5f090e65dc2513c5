"""Repostra's integer ids over Crier's string ones (`compat.models.RepostraId`).

Answers carry the number; paths and request bodies take the number, or the Crier id that
the dialect answered before it had numbers (`acc_…`, `sch_…`, `pln_…`, `post_…`), so a
client that stored those keeps working. Either way the lookup stays in the caller's
workspace: another brand's number is simply not found.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from compat.models import RepostraId

Kind = RepostraId.Kind
# Positive and within bigint: a longer number can name nothing (and must not reach SQL).
_NUMBER = re.compile(r"[1-9][0-9]{0,17}")


def number(kind: str, object_id: str, *, workspace_id: str) -> int:
    """The object's number, given now if it has none yet."""
    row, _ = RepostraId.objects.get_or_create(
        kind=kind, object_id=object_id, defaults={"workspace_id": workspace_id}
    )
    return row.pk


def number_of(kind: str, obj: Any) -> int:
    """`number` for a workspace-owned model instance."""
    return number(kind, obj.pk, workspace_id=obj.workspace_id)


def crier_id(kind: str, value: str, *, workspace: Any) -> str | None:
    """The Crier id a Repostra client means by `value` in this workspace; None for a number
    this workspace never saw. A string that is not a number is taken as a Crier id (the
    caller still looks it up in the workspace)."""
    if not _NUMBER.fullmatch(value):
        return value
    return (
        RepostraId.objects.filter(workspace=workspace, kind=kind, pk=int(value))
        .values_list("object_id", flat=True)
        .first()
    )


@extend_schema_field(OpenApiTypes.INT)
class IdField(serializers.CharField):
    """Another object's id in a request body: its number (or its Crier id, as answered
    before numbers); resolved by `crier_id` where the workspace is known."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=40, **kwargs)
