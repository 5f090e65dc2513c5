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






T = TypeVar("T", bound="PatchedPostingScheduleRequest")



@_attrs_define
class PatchedPostingScheduleRequest:
    """ A model serializer whose date-time columns render as `TimestampField`.

        Attributes:
            account_id (str | Unset):
            content_type (ContentTypeEnum | None | Unset):
            day_of_week (DayOfWeekEnum | Unset): * `monday` - monday
                * `tuesday` - tuesday
                * `wednesday` - wednesday
                * `thursday` - thursday
                * `friday` - friday
                * `saturday` - saturday
                * `sunday` - sunday
            is_active (bool | Unset):
            time (str | Unset):
     """

    account_id: str | Unset = UNSET
    content_type: ContentTypeEnum | None | Unset = UNSET
    day_of_week: DayOfWeekEnum | Unset = UNSET
    is_active: bool | Unset = UNSET
    time: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        content_type: None | str | Unset
        if isinstance(self.content_type, Unset):
            content_type = UNSET
        elif isinstance(self.content_type, str):
            content_type = self.content_type
        else:
            content_type = self.content_type

        day_of_week: str | Unset = UNSET
        if not isinstance(self.day_of_week, Unset):
            day_of_week = self.day_of_week


        is_active = self.is_active

        time = self.time


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if account_id is not UNSET:
            field_dict["account_id"] = account_id
        if content_type is not UNSET:
            field_dict["content_type"] = content_type
        if day_of_week is not UNSET:
            field_dict["day_of_week"] = day_of_week
        if is_active is not UNSET:
            field_dict["is_active"] = is_active
        if time is not UNSET:
            field_dict["time"] = time

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = d.pop("account_id", UNSET)

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


        _day_of_week = d.pop("day_of_week", UNSET)
        day_of_week: DayOfWeekEnum | Unset
        if isinstance(_day_of_week,  Unset):
            day_of_week = UNSET
        else:
            day_of_week = check_day_of_week_enum(_day_of_week)




        is_active = d.pop("is_active", UNSET)

        time = d.pop("time", UNSET)

        patched_posting_schedule_request = cls(
            account_id=account_id,
            content_type=content_type,
            day_of_week=day_of_week,
            is_active=is_active,
            time=time,
        )


        patched_posting_schedule_request.additional_properties = d
        return patched_posting_schedule_request

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
