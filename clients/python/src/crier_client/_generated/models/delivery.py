from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.attempt import Attempt
  from ..models.delivery_error_type_0 import DeliveryErrorType0





T = TypeVar("T", bound="Delivery")



@_attrs_define
class Delivery:
    """ A model serializer whose date-time columns render as `TimestampField`.

        Attributes:
            account_id (str):
            attempt_log (list[Attempt]):
            error (DeliveryErrorType0 | None):
            id (str):
            scheduled_at (datetime.datetime):
            state (str):
            url (str):
            attempts (int | Unset):
            external_id (str | Unset):
            published_at (datetime.datetime | None | Unset):
            reply_to (None | str | Unset): The delivery this thread item answers (delayed threads).
            thread_index (int | None | Unset):
     """

    account_id: str
    attempt_log: list[Attempt]
    error: DeliveryErrorType0 | None
    id: str
    scheduled_at: datetime.datetime
    state: str
    url: str
    attempts: int | Unset = UNSET
    external_id: str | Unset = UNSET
    published_at: datetime.datetime | None | Unset = UNSET
    reply_to: None | str | Unset = UNSET
    thread_index: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.attempt import Attempt # noqa: PLC0415
        from ..models.delivery_error_type_0 import DeliveryErrorType0 # noqa: PLC0415
        account_id = self.account_id

        attempt_log = []
        for attempt_log_item_data in self.attempt_log:
            attempt_log_item = attempt_log_item_data.to_dict()
            attempt_log.append(attempt_log_item)



        error: dict[str, Any] | None
        if isinstance(self.error, DeliveryErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        id = self.id

        scheduled_at = self.scheduled_at.isoformat()

        state = self.state

        url = self.url

        attempts = self.attempts

        external_id = self.external_id

        published_at: None | str | Unset
        if isinstance(self.published_at, Unset):
            published_at = UNSET
        elif isinstance(self.published_at, datetime.datetime):
            published_at = self.published_at.isoformat()
        else:
            published_at = self.published_at

        reply_to: None | str | Unset
        if isinstance(self.reply_to, Unset):
            reply_to = UNSET
        else:
            reply_to = self.reply_to

        thread_index: int | None | Unset
        if isinstance(self.thread_index, Unset):
            thread_index = UNSET
        else:
            thread_index = self.thread_index


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "account_id": account_id,
            "attempt_log": attempt_log,
            "error": error,
            "id": id,
            "scheduled_at": scheduled_at,
            "state": state,
            "url": url,
        })
        if attempts is not UNSET:
            field_dict["attempts"] = attempts
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if published_at is not UNSET:
            field_dict["published_at"] = published_at
        if reply_to is not UNSET:
            field_dict["reply_to"] = reply_to
        if thread_index is not UNSET:
            field_dict["thread_index"] = thread_index

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attempt import Attempt # noqa: PLC0415
        from ..models.delivery_error_type_0 import DeliveryErrorType0 # noqa: PLC0415
        d = dict(src_dict)
        account_id = d.pop("account_id")

        attempt_log = []
        _attempt_log = d.pop("attempt_log")
        for attempt_log_item_data in (_attempt_log):
            attempt_log_item = Attempt.from_dict(attempt_log_item_data)



            attempt_log.append(attempt_log_item)


        def _parse_error(data: object) -> DeliveryErrorType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = DeliveryErrorType0.from_dict(data)



                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DeliveryErrorType0 | None, data)

        error = _parse_error(d.pop("error"))


        id = d.pop("id")

        scheduled_at = datetime.datetime.fromisoformat(d.pop("scheduled_at"))




        state = d.pop("state")

        url = d.pop("url")

        attempts = d.pop("attempts", UNSET)

        external_id = d.pop("external_id", UNSET)

        def _parse_published_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                published_at_type_0 = datetime.datetime.fromisoformat(data)



                return published_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        published_at = _parse_published_at(d.pop("published_at", UNSET))


        def _parse_reply_to(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reply_to = _parse_reply_to(d.pop("reply_to", UNSET))


        def _parse_thread_index(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        thread_index = _parse_thread_index(d.pop("thread_index", UNSET))


        delivery = cls(
            account_id=account_id,
            attempt_log=attempt_log,
            error=error,
            id=id,
            scheduled_at=scheduled_at,
            state=state,
            url=url,
            attempts=attempts,
            external_id=external_id,
            published_at=published_at,
            reply_to=reply_to,
            thread_index=thread_index,
        )


        delivery.additional_properties = d
        return delivery

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
