from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.post_point_extra import PostPointExtra





T = TypeVar("T", bound="PostPoint")



@_attrs_define
class PostPoint:
    """ 
        Attributes:
            account_id (str):
            clicks (int | None):
            comments (int | None):
            delivery_id (str):
            extra (PostPointExtra): Platform-specific counts (quotes, saves).
            impressions (int | None):
            likes (int | None):
            platform (str):
            shares (int | None):
            taken_at (datetime.datetime):
     """

    account_id: str
    clicks: int | None
    comments: int | None
    delivery_id: str
    extra: PostPointExtra
    impressions: int | None
    likes: int | None
    platform: str
    shares: int | None
    taken_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.post_point_extra import PostPointExtra # noqa: PLC0415
        account_id = self.account_id

        clicks: int | None
        clicks = self.clicks

        comments: int | None
        comments = self.comments

        delivery_id = self.delivery_id

        extra = self.extra.to_dict()

        impressions: int | None
        impressions = self.impressions

        likes: int | None
        likes = self.likes

        platform = self.platform

        shares: int | None
        shares = self.shares

        taken_at = self.taken_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "account_id": account_id,
            "clicks": clicks,
            "comments": comments,
            "delivery_id": delivery_id,
            "extra": extra,
            "impressions": impressions,
            "likes": likes,
            "platform": platform,
            "shares": shares,
            "taken_at": taken_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.post_point_extra import PostPointExtra # noqa: PLC0415
        d = dict(src_dict)
        account_id = d.pop("account_id")

        def _parse_clicks(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        clicks = _parse_clicks(d.pop("clicks"))


        def _parse_comments(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        comments = _parse_comments(d.pop("comments"))


        delivery_id = d.pop("delivery_id")

        extra = PostPointExtra.from_dict(d.pop("extra"))




        def _parse_impressions(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        impressions = _parse_impressions(d.pop("impressions"))


        def _parse_likes(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        likes = _parse_likes(d.pop("likes"))


        platform = d.pop("platform")

        def _parse_shares(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        shares = _parse_shares(d.pop("shares"))


        taken_at = datetime.datetime.fromisoformat(d.pop("taken_at"))




        post_point = cls(
            account_id=account_id,
            clicks=clicks,
            comments=comments,
            delivery_id=delivery_id,
            extra=extra,
            impressions=impressions,
            likes=likes,
            platform=platform,
            shares=shares,
            taken_at=taken_at,
        )


        post_point.additional_properties = d
        return post_point

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
