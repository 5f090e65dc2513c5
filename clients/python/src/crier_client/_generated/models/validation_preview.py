from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.validation_preview_posts_item import ValidationPreviewPostsItem





T = TypeVar("T", bound="ValidationPreview")



@_attrs_define
class ValidationPreview:
    """ 
        Attributes:
            errors (list[str]):
            needs_approval (bool):
            posts (list[ValidationPreviewPostsItem]):
            valid (bool):
     """

    errors: list[str]
    needs_approval: bool
    posts: list[ValidationPreviewPostsItem]
    valid: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.validation_preview_posts_item import ValidationPreviewPostsItem # noqa: PLC0415
        errors = self.errors



        needs_approval = self.needs_approval

        posts = []
        for posts_item_data in self.posts:
            posts_item = posts_item_data.to_dict()
            posts.append(posts_item)



        valid = self.valid


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "errors": errors,
            "needs_approval": needs_approval,
            "posts": posts,
            "valid": valid,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.validation_preview_posts_item import ValidationPreviewPostsItem # noqa: PLC0415
        d = dict(src_dict)
        errors = cast(list[str], d.pop("errors"))


        needs_approval = d.pop("needs_approval")

        posts = []
        _posts = d.pop("posts")
        for posts_item_data in (_posts):
            posts_item = ValidationPreviewPostsItem.from_dict(posts_item_data)



            posts.append(posts_item)


        valid = d.pop("valid")

        validation_preview = cls(
            errors=errors,
            needs_approval=needs_approval,
            posts=posts,
            valid=valid,
        )


        validation_preview.additional_properties = d
        return validation_preview

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
