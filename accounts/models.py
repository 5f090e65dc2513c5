from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.crypto import EncryptedJSONField
from accounts.ids import public_id_field
from connectors.registry import platform_choices


class Workspace(models.Model):
    id = public_id_field("ws")
    name = models.CharField(max_length=200)
    # Planning settings (planning app): posts by editors, or by keys without the `approve`
    # scope, wait in pending_approval; evergreen posts are not recycled more often than this.
    approval_required = models.BooleanField(default=False)
    evergreen_gap_days = models.PositiveIntegerField(default=30)
    # Plan limits, set by the operator (admin), enforced with a 402; empty means unlimited.
    max_accounts = models.PositiveIntegerField(null=True, blank=True)
    max_posts_per_month = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner"
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"

    @classmethod
    def rank(cls, role: str) -> int:
        return (cls.VIEWER, cls.EDITOR, cls.ADMIN, cls.OWNER).index(role)


class Member(models.Model):
    id = public_id_field("mem")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"

    def has_role(self, minimum: str) -> bool:
        return Role.rank(self.role) >= Role.rank(minimum)


class Scope(models.TextChoices):
    WORKSPACES = "workspaces"
    ACCOUNTS = "accounts"
    POSTS = "posts"
    MEDIA = "media"
    WEBHOOKS = "webhooks"
    APPROVE = "approve"  # approve or reject posts waiting for approval


def _hash_secret(secret: str) -> str:
    # Keys carry 256 random bits, so a fast hash is enough; no key stretching needed.
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedKey:
    """A freshly created key; `secret` exists only here, once, and is never stored."""

    api_key: ApiKey
    secret: str


class ApiKeyQuerySet(models.QuerySet):
    def active(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    KEY_PREFIX = "crier"

    id = public_id_field("key")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=200)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()
    # Not a column: accounts.auth sets how many workspaces the key's user belongs to, read
    # in the same query as the key.
    user_workspaces: int

    class Meta:
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, member: Member, name: str, scopes: list[str]) -> IssuedKey:
        prefix = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        api_key = cls.objects.create(
            member=member,
            name=name,
            prefix=prefix,
            secret_hash=_hash_secret(secret),
            scopes=sorted(set(scopes)),
        )
        return IssuedKey(api_key=api_key, secret=f"{cls.KEY_PREFIX}_{prefix}_{secret}")

    @classmethod
    def split(cls, presented: str) -> tuple[str, str] | None:
        """`crier_<prefix>_<secret>` → (prefix, secret); None when it is not of that shape."""
        head, _, rest = presented.partition("_")
        prefix, _, secret = rest.partition("_")
        if head != cls.KEY_PREFIX or not prefix or not secret:
            return None
        return prefix, secret

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, _hash_secret(secret))

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class AccountStatus(models.TextChoices):
    ACTIVE = "active"
    NEEDS_REAUTH = "needs_reauth"
    DISABLED = "disabled"


class SocialAccountQuerySet(models.QuerySet):
    def connected(self) -> SocialAccountQuerySet:
        return self.filter(disconnected_at__isnull=True)


class SocialAccount(models.Model):
    id = public_id_field("acc")
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="social_accounts"
    )
    platform = models.CharField(max_length=32, choices=platform_choices)
    external_id = models.CharField(max_length=200)
    username = models.CharField(max_length=200, blank=True)
    display_name = models.CharField(max_length=200, blank=True)
    avatar_url = models.URLField(max_length=1000, blank=True)
    status = models.CharField(
        max_length=16, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    status_reason = models.CharField(max_length=500, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    credentials = EncryptedJSONField(default=dict, blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    settings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)

    objects = SocialAccountQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "platform", "external_id"], name="one_account_per_channel"
            )
        ]
        indexes = [models.Index(fields=["workspace", "status"])]

    def __str__(self) -> str:
        return f"{self.platform}:{self.username or self.external_id}"

    @property
    def can_publish(self) -> bool:
        return self.status == AccountStatus.ACTIVE and self.disconnected_at is None


class MonthlyUsage(models.Model):
    """Posts created by a workspace in a calendar month (UTC): the quota's counter.

    Taken with one conditional UPDATE, so concurrent requests can never exceed the limit.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="First day of the month (UTC).")
    posts = models.PositiveIntegerField(default=0)
    warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "month"], name="one_usage_per_month")
        ]
        # Created by planning, which counted posts until plan limits and usage moved here
        # (accounts 0009): the table kept its name, so the move changed no row.
        db_table = "planning_monthlyusage"

    def __str__(self) -> str:
        return f"{self.workspace_id} {self.month:%Y-%m}: {self.posts}"


class OAuthStateQuerySet(models.QuerySet):
    def usable(self) -> OAuthStateQuerySet:
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class OAuthState(models.Model):
    """One pending OAuth connection: bound to a workspace, single use, short-lived.

    The `state` sent to the platform is stored only as a hash, and the PKCE verifier is
    encrypted, so a database read cannot complete someone else's connection.
    """

    id = public_id_field("oas")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(max_length=32, choices=platform_choices)
    state_hash = models.CharField(max_length=64, unique=True)
    secrets = EncryptedJSONField(default=dict)  # {"code_verifier": ...}
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = OAuthStateQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.platform} connection for {self.workspace_id}"

    @staticmethod
    def hash_state(state: str) -> str:
        return _hash_secret(state)
