from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.bulk_request import BulkRequest





T = TypeVar("T", bound="ScheduleRequestRequest")



@_attrs_define
class ScheduleRequestRequest:
    """ A request shape validated once per item of a bulk (up to CRIER_BULK_LIMIT posts).

        Attributes:
            bulk (BulkRequest): A request shape validated once per item of a bulk (up to CRIER_BULK_LIMIT posts).
     """

    bulk: BulkRequest
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.bulk_request import BulkRequest # noqa: PLC0415
        bulk = self.bulk.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "bulk": bulk,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bulk_request import BulkRequest # noqa: PLC0415
        d = dict(src_dict)
        bulk = BulkRequest.from_dict(d.pop("bulk"))




        schedule_request_request = cls(
            bulk=bulk,
        )


        schedule_request_request.additional_properties = d
        return schedule_request_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
