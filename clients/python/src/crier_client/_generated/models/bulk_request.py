from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.bulk_state_enum import BulkStateEnum
from ..models.bulk_state_enum import check_bulk_state_enum
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.post_input_request import PostInputRequest





T = TypeVar("T", bound="BulkRequest")



@_attrs_define
class BulkRequest:
    """ A request shape validated once per item of a bulk (up to CRIER_BULK_LIMIT posts).

        Attributes:
            posts (list[PostInputRequest]):
            state (BulkStateEnum | Unset): * `scheduled` - scheduled
                * `draft` - draft
                * `queue` - queue Default: 'scheduled'.
     """

    posts: list[PostInputRequest]
    state: BulkStateEnum | Unset = 'scheduled'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.post_input_request import PostInputRequest # noqa: PLC0415
        posts = []
        for posts_item_data in self.posts:
            posts_item = posts_item_data.to_dict()
            posts.append(posts_item)



        state: str | Unset = UNSET
        if not isinstance(self.state, Unset):
            state = self.state



        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "posts": posts,
        })
        if state is not UNSET:
            field_dict["state"] = state

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.post_input_request import PostInputRequest # noqa: PLC0415
        d = dict(src_dict)
        posts = []
        _posts = d.pop("posts")
        for posts_item_data in (_posts):
            posts_item = PostInputRequest.from_dict(posts_item_data)



            posts.append(posts_item)


        _state = d.pop("state", UNSET)
        state: BulkStateEnum | Unset
        if isinstance(_state,  Unset):
            state = UNSET
        else:
            state = check_bulk_state_enum(_state)




        bulk_request = cls(
            posts=posts,
            state=state,
        )


        bulk_request.additional_properties = d
        return bulk_request

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
