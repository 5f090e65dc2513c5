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
import datetime






T = TypeVar("T", bound="PostingSchedule")



@_attrs_define
class PostingSchedule:
    """ A model serializer whose date-time columns render as `TimestampField`.

        Attributes:
            account_id (str):
            created_at (datetime.datetime):
            day_of_week (DayOfWeekEnum): * `monday` - monday
                * `tuesday` - tuesday
                * `wednesday` - wednesday
                * `thursday` - thursday
                * `friday` - friday
                * `saturday` - saturday
                * `sunday` - sunday
            id (str):
            next_at (datetime.datetime | None): The next time of this slot, in the account's timezone (taken or not).
            platform (str):
            time (str):
            timezone (str):
            updated_at (datetime.datetime):
            content_type (ContentTypeEnum | None | Unset):
            is_active (bool | Unset):
     """

    account_id: str
    created_at: datetime.datetime
    day_of_week: DayOfWeekEnum
    id: str
    next_at: datetime.datetime | None
    platform: str
    time: str
    timezone: str
    updated_at: datetime.datetime
    content_type: ContentTypeEnum | None | Unset = UNSET
    is_active: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        created_at = self.created_at.isoformat()

        day_of_week: str = self.day_of_week

        id = self.id

        next_at: None | str
        if isinstance(self.next_at, datetime.datetime):
            next_at = self.next_at.isoformat()
        else:
            next_at = self.next_at

        platform = self.platform

        time = self.time

        timezone = self.timezone

        updated_at = self.updated_at.isoformat()

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
            "created_at": created_at,
            "day_of_week": day_of_week,
            "id": id,
            "next_at": next_at,
            "platform": platform,
            "time": time,
            "timezone": timezone,
            "updated_at": updated_at,
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

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        day_of_week = check_day_of_week_enum(d.pop("day_of_week"))




        id = d.pop("id")

        def _parse_next_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_at_type_0 = datetime.datetime.fromisoformat(data)



                return next_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_at = _parse_next_at(d.pop("next_at"))


        platform = d.pop("platform")

        time = d.pop("time")

        timezone = d.pop("timezone")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




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

        posting_schedule = cls(
            account_id=account_id,
            created_at=created_at,
            day_of_week=day_of_week,
            id=id,
            next_at=next_at,
            platform=platform,
            time=time,
            timezone=timezone,
            updated_at=updated_at,
            content_type=content_type,
            is_active=is_active,
        )


        posting_schedule.additional_properties = d
        return posting_schedule

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
