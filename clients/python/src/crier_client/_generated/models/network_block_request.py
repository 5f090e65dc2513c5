from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.network_block_type_enum import check_network_block_type_enum
from ..models.network_block_type_enum import NetworkBlockTypeEnum
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="NetworkBlockRequest")



@_attrs_define
class NetworkBlockRequest:
    """ One network's content. Options beyond type and text belong to that network's connector.

        Attributes:
            text (str | Unset):  Default: ''.
            thread (list[str] | Unset):
            thread_delays (list[int] | Unset): Seconds to wait after each thread item's predecessor is published before
                posting it, one per `thread` item. With any delay, each follow-up is its own delivery, published in reply to the
                one before (a thread stops at an item that fails); without, the thread goes out at once. On platforms where
                follow-ups are comments (Facebook, Instagram, LinkedIn) they always go out one by one.
            type_ (NetworkBlockTypeEnum | Unset): * `status` - status
                * `link` - link
                * `photo` - photo
                * `video` - video
                * `carousel` - carousel
                * `reel` - reel
                * `story` - story
                * `article` - article Default: 'status'.
     """

    text: str | Unset = ''
    thread: list[str] | Unset = UNSET
    thread_delays: list[int] | Unset = UNSET
    type_: NetworkBlockTypeEnum | Unset = 'status'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        text = self.text

        thread: list[str] | Unset = UNSET
        if not isinstance(self.thread, Unset):
            thread = self.thread



        thread_delays: list[int] | Unset = UNSET
        if not isinstance(self.thread_delays, Unset):
            thread_delays = self.thread_delays



        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_



        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if text is not UNSET:
            field_dict["text"] = text
        if thread is not UNSET:
            field_dict["thread"] = thread
        if thread_delays is not UNSET:
            field_dict["thread_delays"] = thread_delays
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        text = d.pop("text", UNSET)

        thread = cast(list[str], d.pop("thread", UNSET))


        thread_delays = cast(list[int], d.pop("thread_delays", UNSET))


        _type_ = d.pop("type", UNSET)
        type_: NetworkBlockTypeEnum | Unset
        if isinstance(_type_,  Unset):
            type_ = UNSET
        else:
            type_ = check_network_block_type_enum(_type_)




        network_block_request = cls(
            text=text,
            thread=thread,
            thread_delays=thread_delays,
            type_=type_,
        )


        network_block_request.additional_properties = d
        return network_block_request

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
