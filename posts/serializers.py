"""Shapes of the native posts API (Publer's): validated synchronously, before anything is stored."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from connectors.registry import CONNECTORS, connector_class
from core.fastpaths.serializer_fields import FieldsListedOnce
from core.timestamps import TimestampField, TimestampModelSerializer
from posts.commands import JobRequest, MediaRef, PostSpec, Recurrence, Target
from posts.models import Attempt, Delivery, Job, Post
from posts.recurrence_rules import InvalidRule, normalize_rule

POST_TYPES = ("status", "link", "photo", "video", "carousel", "reel", "story", "article")
MEDIA_TYPES = ("photo", "video", "carousel", "reel", "story")
MAX_THREAD_DELAY = 7 * 24 * 3600  # seconds
MAX_MEDIA_PER_POST = 20


def network_names() -> set[str]:
    return {"default", *CONNECTORS}


# Its writable fields are listed once (core/fastpaths/serializer_fields.py): validated once
# per item of a bulk, DRF would filter them again for every item.
class InputSerializer(FieldsListedOnce):
    """A request shape validated once per item of a bulk (up to CRIER_BULK_LIMIT posts)."""


class AwareDateTimeField(TimestampField):
    """ISO 8601 with an offset; a naive time is refused instead of being guessed."""

    def to_internal_value(self, value: Any) -> datetime:
        # DRF's own parsing would silently read a naive time in the default zone (UTC), so
        # look at the text before it does.
        parsed = value if isinstance(value, datetime) else _parse_iso(value)
        if parsed is None:
            return super().to_internal_value(value)  # DRF's message for what is not a time
        if timezone.is_naive(parsed):
            raise serializers.ValidationError(
                f"'{value}' has no UTC offset: send ISO 8601 with an offset, "
                "for example 2026-12-01T09:00:00+01:00."
            )
        return self.enforce_timezone(parsed)

    def default_timezone(self) -> tzinfo:
        # Crier never activates a zone per request: the default one, without the context
        # lookup of get_current_timezone() (a tenth of a 100-post request's CPU).
        return timezone.get_default_timezone()


def _parse_iso(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value.strip())
    except ValueError:  # well formed but impossible, such as February 30: DRF says so
        return None


class NetworkBlockSerializer(InputSerializer):
    """One network's content. Options beyond type and text belong to that network's connector."""

    type = serializers.ChoiceField(choices=POST_TYPES, default="status")
    text = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)
    thread = serializers.ListField(
        child=serializers.CharField(max_length=10000), required=False, max_length=25
    )
    thread_delays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=MAX_THREAD_DELAY),
        required=False,
        max_length=25,
        help_text="Seconds to wait after each thread item's predecessor is published before "
        "posting it, one per `thread` item. With any delay, each follow-up is its own "
        "delivery, published in reply to the one before (a thread stops at an item that "
        "fails); without, the thread goes out at once. On platforms where follow-ups are "
        "comments (Facebook, Instagram, LinkedIn) they always go out one by one.",
    )

    def validate(self, attrs: dict) -> dict:
        delays = attrs.get("thread_delays")
        if delays is not None and len(delays) != len(attrs.get("thread", ())):
            raise serializers.ValidationError(
                {"thread_delays": ["needs one delay (seconds) per thread item."]}
            )
        return attrs

    def to_internal_value(self, data: object) -> dict:
        validated = super().to_internal_value(data)
        if isinstance(data, dict):
            # Unknown keys are kept as options; connectors validate them (see DESIGN.md).
            validated["options"] = {
                key: value for key, value in data.items() if key not in self.fields
            }
        return validated


def content_problems(networks: dict, media: list) -> list[str]:
    """What makes these network blocks unpublishable whatever the account."""
    problems = []
    for name, block in networks.items():
        if not block.get("text", "").strip() and not media:
            problems.append(f"{name}: text is empty and the post has no media.")
        if block.get("type") in MEDIA_TYPES and not media:
            problems.append(f"{name}: type '{block['type']}' needs media.")
    return problems


class TargetSerializer(InputSerializer):
    id = serializers.CharField(max_length=40)
    scheduled_at = AwareDateTimeField(required=False)


class MediaRefSerializer(InputSerializer):
    id = serializers.CharField(max_length=40)
    alt = serializers.CharField(max_length=1500, required=False, allow_blank=True, default="")


class RecurrenceSerializer(InputSerializer):
    """An RFC 5545 rule from the post's scheduled_at, in each account's timezone, with an end."""

    rrule = serializers.CharField(max_length=500)
    count = serializers.IntegerField(min_value=1, required=False)
    until = AwareDateTimeField(required=False)

    def validate_rrule(self, rule: str) -> str:
        try:
            return normalize_rule(rule)
        except InvalidRule as exc:
            raise serializers.ValidationError(str(exc)) from None

    def validate_count(self, count: int) -> int:
        limit = settings.CRIER_RECURRENCE_MAX_COUNT
        if count > limit:
            raise serializers.ValidationError(f"at most {limit} occurrences.")
        return count

    def validate(self, attrs: dict) -> dict:
        if ("count" in attrs) == ("until" in attrs):
            raise serializers.ValidationError("give exactly one end: count or until.")
        return attrs


def thread_media_field(**options: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ListField(child=MediaRefSerializer(), max_length=MAX_MEDIA_PER_POST),
        max_length=25,
        help_text="Media of each thread follow-up (one list per `thread` item, `[]` for none; "
        "the same for every network's thread), checked against each platform's limits for "
        "replies. A thread with media goes out one item at a time, each in reply to the one "
        "before (as with `thread_delays`). Refused where follow-ups are comments (Facebook, "
        "Instagram, LinkedIn): Crier posts those as text.",
        **options,
    )


def thread_media_problems(networks: dict, thread_media: list) -> list[str]:
    longest = max((len(block.get("thread", ())) for block in networks.values()), default=0)
    if len(thread_media) > longest:
        return [f"has more lists than the thread has items ({longest})."]
    return []


class PostInputSerializer(InputSerializer):
    networks = serializers.DictField(child=NetworkBlockSerializer(), allow_empty=False)
    accounts = serializers.ListField(child=TargetSerializer(), allow_empty=False, max_length=100)
    media = serializers.ListField(
        child=MediaRefSerializer(), required=False, max_length=MAX_MEDIA_PER_POST
    )
    thread_media = thread_media_field(required=False)
    labels = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=20
    )
    recurrence = RecurrenceSerializer(required=False)
    evergreen = serializers.BooleanField(
        required=False, help_text="Recycle it into the accounts' evergreen slots (planning)."
    )

    def validate_networks(self, networks: dict) -> dict:
        return known_networks(networks)

    def validate_accounts(self, accounts: list[dict]) -> list[dict]:
        ids = [target["id"] for target in accounts]
        duplicates = sorted({account_id for account_id in ids if ids.count(account_id) > 1})
        if duplicates:
            raise serializers.ValidationError(f"account(s) listed twice: {', '.join(duplicates)}.")
        return accounts

    def validate(self, attrs: dict) -> dict:
        """Rules across fields; every broken one is reported, not just the first."""
        errors: dict[str, Any] = {}
        content = content_problems(attrs["networks"], attrs.get("media") or [])
        if content:
            errors["networks"] = content
        if thread := thread_media_problems(attrs["networks"], attrs.get("thread_media", [])):
            errors["thread_media"] = thread
        mode = self.context["mode"]
        if mode == Job.Kind.QUEUE:
            # Queue posts take each account's next free posting-schedule slot (planning).
            timed = {
                index: {"scheduled_at": ["is not allowed with state queue: the slot decides."]}
                for index, target in enumerate(attrs["accounts"])
                if "scheduled_at" in target
            }
            if timed:
                errors["accounts"] = timed
        recurrence = attrs.get("recurrence")
        if recurrence is not None:
            problems = _recurrence_problems(mode, recurrence, attrs["accounts"])
            if problems:
                errors["recurrence"] = problems
        if mode == Job.Kind.SCHEDULE:
            # A little slack for clock skew and request transit.
            earliest = timezone.now() - settings.CRIER_PAST_TOLERANCE
            targets: dict[int, dict[str, list[str]]] = {}
            for index, target in enumerate(attrs["accounts"]):
                when = target.get("scheduled_at")
                if when is None:
                    targets[index] = {"scheduled_at": ["is required for scheduled posts."]}
                elif when < earliest:
                    targets[index] = {"scheduled_at": [f"{when.isoformat()} is in the past."]}
            if targets:
                errors["accounts"] = targets
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def known_networks(networks: dict) -> dict:
    """Networks Crier knows, each with options its connector accepts."""
    unknown = sorted(set(networks) - network_names())
    if unknown:
        known = ", ".join(sorted(network_names()))
        raise serializers.ValidationError(
            f"unknown network(s) {', '.join(unknown)}; known: {known}."
        )
    problems = [
        f"{name}: {problem.message}"
        for name, block in networks.items()
        if name != "default"
        for problem in connector_class(name).option_problems(block.get("options", {}))
    ]
    if problems:
        raise serializers.ValidationError(problems)
    return networks


def _recurrence_problems(mode: str, recurrence: dict, targets: list[dict]) -> list[str]:
    if mode not in (Job.Kind.SCHEDULE, Job.Kind.DRAFT):
        return [f"is not available with {mode}: send state scheduled (or draft)."]
    if any(target.get("scheduled_at") is None for target in targets):
        return ["needs scheduled_at on every account: it is the first occurrence."]
    until = recurrence.get("until")
    first = min(target["scheduled_at"] for target in targets)
    if until is not None and until <= first:
        return [f"until ({until.isoformat()}) is not after the first occurrence."]
    return []


class BulkPostsField(serializers.ListField):
    """The bulk's posts; an over-long list is refused before any item is validated."""

    def to_internal_value(self, data: Any) -> list:
        limit = settings.CRIER_BULK_LIMIT
        if isinstance(data, list) and len(data) > limit:
            raise serializers.ValidationError(
                f"at most {limit} posts per request, got {len(data)}."
            )
        return super().to_internal_value(data)


class BulkSerializer(InputSerializer):
    state = serializers.ChoiceField(choices=["scheduled", "draft", "queue"], default="scheduled")
    posts = BulkPostsField(child=PostInputSerializer(), allow_empty=False)


class ScheduleRequestSerializer(InputSerializer):
    bulk = BulkSerializer()

    def command(self) -> JobRequest:
        """The validated request as the command `services.job_create` takes; the job's
        kind is the `mode` it was validated for."""
        posts = self.validated_data["bulk"]["posts"]
        return JobRequest(kind=self.context["mode"], posts=tuple(_post_spec(p) for p in posts))


def _post_spec(item: dict) -> PostSpec:
    recurrence = item.get("recurrence")
    return PostSpec(
        networks=item["networks"],
        targets=tuple(
            Target(account_id=target["id"], scheduled_at=target.get("scheduled_at"))
            for target in item["accounts"]
        ),
        media=tuple(MediaRef(id=ref["id"], alt=ref["alt"]) for ref in item.get("media", ())),
        labels=tuple(item.get("labels", ())),
        recurrence=Recurrence(**recurrence) if recurrence else None,
        evergreen=item.get("evergreen", False),
        thread_media=tuple(
            tuple(MediaRef(id=ref["id"], alt=ref["alt"]) for ref in refs)
            for refs in item.get("thread_media", ())
        ),
    )


class JobAcceptedSerializer(serializers.Serializer):
    job_id = serializers.CharField()


class JobPostSerializer(serializers.Serializer):
    id = serializers.CharField()
    post_id = serializers.CharField()
    account_id = serializers.CharField()
    state = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    error = serializers.CharField(allow_blank=True)


class JobStatusSerializer(serializers.Serializer):
    status = serializers.CharField()
    payload = serializers.DictField()
    created_at = TimestampField()
    completed_at = TimestampField(allow_null=True)


class AttemptSerializer(TimestampModelSerializer):
    class Meta:
        model = Attempt
        fields = [
            "number",
            "started_at",
            "finished_at",
            "outcome",
            "error_class",
            "message",
            "duration_ms",
        ]


class DeliverySerializer(TimestampModelSerializer):
    account_id = serializers.CharField()
    state = serializers.CharField(source="status")
    url = serializers.CharField(source="external_url")
    error = serializers.SerializerMethodField()
    attempt_log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "account_id",
            "state",
            "scheduled_at",
            "attempts",
            "external_id",
            "url",
            "published_at",
            "error",
            "reply_to",
            "thread_index",
            "attempt_log",
        ]
        extra_kwargs = {
            "reply_to": {"help_text": "The delivery this thread item answers (delayed threads)."}
        }

    def get_error(self, delivery: Delivery) -> dict | None:
        if not delivery.error_message:
            return None
        return {
            "code": delivery.error_code,
            "message": delivery.error_message,
            "platform_response": delivery.error_response,
        }


class PostSerializer(TimestampModelSerializer):
    state = serializers.SerializerMethodField()
    # Post.media, read from the post's links (prefetch `media_links` for lists). Declared
    # as the JSON column it replaced was, so the schema and the clients stay as they were;
    # this serializer only answers (edits go through PostUpdateSerializer).
    media = serializers.JSONField(required=False, help_text="[{id, alt}] in order.")
    thread_media = thread_media_field(read_only=True)
    deliveries = DeliverySerializer(many=True, read_only=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "state",
            "networks",
            "media",
            "thread_media",
            "labels",
            "job_id",
            "created_at",
            "updated_at",
            "deliveries",
        ]

    def get_state(self, post: Post) -> str:
        return post.state


class PostUpdateSerializer(serializers.Serializer):
    """A partial edit; context["post"] is the post, so the result is checked as a whole."""

    networks = serializers.DictField(child=NetworkBlockSerializer(), required=False)
    media = serializers.ListField(
        child=MediaRefSerializer(), required=False, max_length=MAX_MEDIA_PER_POST
    )
    thread_media = thread_media_field(required=False)
    labels = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    scheduled_at = AwareDateTimeField(required=False)
    state = serializers.ChoiceField(choices=["scheduled", "draft"], required=False)

    def validate_networks(self, networks: dict) -> dict:
        return known_networks(networks)

    def validate_scheduled_at(self, when: datetime) -> datetime:
        if when < timezone.now() - settings.CRIER_PAST_TOLERANCE:
            raise serializers.ValidationError(f"{when.isoformat()} is in the past.")
        return when

    def to_internal_value(self, data: Any) -> dict:
        # An edit that names a field Crier does not edit must not answer 200 having done
        # nothing (`{"text": ...}` is `networks.<network>.text`).
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        if unknown:
            raise serializers.ValidationError(
                {
                    name: [f"Not an editable field; editable: {', '.join(self.fields)}."]
                    for name in unknown
                }
            )
        return super().to_internal_value(data)

    def validate(self, attrs: dict) -> dict:
        post = self.context["post"]
        networks = attrs.get("networks", post.networks)
        errors = {}
        if problems := content_problems(networks, attrs.get("media", post.media)):
            errors["networks"] = problems
        if "thread_media" in attrs and (
            problems := thread_media_problems(networks, attrs["thread_media"])
        ):
            errors["thread_media"] = problems
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ApproveSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False, allow_blank=False, trim_whitespace=False, max_length=100000
    )
    networks = serializers.DictField(child=NetworkBlockSerializer(), required=False)
    scheduled_at = AwareDateTimeField(required=False)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    def validate_networks(self, networks: dict) -> dict:
        return known_networks(networks)

    def validate_scheduled_at(self, when: datetime) -> datetime:
        if when < timezone.now() - settings.CRIER_PAST_TOLERANCE:
            raise serializers.ValidationError(f"{when.isoformat()} is in the past.")
        return when


class RejectSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=5000)


class ApprovalDecisionSerializer(serializers.Serializer):
    post_id = serializers.CharField()
    verdict = serializers.CharField()
    comment = serializers.CharField()
    decided_by = serializers.CharField(source="decided_by_name")
    created_at = TimestampField()
