from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.upload_url_request_type_enum import check_upload_url_request_type_enum
from ..models.upload_url_request_type_enum import UploadUrlRequestTypeEnum
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="UploadUrlRequestRequest")



@_attrs_define
class UploadUrlRequestRequest:
    """ camelCase, as in the Publora and PostPost APIs this endpoint follows.

        Attributes:
            content_type (str):
            file_name (str):
            type_ (UploadUrlRequestTypeEnum | Unset): * `image` - Image
                * `video` - Video
     """

    content_type: str
    file_name: str
    type_: UploadUrlRequestTypeEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type

        file_name = self.file_name

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_



        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "contentType": content_type,
            "fileName": file_name,
        })
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        content_type = d.pop("contentType")

        file_name = d.pop("fileName")

        _type_ = d.pop("type", UNSET)
        type_: UploadUrlRequestTypeEnum | Unset
        if isinstance(_type_,  Unset):
            type_ = UNSET
        else:
            type_ = check_upload_url_request_type_enum(_type_)




        upload_url_request_request = cls(
            content_type=content_type,
            file_name=file_name,
            type_=type_,
        )


        upload_url_request_request.additional_properties = d
        return upload_url_request_request

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
