"""DRF serializers that list their writable fields once, for shapes validated many times
per request (every item of a bulk).

For every item DRF filters the fields again (twice) and runs each optional field the item
leaves out only to skip it with an exception. `FieldsListedOnce` lists the writable fields
once, and does not run an optional field without a default that a JSON object leaves out:
DRF skips it too (absent, not required, no default: `SkipField`).

Fast path `serializer_fields` (core/fastpaths): off, every method here is DRF's own.
"""

from __future__ import annotations

from django.utils.functional import cached_property
from rest_framework import serializers
from rest_framework.fields import empty

from core.fastpaths import enabled


class FieldsListedOnce(serializers.Serializer):
    _item: dict | None = None  # the JSON object being validated, while it is

    @cached_property
    def _listed_fields(self) -> list[serializers.Field]:
        return [field for field in self.fields.values() if not field.read_only]

    @property
    def _writable_fields(self) -> list[serializers.Field]:
        if not enabled("serializer_fields"):
            return super()._writable_fields
        item = self._item
        if item is None:
            return self._listed_fields
        return [
            field
            for field in self._listed_fields
            if field.field_name in item or field.required or field.default is not empty
        ]

    def to_internal_value(self, data: object) -> dict:
        if not enabled("serializer_fields"):
            return super().to_internal_value(data)
        self._item = data if type(data) is dict else None  # a form's QueryDict: DRF's way
        try:
            return super().to_internal_value(data)
        finally:
            self._item = None

    @cached_property
    def _has_read_only_defaults(self) -> bool:
        return any(field.read_only and field.default is not empty for field in self.fields.values())

    def _read_only_defaults(self) -> dict:
        if self._has_read_only_defaults or not enabled("serializer_fields"):
            return super()._read_only_defaults()
        return {}
