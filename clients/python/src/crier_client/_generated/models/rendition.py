from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="Rendition")



@_attrs_define
class Rendition:
    """ 
        Attributes:
            height (int):
            mime_type (str):
            name (str): `jpeg` (copy of a WebP) or `poster` (video frame).
            size (int):
            url (str):
            width (int):
     """

    height: int
    mime_type: str
    name: str
    size: int
    url: str
    width: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        height = self.height

        mime_type = self.mime_type

        name = self.name

        size = self.size

        url = self.url

        width = self.width


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "height": height,
            "mime_type": mime_type,
            "name": name,
            "size": size,
            "url": url,
            "width": width,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        height = d.pop("height")

        mime_type = d.pop("mime_type")

        name = d.pop("name")

        size = d.pop("size")

        url = d.pop("url")

        width = d.pop("width")

        rendition = cls(
            height=height,
            mime_type=mime_type,
            name=name,
            size=size,
            url=url,
            width=width,
        )


        rendition.additional_properties = d
        return rendition

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
