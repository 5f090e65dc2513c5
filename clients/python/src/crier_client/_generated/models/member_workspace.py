from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.role_enum import check_role_enum
from ..models.role_enum import RoleEnum
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="MemberWorkspace")



@_attrs_define
class MemberWorkspace:
    """ A membership seen from the user's side: the workspace and the role in it.

        Attributes:
            created_at (datetime.datetime):
            id (str):
            name (str):
            role (RoleEnum | Unset): * `owner` - Owner
                * `admin` - Admin
                * `editor` - Editor
                * `viewer` - Viewer
     """

    created_at: datetime.datetime
    id: str
    name: str
    role: RoleEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        id = self.id

        name = self.name

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role



        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "id": id,
            "name": name,
        })
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        name = d.pop("name")

        _role = d.pop("role", UNSET)
        role: RoleEnum | Unset
        if isinstance(_role,  Unset):
            role = UNSET
        else:
            role = check_role_enum(_role)




        member_workspace = cls(
            created_at=created_at,
            id=id,
            name=name,
            role=role,
        )


        member_workspace.additional_properties = d
        return member_workspace

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
