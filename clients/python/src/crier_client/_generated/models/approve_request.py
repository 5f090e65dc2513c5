from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.approve_request_networks import ApproveRequestNetworks





T = TypeVar("T", bound="ApproveRequest")



@_attrs_define
class ApproveRequest:
    """ 
        Attributes:
            comment (str | Unset):
            networks (ApproveRequestNetworks | Unset):
            scheduled_at (datetime.datetime | Unset):
            text (str | Unset):
     """

    comment: str | Unset = UNSET
    networks: ApproveRequestNetworks | Unset = UNSET
    scheduled_at: datetime.datetime | Unset = UNSET
    text: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.approve_request_networks import ApproveRequestNetworks # noqa: PLC0415
        comment = self.comment

        networks: dict[str, Any] | Unset = UNSET
        if not isinstance(self.networks, Unset):
            networks = self.networks.to_dict()

        scheduled_at: str | Unset = UNSET
        if not isinstance(self.scheduled_at, Unset):
            scheduled_at = self.scheduled_at.isoformat()

        text = self.text


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if comment is not UNSET:
            field_dict["comment"] = comment
        if networks is not UNSET:
            field_dict["networks"] = networks
        if scheduled_at is not UNSET:
            field_dict["scheduled_at"] = scheduled_at
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.approve_request_networks import ApproveRequestNetworks # noqa: PLC0415
        d = dict(src_dict)
        comment = d.pop("comment", UNSET)

        _networks = d.pop("networks", UNSET)
        networks: ApproveRequestNetworks | Unset
        if isinstance(_networks,  Unset):
            networks = UNSET
        else:
            networks = ApproveRequestNetworks.from_dict(_networks)




        _scheduled_at = d.pop("scheduled_at", UNSET)
        scheduled_at: datetime.datetime | Unset
        if isinstance(_scheduled_at,  Unset):
            scheduled_at = UNSET
        else:
            scheduled_at = datetime.datetime.fromisoformat(_scheduled_at)




        text = d.pop("text", UNSET)

        approve_request = cls(
            comment=comment,
            networks=networks,
            scheduled_at=scheduled_at,
            text=text,
        )


        approve_request.additional_properties = d
        return approve_request

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
