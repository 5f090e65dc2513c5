from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.media_ref_request import MediaRefRequest
  from ..models.post_input_request_networks import PostInputRequestNetworks
  from ..models.recurrence_request import RecurrenceRequest
  from ..models.target_request import TargetRequest





T = TypeVar("T", bound="PostInputRequest")



@_attrs_define
class PostInputRequest:
    """ A request shape validated once per item of a bulk (up to CRIER_BULK_LIMIT posts).

        Attributes:
            accounts (list[TargetRequest]):
            networks (PostInputRequestNetworks):
            evergreen (bool | Unset): Recycle it into the accounts' evergreen slots (planning).
            labels (list[str] | Unset):
            media (list[MediaRefRequest] | Unset):
            recurrence (RecurrenceRequest | Unset): An RFC 5545 rule from the post's scheduled_at, in each account's
                timezone, with an end.
            thread_media (list[list[MediaRefRequest]] | Unset): Media of each thread follow-up (one list per `thread` item,
                `[]` for none; the same for every network's thread), checked against each platform's limits for replies. A
                thread with media goes out one item at a time, each in reply to the one before (as with `thread_delays`).
                Refused where follow-ups are comments (Facebook, Instagram, LinkedIn): Crier posts those as text.
     """

    accounts: list[TargetRequest]
    networks: PostInputRequestNetworks
    evergreen: bool | Unset = UNSET
    labels: list[str] | Unset = UNSET
    media: list[MediaRefRequest] | Unset = UNSET
    recurrence: RecurrenceRequest | Unset = UNSET
    thread_media: list[list[MediaRefRequest]] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.media_ref_request import MediaRefRequest # noqa: PLC0415
        from ..models.post_input_request_networks import PostInputRequestNetworks # noqa: PLC0415
        from ..models.recurrence_request import RecurrenceRequest # noqa: PLC0415
        from ..models.target_request import TargetRequest # noqa: PLC0415
        accounts = []
        for accounts_item_data in self.accounts:
            accounts_item = accounts_item_data.to_dict()
            accounts.append(accounts_item)



        networks = self.networks.to_dict()

        evergreen = self.evergreen

        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels



        media: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.media, Unset):
            media = []
            for media_item_data in self.media:
                media_item = media_item_data.to_dict()
                media.append(media_item)



        recurrence: dict[str, Any] | Unset = UNSET
        if not isinstance(self.recurrence, Unset):
            recurrence = self.recurrence.to_dict()

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
            "accounts": accounts,
            "networks": networks,
        })
        if evergreen is not UNSET:
            field_dict["evergreen"] = evergreen
        if labels is not UNSET:
            field_dict["labels"] = labels
        if media is not UNSET:
            field_dict["media"] = media
        if recurrence is not UNSET:
            field_dict["recurrence"] = recurrence
        if thread_media is not UNSET:
            field_dict["thread_media"] = thread_media

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.media_ref_request import MediaRefRequest # noqa: PLC0415
        from ..models.post_input_request_networks import PostInputRequestNetworks # noqa: PLC0415
        from ..models.recurrence_request import RecurrenceRequest # noqa: PLC0415
        from ..models.target_request import TargetRequest # noqa: PLC0415
        d = dict(src_dict)
        accounts = []
        _accounts = d.pop("accounts")
        for accounts_item_data in (_accounts):
            accounts_item = TargetRequest.from_dict(accounts_item_data)



            accounts.append(accounts_item)


        networks = PostInputRequestNetworks.from_dict(d.pop("networks"))




        evergreen = d.pop("evergreen", UNSET)

        labels = cast(list[str], d.pop("labels", UNSET))


        _media = d.pop("media", UNSET)
        media: list[MediaRefRequest] | Unset = UNSET
        if _media is not UNSET:
            media = []
            for media_item_data in _media:
                media_item = MediaRefRequest.from_dict(media_item_data)



                media.append(media_item)


        _recurrence = d.pop("recurrence", UNSET)
        recurrence: RecurrenceRequest | Unset
        if isinstance(_recurrence,  Unset):
            recurrence = UNSET
        else:
            recurrence = RecurrenceRequest.from_dict(_recurrence)




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


        post_input_request = cls(
            accounts=accounts,
            networks=networks,
            evergreen=evergreen,
            labels=labels,
            media=media,
            recurrence=recurrence,
            thread_media=thread_media,
        )


        post_input_request.additional_properties = d
        return post_input_request

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
