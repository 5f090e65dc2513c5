from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.schedule_state_enum import check_schedule_state_enum
from ..models.schedule_state_enum import ScheduleStateEnum
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.media_ref_request import MediaRefRequest
  from ..models.patched_post_update_request_networks import PatchedPostUpdateRequestNetworks





T = TypeVar("T", bound="PatchedPostUpdateRequest")



@_attrs_define
class PatchedPostUpdateRequest:
    """ A partial edit; context["post"] is the post, so the result is checked as a whole.

        Attributes:
            labels (list[str] | Unset):
            media (list[MediaRefRequest] | Unset):
            networks (PatchedPostUpdateRequestNetworks | Unset):
            scheduled_at (datetime.datetime | Unset):
            state (ScheduleStateEnum | Unset): * `scheduled` - scheduled
                * `draft` - draft
            thread_media (list[list[MediaRefRequest]] | Unset): Media of each thread follow-up (one list per `thread` item,
                `[]` for none; the same for every network's thread), checked against each platform's limits for replies. A
                thread with media goes out one item at a time, each in reply to the one before (as with `thread_delays`).
                Refused where follow-ups are comments (Facebook, Instagram, LinkedIn): Crier posts those as text.
     """

    labels: list[str] | Unset = UNSET
    media: list[MediaRefRequest] | Unset = UNSET
    networks: PatchedPostUpdateRequestNetworks | Unset = UNSET
    scheduled_at: datetime.datetime | Unset = UNSET
    state: ScheduleStateEnum | Unset = UNSET
    thread_media: list[list[MediaRefRequest]] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.media_ref_request import MediaRefRequest # noqa: PLC0415
        from ..models.patched_post_update_request_networks import PatchedPostUpdateRequestNetworks # noqa: PLC0415
        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels



        media: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.media, Unset):
            media = []
            for media_item_data in self.media:
                media_item = media_item_data.to_dict()
                media.append(media_item)



        networks: dict[str, Any] | Unset = UNSET
        if not isinstance(self.networks, Unset):
            networks = self.networks.to_dict()

        scheduled_at: str | Unset = UNSET
        if not isinstance(self.scheduled_at, Unset):
            scheduled_at = self.scheduled_at.isoformat()

        state: str | Unset = UNSET
        if not isinstance(self.state, Unset):
            state = self.state


        thread_media: list[list[dict[str, Any]]] | Unset = UNSET
        if not isinstance(self.thread_media, Unset):
            thread_media = []
            for thread_media_item_data in self.thread_media:
                thread_media_item = []
                for thread_media_item_item_data in thread_media_item_data:
                    thread_media_item_item = thread_media_item_item_data.to_dict()
                    thread_media_item.append(thread_media_item_item)


                thread_media.append(thread_media_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if labels is not UNSET:
            field_dict["labels"] = labels
        if media is not UNSET:
            field_dict["media"] = media
        if networks is not UNSET:
            field_dict["networks"] = networks
        if scheduled_at is not UNSET:
            field_dict["scheduled_at"] = scheduled_at
        if state is not UNSET:
            field_dict["state"] = state
        if thread_media is not UNSET:
            field_dict["thread_media"] = thread_media

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.media_ref_request import MediaRefRequest # noqa: PLC0415
        from ..models.patched_post_update_request_networks import PatchedPostUpdateRequestNetworks # noqa: PLC0415
        d = dict(src_dict)
        labels = cast(list[str], d.pop("labels", UNSET))


        _media = d.pop("media", UNSET)
        media: list[MediaRefRequest] | Unset = UNSET
        if _media is not UNSET:
            media = []
            for media_item_data in _media:
                media_item = MediaRefRequest.from_dict(media_item_data)



                media.append(media_item)


        _networks = d.pop("networks", UNSET)
        networks: PatchedPostUpdateRequestNetworks | Unset
        if isinstance(_networks,  Unset):
            networks = UNSET
        else:
            networks = PatchedPostUpdateRequestNetworks.from_dict(_networks)




        _scheduled_at = d.pop("scheduled_at", UNSET)
        scheduled_at: datetime.datetime | Unset
        if isinstance(_scheduled_at,  Unset):
            scheduled_at = UNSET
        else:
            scheduled_at = datetime.datetime.fromisoformat(_scheduled_at)




        _state = d.pop("state", UNSET)
        state: ScheduleStateEnum | Unset
        if isinstance(_state,  Unset):
            state = UNSET
        else:
            state = check_schedule_state_enum(_state)




        _thread_media = d.pop("thread_media", UNSET)
        thread_media: list[list[MediaRefRequest]] | Unset = UNSET
        if _thread_media is not UNSET:
            thread_media = []
            for thread_media_item_data in _thread_media:
                thread_media_item = []
                _thread_media_item = thread_media_item_data
                for thread_media_item_item_data in (_thread_media_item):
                    thread_media_item_item = MediaRefRequest.from_dict(thread_media_item_item_data)



                    thread_media_item.append(thread_media_item_item)

                thread_media.append(thread_media_item)


        patched_post_update_request = cls(
            labels=labels,
            media=media,
            networks=networks,
            scheduled_at=scheduled_at,
            state=state,
            thread_media=thread_media,
        )


        patched_post_update_request.additional_properties = d
        return patched_post_update_request

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
