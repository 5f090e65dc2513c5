from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.post_point import PostPoint





T = TypeVar("T", bound="PostSeries")



@_attrs_define
class PostSeries:
    """ 
        Attributes:
            post_id (str):
            series (list[PostPoint]):
     """

    post_id: str
    series: list[PostPoint]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.post_point import PostPoint # noqa: PLC0415
        post_id = self.post_id

        series = []
        for series_item_data in self.series:
            series_item = series_item_data.to_dict()
            series.append(series_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "post_id": post_id,
            "series": series,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.post_point import PostPoint # noqa: PLC0415
        d = dict(src_dict)
        post_id = d.pop("post_id")

        series = []
        _series = d.pop("series")
        for series_item_data in (_series):
            series_item = PostPoint.from_dict(series_item_data)



            series.append(series_item)


        post_series = cls(
            post_id=post_id,
            series=series,
        )


        post_series.additional_properties = d
        return post_series

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
