from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.content_type_enum import check_content_type_enum
from ..models.content_type_enum import ContentTypeEnum
from ..models.day_of_week_enum import check_day_of_week_enum
from ..models.day_of_week_enum import DayOfWeekEnum
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="PostingScheduleRequest")



@_attrs_define
class PostingScheduleRequest:
    """ A model serializer whose date-time columns render as `TimestampField`.

        Attributes:
            account_id (str):
            day_of_week (DayOfWeekEnum): * `monday` - monday
                * `tuesday` - tuesday
                * `wednesday` - wednesday
                * `thursday` - thursday
                * `friday` - friday
                * `saturday` - saturday
                * `sunday` - sunday
            time (str):
            content_type (ContentTypeEnum | None | Unset):
            is_active (bool | Unset):
     """

    account_id: str
    day_of_week: DayOfWeekEnum
    time: str
    content_type: ContentTypeEnum | None | Unset = UNSET
    is_active: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        day_of_week: str = self.day_of_week

        time = self.time

        content_type: None | str | Unset
        if isinstance(self.content_type, Unset):
            content_type = UNSET
        elif isinstance(self.content_type, str):
            content_type = self.content_type
        else:
            content_type = self.content_type

        is_active = self.is_active


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "account_id": account_id,
            "day_of_week": day_of_week,
            "time": time,
        })
        if content_type is not UNSET:
            field_dict["content_type"] = content_type
        if is_active is not UNSET:
            field_dict["is_active"] = is_active

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = d.pop("account_id")

        day_of_week = check_day_of_week_enum(d.pop("day_of_week"))




        time = d.pop("time")

        def _parse_content_type(data: object) -> ContentTypeEnum | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                content_type_type_0 = check_content_type_enum(data)



                return content_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ContentTypeEnum | None | Unset, data)

        content_type = _parse_content_type(d.pop("content_type", UNSET))


        is_active = d.pop("is_active", UNSET)

        posting_schedule_request = cls(
            account_id=account_id,
            day_of_week=day_of_week,
            time=time,
            content_type=content_type,
            is_active=is_active,
        )


        posting_schedule_request.additional_properties = d
        return posting_schedule_request

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
