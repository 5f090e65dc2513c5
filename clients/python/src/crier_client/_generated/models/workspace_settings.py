from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="WorkspaceSettings")



@_attrs_define
class WorkspaceSettings:
    """ 
        Attributes:
            accounts_connected (int):
            max_accounts (int | None):
            max_posts_per_month (int | None):
            posts_this_month (int):
            approval_required (bool | Unset):
            evergreen_gap_days (int | Unset):
     """

    accounts_connected: int
    max_accounts: int | None
    max_posts_per_month: int | None
    posts_this_month: int
    approval_required: bool | Unset = UNSET
    evergreen_gap_days: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        accounts_connected = self.accounts_connected

        max_accounts: int | None
        max_accounts = self.max_accounts

        max_posts_per_month: int | None
        max_posts_per_month = self.max_posts_per_month

        posts_this_month = self.posts_this_month

        approval_required = self.approval_required

        evergreen_gap_days = self.evergreen_gap_days


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "accounts_connected": accounts_connected,
            "max_accounts": max_accounts,
            "max_posts_per_month": max_posts_per_month,
            "posts_this_month": posts_this_month,
        })
        if approval_required is not UNSET:
            field_dict["approval_required"] = approval_required
        if evergreen_gap_days is not UNSET:
            field_dict["evergreen_gap_days"] = evergreen_gap_days

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        accounts_connected = d.pop("accounts_connected")

        def _parse_max_accounts(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_accounts = _parse_max_accounts(d.pop("max_accounts"))


        def _parse_max_posts_per_month(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_posts_per_month = _parse_max_posts_per_month(d.pop("max_posts_per_month"))


        posts_this_month = d.pop("posts_this_month")

        approval_required = d.pop("approval_required", UNSET)

        evergreen_gap_days = d.pop("evergreen_gap_days", UNSET)

        workspace_settings = cls(
            accounts_connected=accounts_connected,
            max_accounts=max_accounts,
            max_posts_per_month=max_posts_per_month,
            posts_this_month=posts_this_month,
            approval_required=approval_required,
            evergreen_gap_days=evergreen_gap_days,
        )


        workspace_settings.additional_properties = d
        return workspace_settings

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
