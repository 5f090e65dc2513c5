from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="NextSlot")



@_attrs_define
class NextSlot:
    """ 
        Attributes:
            account_id (str):
            content_type (str):
            next_slot (datetime.datetime): Aware, in the account's timezone.
            timezone (str):
     """

    account_id: str
    content_type: str
    next_slot: datetime.datetime
    timezone: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        content_type = self.content_type

        next_slot = self.next_slot.isoformat()

        timezone = self.timezone


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "account_id": account_id,
            "content_type": content_type,
            "next_slot": next_slot,
            "timezone": timezone,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = d.pop("account_id")

        content_type = d.pop("content_type")

        next_slot = datetime.datetime.fromisoformat(d.pop("next_slot"))




        timezone = d.pop("timezone")

        next_slot = cls(
            account_id=account_id,
            content_type=content_type,
            next_slot=next_slot,
            timezone=timezone,
        )


        next_slot.additional_properties = d
        return next_slot

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
