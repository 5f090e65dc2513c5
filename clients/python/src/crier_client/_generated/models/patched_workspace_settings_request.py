from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="PatchedWorkspaceSettingsRequest")



@_attrs_define
class PatchedWorkspaceSettingsRequest:
    """ 
        Attributes:
            approval_required (bool | Unset):
            evergreen_gap_days (int | Unset):
     """

    approval_required: bool | Unset = UNSET
    evergreen_gap_days: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        approval_required = self.approval_required

        evergreen_gap_days = self.evergreen_gap_days


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if approval_required is not UNSET:
            field_dict["approval_required"] = approval_required
        if evergreen_gap_days is not UNSET:
            field_dict["evergreen_gap_days"] = evergreen_gap_days

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        approval_required = d.pop("approval_required", UNSET)

        evergreen_gap_days = d.pop("evergreen_gap_days", UNSET)

        patched_workspace_settings_request = cls(
            approval_required=approval_required,
            evergreen_gap_days=evergreen_gap_days,
        )


        patched_workspace_settings_request.additional_properties = d
        return patched_workspace_settings_request

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
