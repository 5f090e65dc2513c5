from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.planned_post_status_enum import check_planned_post_status_enum
from ..models.planned_post_status_enum import PlannedPostStatusEnum
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="PlannedPost")



@_attrs_define
class PlannedPost:
    """ A model serializer whose date-time columns render as `TimestampField`.

        Attributes:
            account_ids (list[str]):
            attempts (int):
            created_at (datetime.datetime):
            drafted_by (str):
            error (str):
            id (str):
            next_attempt_at (datetime.datetime | None):
            post_id (None | str):
            status (PlannedPostStatusEnum): * `planned` - Planned
                * `generating` - Generating
                * `drafted` - Drafted
                * `failed` - Failed
            text (str): The drafted text.
            topic (str):
            updated_at (datetime.datetime):
            description (str | Unset):
            keyword (str | Unset):
            scheduled_at (datetime.datetime | None | Unset): Empty: the post takes its accounts' next free queue slots.
     """

    account_ids: list[str]
    attempts: int
    created_at: datetime.datetime
    drafted_by: str
    error: str
    id: str
    next_attempt_at: datetime.datetime | None
    post_id: None | str
    status: PlannedPostStatusEnum
    text: str
    topic: str
    updated_at: datetime.datetime
    description: str | Unset = UNSET
    keyword: str | Unset = UNSET
    scheduled_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        account_ids = self.account_ids



        attempts = self.attempts

        created_at = self.created_at.isoformat()

        drafted_by = self.drafted_by

        error = self.error

        id = self.id

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        post_id: None | str
        post_id = self.post_id

        status: str = self.status

        text = self.text

        topic = self.topic

        updated_at = self.updated_at.isoformat()

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
            "attempts": attempts,
            "created_at": created_at,
            "drafted_by": drafted_by,
            "error": error,
            "id": id,
            "next_attempt_at": next_attempt_at,
            "post_id": post_id,
            "status": status,
            "text": text,
            "topic": topic,
            "updated_at": updated_at,
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


        attempts = d.pop("attempts")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        drafted_by = d.pop("drafted_by")

        error = d.pop("error")

        id = d.pop("id")

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)



                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))


        def _parse_post_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        post_id = _parse_post_id(d.pop("post_id"))


        status = check_planned_post_status_enum(d.pop("status"))




        text = d.pop("text")

        topic = d.pop("topic")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




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


        planned_post = cls(
            account_ids=account_ids,
            attempts=attempts,
            created_at=created_at,
            drafted_by=drafted_by,
            error=error,
            id=id,
            next_attempt_at=next_attempt_at,
            post_id=post_id,
            status=status,
            text=text,
            topic=topic,
            updated_at=updated_at,
            description=description,
            keyword=keyword,
            scheduled_at=scheduled_at,
        )


        planned_post.additional_properties = d
        return planned_post

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
