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
  from ..models.delivery import Delivery
  from ..models.media_ref import MediaRef





T = TypeVar("T", bound="Post")



@_attrs_define
class Post:
    """ A model serializer whose date-time columns render as `TimestampField`.

        Attributes:
            created_at (datetime.datetime):
            deliveries (list[Delivery]):
            id (str):
            job_id (None | str):
            state (str):
            thread_media (list[list[MediaRef]]): Media of each thread follow-up (one list per `thread` item, `[]` for none;
                the same for every network's thread), checked against each platform's limits for replies. A thread with media
                goes out one item at a time, each in reply to the one before (as with `thread_delays`). Refused where follow-ups
                are comments (Facebook, Instagram, LinkedIn): Crier posts those as text.
            updated_at (datetime.datetime):
            labels (Any | Unset):
            media (Any | Unset): [{id, alt}] in order.
            networks (Any | Unset): Per-network blocks, with `default`.
     """

    created_at: datetime.datetime
    deliveries: list[Delivery]
    id: str
    job_id: None | str
    state: str
    thread_media: list[list[MediaRef]]
    updated_at: datetime.datetime
    labels: Any | Unset = UNSET
    media: Any | Unset = UNSET
    networks: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.delivery import Delivery # noqa: PLC0415
        from ..models.media_ref import MediaRef # noqa: PLC0415
        created_at = self.created_at.isoformat()

        deliveries = []
        for deliveries_item_data in self.deliveries:
            deliveries_item = deliveries_item_data.to_dict()
            deliveries.append(deliveries_item)



        id = self.id

        job_id: None | str
        job_id = self.job_id

        state = self.state

        thread_media = []
        for thread_media_item_data in self.thread_media:
            thread_media_item = []
            for thread_media_item_item_data in thread_media_item_data:
                thread_media_item_item = thread_media_item_item_data.to_dict()
                thread_media_item.append(thread_media_item_item)


            thread_media.append(thread_media_item)



        updated_at = self.updated_at.isoformat()

        labels = self.labels

        media = self.media

        networks = self.networks


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "deliveries": deliveries,
            "id": id,
            "job_id": job_id,
            "state": state,
            "thread_media": thread_media,
            "updated_at": updated_at,
        })
        if labels is not UNSET:
            field_dict["labels"] = labels
        if media is not UNSET:
            field_dict["media"] = media
        if networks is not UNSET:
            field_dict["networks"] = networks

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.delivery import Delivery # noqa: PLC0415
        from ..models.media_ref import MediaRef # noqa: PLC0415
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        deliveries = []
        _deliveries = d.pop("deliveries")
        for deliveries_item_data in (_deliveries):
            deliveries_item = Delivery.from_dict(deliveries_item_data)



            deliveries.append(deliveries_item)


        id = d.pop("id")

        def _parse_job_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        job_id = _parse_job_id(d.pop("job_id"))


        state = d.pop("state")

        thread_media = []
        _thread_media = d.pop("thread_media")
        for thread_media_item_data in (_thread_media):
            thread_media_item = []
            _thread_media_item = thread_media_item_data
            for thread_media_item_item_data in (_thread_media_item):
                thread_media_item_item = MediaRef.from_dict(thread_media_item_item_data)



                thread_media_item.append(thread_media_item_item)

            thread_media.append(thread_media_item)


        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        labels = d.pop("labels", UNSET)

        media = d.pop("media", UNSET)

        networks = d.pop("networks", UNSET)

        post = cls(
            created_at=created_at,
            deliveries=deliveries,
            id=id,
            job_id=job_id,
            state=state,
            thread_media=thread_media,
            updated_at=updated_at,
            labels=labels,
            media=media,
            networks=networks,
        )


        post.additional_properties = d
        return post

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
