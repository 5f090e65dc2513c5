from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.events_enum import check_events_enum
from ..models.events_enum import EventsEnum
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="PatchedWebhookEndpointRequest")



@_attrs_define
class PatchedWebhookEndpointRequest:
    """ A model serializer whose date-time columns render as `TimestampField`.

        Attributes:
            description (str | Unset):
            events (list[EventsEnum] | Unset):
            is_active (bool | Unset):
            url (str | Unset):
     """

    description: str | Unset = UNSET
    events: list[EventsEnum] | Unset = UNSET
    is_active: bool | Unset = UNSET
    url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        description = self.description

        events: list[str] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = []
            for events_item_data in self.events:
                events_item: str = events_item_data
                events.append(events_item)



        is_active = self.is_active

        url = self.url


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if description is not UNSET:
            field_dict["description"] = description
        if events is not UNSET:
            field_dict["events"] = events
        if is_active is not UNSET:
            field_dict["is_active"] = is_active
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        description = d.pop("description", UNSET)

        _events = d.pop("events", UNSET)
        events: list[EventsEnum] | Unset = UNSET
        if _events is not UNSET:
            events = []
            for events_item_data in _events:
                events_item = check_events_enum(events_item_data)



                events.append(events_item)


        is_active = d.pop("is_active", UNSET)

        url = d.pop("url", UNSET)

        patched_webhook_endpoint_request = cls(
            description=description,
            events=events,
            is_active=is_active,
            url=url,
        )


        patched_webhook_endpoint_request.additional_properties = d
        return patched_webhook_endpoint_request

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
