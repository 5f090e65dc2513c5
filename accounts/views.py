from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.auth import api_context
from accounts.connect_views import TokenConnectView
from accounts.models import Role, Scope
from accounts.serializers import (
    MemberWorkspaceSerializer,
    SocialAccountSerializer,
    UserSerializer,
)


class MeView(APIView):
    required_scope = Scope.WORKSPACES

    @extend_schema(responses=UserSerializer, tags=["users"])
    def get(self, request: Request) -> Response:
        member = api_context(request).member
        return Response(UserSerializer(member.user, context={"member": member}).data)


class WorkspaceListView(APIView):
    required_scope = Scope.WORKSPACES

    @extend_schema(responses=MemberWorkspaceSerializer(many=True), tags=["workspaces"])
    def get(self, request: Request) -> Response:
        memberships = selectors.workspaces_of_member(member=api_context(request).member)
        return Response(MemberWorkspaceSerializer(memberships, many=True).data)


class SocialAccountListView(TokenConnectView):
    """GET lists connected accounts; POST connects a token platform (see TokenConnectView)."""

    @extend_schema(responses=SocialAccountSerializer(many=True), tags=["accounts"])
    def get(self, request: Request) -> Response:
        accounts = selectors.social_account_list(workspace=api_context(request).workspace)
        return Response(SocialAccountSerializer(accounts, many=True).data)


class SocialAccountDetailView(APIView):
    required_scope = Scope.ACCOUNTS
    write_role = Role.ADMIN

    @extend_schema(responses=SocialAccountSerializer, tags=["accounts"])
    def get(self, request: Request, account_id: str) -> Response:
        account = selectors.social_account_get(
            workspace=api_context(request).workspace, account_id=account_id
        )
        return Response(SocialAccountSerializer(account).data)

    @extend_schema(responses={204: None}, tags=["accounts"])
    def delete(self, request: Request, account_id: str) -> Response:
        account = selectors.social_account_get(
            workspace=api_context(request).workspace, account_id=account_id
        )
        services.social_account_disconnect(account=account)
        return Response(status=204)
