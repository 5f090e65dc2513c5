from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.media_status_enum import check_media_status_enum
from ..models.media_status_enum import MediaStatusEnum
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.rendition import Rendition





T = TypeVar("T", bound="Media")



@_attrs_define
class Media:
    """ A model serializer whose date-time columns render as `TimestampField`.

        Attributes:
            created_at (datetime.datetime):
            id (str):
            renditions (list[Rendition]):
            status (MediaStatusEnum): * `pending_upload` - Pending Upload
                * `processing` - Processing
                * `ready` - Ready
                * `failed` - Failed
            type_ (str): image or video
            updated_at (datetime.datetime):
            url (None | str): Where platforms fetch the file.
            aspect_ratio (float | None | Unset):
            bit_rate (int | None | Unset):
            codec (str | Unset):
            duration (float | None | Unset): Seconds.
            error (str | Unset):
            file_name (str | Unset): Sanitized.
            fps (float | None | Unset):
            height (int | None | Unset):
            mime_type (str | Unset): Sniffed from the bytes.
            original_file_name (str | Unset):
            sha256 (str | Unset):
            size (int | None | Unset):
            source_url (str | Unset): from-URL uploads.
            width (int | None | Unset):
     """

    created_at: datetime.datetime
    id: str
    renditions: list[Rendition]
    status: MediaStatusEnum
    type_: str
    updated_at: datetime.datetime
    url: None | str
    aspect_ratio: float | None | Unset = UNSET
    bit_rate: int | None | Unset = UNSET
    codec: str | Unset = UNSET
    duration: float | None | Unset = UNSET
    error: str | Unset = UNSET
    file_name: str | Unset = UNSET
    fps: float | None | Unset = UNSET
    height: int | None | Unset = UNSET
    mime_type: str | Unset = UNSET
    original_file_name: str | Unset = UNSET
    sha256: str | Unset = UNSET
    size: int | None | Unset = UNSET
    source_url: str | Unset = UNSET
    width: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.rendition import Rendition # noqa: PLC0415
        created_at = self.created_at.isoformat()

        id = self.id

        renditions = []
        for renditions_item_data in self.renditions:
            renditions_item = renditions_item_data.to_dict()
            renditions.append(renditions_item)



        status: str = self.status

        type_ = self.type_

        updated_at = self.updated_at.isoformat()

        url: None | str
        url = self.url

        aspect_ratio: float | None | Unset
        if isinstance(self.aspect_ratio, Unset):
            aspect_ratio = UNSET
        else:
            aspect_ratio = self.aspect_ratio

        bit_rate: int | None | Unset
        if isinstance(self.bit_rate, Unset):
            bit_rate = UNSET
        else:
            bit_rate = self.bit_rate

        codec = self.codec

        duration: float | None | Unset
        if isinstance(self.duration, Unset):
            duration = UNSET
        else:
            duration = self.duration

        error = self.error

        file_name = self.file_name

        fps: float | None | Unset
        if isinstance(self.fps, Unset):
            fps = UNSET
        else:
            fps = self.fps

        height: int | None | Unset
        if isinstance(self.height, Unset):
            height = UNSET
        else:
            height = self.height

        mime_type = self.mime_type

        original_file_name = self.original_file_name

        sha256 = self.sha256

        size: int | None | Unset
        if isinstance(self.size, Unset):
            size = UNSET
        else:
            size = self.size

        source_url: str | Unset
        if isinstance(self.source_url, Unset):
            source_url = UNSET
        else:
            source_url = self.source_url

        width: int | None | Unset
        if isinstance(self.width, Unset):
            width = UNSET
        else:
            width = self.width


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "id": id,
            "renditions": renditions,
            "status": status,
            "type": type_,
            "updated_at": updated_at,
            "url": url,
        })
        if aspect_ratio is not UNSET:
            field_dict["aspect_ratio"] = aspect_ratio
        if bit_rate is not UNSET:
            field_dict["bit_rate"] = bit_rate
        if codec is not UNSET:
            field_dict["codec"] = codec
        if duration is not UNSET:
            field_dict["duration"] = duration
        if error is not UNSET:
            field_dict["error"] = error
        if file_name is not UNSET:
            field_dict["file_name"] = file_name
        if fps is not UNSET:
            field_dict["fps"] = fps
        if height is not UNSET:
            field_dict["height"] = height
        if mime_type is not UNSET:
            field_dict["mime_type"] = mime_type
        if original_file_name is not UNSET:
            field_dict["original_file_name"] = original_file_name
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256
        if size is not UNSET:
            field_dict["size"] = size
        if source_url is not UNSET:
            field_dict["source_url"] = source_url
        if width is not UNSET:
            field_dict["width"] = width

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rendition import Rendition # noqa: PLC0415
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        renditions = []
        _renditions = d.pop("renditions")
        for renditions_item_data in (_renditions):
            renditions_item = Rendition.from_dict(renditions_item_data)



            renditions.append(renditions_item)


        status = check_media_status_enum(d.pop("status"))




        type_ = d.pop("type")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        def _parse_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        url = _parse_url(d.pop("url"))


        def _parse_aspect_ratio(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        aspect_ratio = _parse_aspect_ratio(d.pop("aspect_ratio", UNSET))


        def _parse_bit_rate(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        bit_rate = _parse_bit_rate(d.pop("bit_rate", UNSET))


        codec = d.pop("codec", UNSET)

        def _parse_duration(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        duration = _parse_duration(d.pop("duration", UNSET))


        error = d.pop("error", UNSET)

        file_name = d.pop("file_name", UNSET)

        def _parse_fps(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        fps = _parse_fps(d.pop("fps", UNSET))


        def _parse_height(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        height = _parse_height(d.pop("height", UNSET))


        mime_type = d.pop("mime_type", UNSET)

        original_file_name = d.pop("original_file_name", UNSET)

        sha256 = d.pop("sha256", UNSET)

        def _parse_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        size = _parse_size(d.pop("size", UNSET))


        def _parse_source_url(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        source_url = _parse_source_url(d.pop("source_url", UNSET))


        def _parse_width(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        width = _parse_width(d.pop("width", UNSET))


        media = cls(
            created_at=created_at,
            id=id,
            renditions=renditions,
            status=status,
            type_=type_,
            updated_at=updated_at,
            url=url,
            aspect_ratio=aspect_ratio,
            bit_rate=bit_rate,
            codec=codec,
            duration=duration,
            error=error,
            file_name=file_name,
            fps=fps,
            height=height,
            mime_type=mime_type,
            original_file_name=original_file_name,
            sha256=sha256,
            size=size,
            source_url=source_url,
            width=width,
        )


        media.additional_properties = d
        return media

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
