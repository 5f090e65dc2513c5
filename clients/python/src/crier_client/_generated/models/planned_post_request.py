from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="PlannedPostRequest")



@_attrs_define
class PlannedPostRequest:
    """ A model serializer whose date-time columns render as `TimestampField`.

        Attributes:
            account_ids (list[str]):
            topic (str):
            description (str | Unset):
            keyword (str | Unset):
            scheduled_at (datetime.datetime | None | Unset): Empty: the post takes its accounts' next free queue slots.
     """

    account_ids: list[str]
    topic: str
    description: str | Unset = UNSET
    keyword: str | Unset = UNSET
    scheduled_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        account_ids = self.account_ids



        topic = self.topic

        description = self.description

        keyword = self.keyword

        scheduled_at: None | str | Unset
        if isinstance(self.scheduled_at, Unset):
            scheduled_at = UNSET
        elif isinstance(self.scheduled_at, datetime.datetime):
            scheduled_at = self.scheduled_at.isoformat()
        else:
            scheduled_at = self.scheduled_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "account_ids": account_ids,
            "topic": topic,
        })
        if description is not UNSET:
            field_dict["description"] = description
        if keyword is not UNSET:
            field_dict["keyword"] = keyword
        if scheduled_at is not UNSET:
            field_dict["scheduled_at"] = scheduled_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_ids = cast(list[str], d.pop("account_ids"))


        topic = d.pop("topic")

        description = d.pop("description", UNSET)

        keyword = d.pop("keyword", UNSET)

        def _parse_scheduled_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                scheduled_at_type_0 = datetime.datetime.fromisoformat(data)



                return scheduled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        scheduled_at = _parse_scheduled_at(d.pop("scheduled_at", UNSET))


        planned_post_request = cls(
            account_ids=account_ids,
            topic=topic,
            description=description,
            keyword=keyword,
            scheduled_at=scheduled_at,
        )


        planned_post_request.additional_properties = d
        return planned_post_request

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
