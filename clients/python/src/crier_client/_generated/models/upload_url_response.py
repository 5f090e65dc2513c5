from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="UploadUrlResponse")



@_attrs_define
class UploadUrlResponse:
    """ 
        Attributes:
            expires_at (datetime.datetime):
            file_url (str): Where the file will be served once complete.
            media_id (str):
            upload_url (str): PUT the bytes here, with the declared type.
     """

    expires_at: datetime.datetime
    file_url: str
    media_id: str
    upload_url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        expires_at = self.expires_at.isoformat()

        file_url = self.file_url

        media_id = self.media_id

        upload_url = self.upload_url


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "expiresAt": expires_at,
            "fileUrl": file_url,
            "mediaId": media_id,
            "uploadUrl": upload_url,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        expires_at = datetime.datetime.fromisoformat(d.pop("expiresAt"))




        file_url = d.pop("fileUrl")

        media_id = d.pop("mediaId")

        upload_url = d.pop("uploadUrl")

        upload_url_response = cls(
            expires_at=expires_at,
            file_url=file_url,
            media_id=media_id,
            upload_url=upload_url,
        )


        upload_url_response.additional_properties = d
        return upload_url_response

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
