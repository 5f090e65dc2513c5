from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from accounts.auth import ApiContext
from accounts.models import Role

if TYPE_CHECKING:
    from rest_framework.views import APIView


class HasWorkspaceScope(BasePermission):
    """The key must carry the view's `required_scope`; writes need `write_role` or above.

    Views declare `required_scope` (one of accounts.models.Scope), `extra_scopes` when a
    route does the work of several (creating posts that fetch media needs `media` too), and
    may raise `write_role` (default editor): viewers read, editors write posts, admins
    manage accounts.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        context = request.auth
        if not isinstance(context, ApiContext):
            return False  # DRF turns this into 401, since no credentials were given
        scope = getattr(view, "required_scope", None)
        if scope is None:
            raise AssertionError(f"{type(view).__name__} must declare required_scope")
        for needed in (scope, *getattr(view, "extra_scopes", ())):
            if not context.has_scope(needed):
                self.message = f"This API key lacks the '{needed}' scope."
                return False
        if request.method not in SAFE_METHODS:
            minimum = getattr(view, "write_role", Role.EDITOR)
            if not context.member.has_role(minimum):
                self.message = (
                    f"Your role '{context.member.role}' cannot do this; it needs '{minimum}'."
                )
                return False
        return True
