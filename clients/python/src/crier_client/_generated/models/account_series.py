from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.account_point import AccountPoint





T = TypeVar("T", bound="AccountSeries")



@_attrs_define
class AccountSeries:
    """ 
        Attributes:
            account_id (str):
            platform (str):
            series (list[AccountPoint]):
     """

    account_id: str
    platform: str
    series: list[AccountPoint]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.account_point import AccountPoint # noqa: PLC0415
        account_id = self.account_id

        platform = self.platform

        series = []
        for series_item_data in self.series:
            series_item = series_item_data.to_dict()
            series.append(series_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "account_id": account_id,
            "platform": platform,
            "series": series,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.account_point import AccountPoint # noqa: PLC0415
        d = dict(src_dict)
        account_id = d.pop("account_id")

        platform = d.pop("platform")

        series = []
        _series = d.pop("series")
        for series_item_data in (_series):
            series_item = AccountPoint.from_dict(series_item_data)



            series.append(series_item)


        account_series = cls(
            account_id=account_id,
            platform=platform,
            series=series,
        )


        account_series.additional_properties = d
        return account_series

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
