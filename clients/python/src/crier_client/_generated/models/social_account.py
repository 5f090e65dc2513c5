from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.social_account_status_enum import check_social_account_status_enum
from ..models.social_account_status_enum import SocialAccountStatusEnum
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="SocialAccount")



@_attrs_define
class SocialAccount:
    """ Publer's account shape (`provider`, `name`, `picture`), never the credentials.

        Attributes:
            created_at (datetime.datetime):
            external_id (str):
            id (str):
            missing_analytics (list[str]): Analytics the platform will not give for this account, because a scope they need
                was not granted (LinkedIn's need its review of the app); each names the scope.
            name (str):
            picture (str):
            provider (str):
            status (SocialAccountStatusEnum | Unset): * `active` - Active
                * `needs_reauth` - Needs Reauth
                * `disabled` - Disabled
            status_reason (str | Unset):
            timezone (str | Unset):
            token_expires_at (datetime.datetime | None | Unset):
            username (str | Unset):
     """

    created_at: datetime.datetime
    external_id: str
    id: str
    missing_analytics: list[str]
    name: str
    picture: str
    provider: str
    status: SocialAccountStatusEnum | Unset = UNSET
    status_reason: str | Unset = UNSET
    timezone: str | Unset = UNSET
    token_expires_at: datetime.datetime | None | Unset = UNSET
    username: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        external_id = self.external_id

        id = self.id

        missing_analytics = self.missing_analytics



        name = self.name

        picture = self.picture

        provider = self.provider

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status


        status_reason = self.status_reason

        timezone = self.timezone

        token_expires_at: None | str | Unset
        if isinstance(self.token_expires_at, Unset):
            token_expires_at = UNSET
        elif isinstance(self.token_expires_at, datetime.datetime):
            token_expires_at = self.token_expires_at.isoformat()
        else:
            token_expires_at = self.token_expires_at

        username = self.username


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "external_id": external_id,
            "id": id,
            "missing_analytics": missing_analytics,
            "name": name,
            "picture": picture,
            "provider": provider,
        })
        if status is not UNSET:
            field_dict["status"] = status
        if status_reason is not UNSET:
            field_dict["status_reason"] = status_reason
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if token_expires_at is not UNSET:
            field_dict["token_expires_at"] = token_expires_at
        if username is not UNSET:
            field_dict["username"] = username

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        external_id = d.pop("external_id")

        id = d.pop("id")

        missing_analytics = cast(list[str], d.pop("missing_analytics"))


        name = d.pop("name")

        picture = d.pop("picture")

        provider = d.pop("provider")

        _status = d.pop("status", UNSET)
        status: SocialAccountStatusEnum | Unset
        if isinstance(_status,  Unset):
            status = UNSET
        else:
            status = check_social_account_status_enum(_status)




        status_reason = d.pop("status_reason", UNSET)

        timezone = d.pop("timezone", UNSET)

        def _parse_token_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                token_expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return token_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        token_expires_at = _parse_token_expires_at(d.pop("token_expires_at", UNSET))


        username = d.pop("username", UNSET)

        social_account = cls(
            created_at=created_at,
            external_id=external_id,
            id=id,
            missing_analytics=missing_analytics,
            name=name,
            picture=picture,
            provider=provider,
            status=status,
            status_reason=status_reason,
            timezone=timezone,
            token_expires_at=token_expires_at,
            username=username,
        )


        social_account.additional_properties = d
        return social_account

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
