from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from accounts.models import Member, Role, SocialAccount, Workspace


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OWNER


class SocialAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialAccount

    workspace = factory.SubFactory(WorkspaceFactory)
    platform = "sandbox"
    external_id = factory.Sequence(lambda n: f"sandbox-{n}")
    username = factory.Sequence(lambda n: f"handle{n}")
    display_name = factory.Sequence(lambda n: f"Account {n}")
    credentials = factory.LazyFunction(
        lambda: {"access_token": "access-secret-token", "refresh_token": "refresh-secret-token"}
    )
