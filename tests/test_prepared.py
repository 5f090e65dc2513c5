"""`PreparedQuery` answers as the ORM does: same rows, same names, same Python values, with
the queryset built once; misuse fails loudly; `instance` rebuilds the ORM's objects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from rest_framework.exceptions import AuthenticationFailed

from accounts.auth import resolve_api_key
from accounts.models import ApiKey, Member, Workspace
from core.fastpaths.prepared import PreparedQuery, columns, instance
from posts.models import Delivery, Job, Post
from posts.states import DeliveryStatus, JobStatus

pytestmark = pytest.mark.django_db

# Microseconds and a leap day: SQLite keeps datetimes as text, which must come back exact.
COMPLETED_AT = datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=UTC)


def counted(build: Callable[..., QuerySet]) -> tuple[Callable[..., QuerySet], list[dict]]:
    """`build`, and the list of the arguments of each call made to it."""
    calls: list[dict] = []

    def wrapper(**markers: Any) -> QuerySet:
        calls.append(markers)
        return build(**markers)

    return wrapper, calls


def assert_same_as_orm(build: Callable[..., QuerySet], **values: Any) -> list[dict[str, Any]]:
    """The prepared rows are the ORM's: same names in the same order, equal values of the
    same types."""
    prepared = PreparedQuery(build, *values).rows(**values)
    orm = list(build(**values))
    assert [list(row.items()) for row in prepared] == [list(row.items()) for row in orm]
    assert [[type(value) for value in row.values()] for row in prepared] == [
        [type(value) for value in row.values()] for row in orm
    ]
    return prepared


@pytest.fixture
def jobs(workspace, owner, outsider) -> dict[str, Job]:
    done = Job.objects.create(
        workspace=workspace,
        kind=Job.Kind.SCHEDULE,
        status=JobStatus.COMPLETED,
        created_by=owner.member,
        request={"posts": [{"text": "héllo", "at": "2024-02-29T23:59:58Z"}]},
        payload={"failures": {"1": ["too long"]}, "nested": [1, 2.5, None, True, "é"]},
        error="one post failed",
        completed_at=COMPLETED_AT,
    )
    # created_by and completed_at left NULL.
    working = Job.objects.create(workspace=workspace, kind=Job.Kind.PUBLISH_NOW, payload={})
    foreign = Job.objects.create(
        workspace=outsider.workspace, kind=Job.Kind.DRAFT, payload={"foreign": 1}
    )
    return {"done": done, "working": working, "foreign": foreign}


@pytest.fixture
def deliveries(jobs, account) -> list[Delivery]:
    job = jobs["done"]
    post = Post.objects.create(workspace=job.workspace, job=job, networks={"default": {}})
    first = Delivery.objects.create(
        workspace=job.workspace,
        post=post,
        account=account,
        status=DeliveryStatus.PUBLISHED,
        scheduled_at=COMPLETED_AT - timedelta(hours=1),
        published_at=COMPLETED_AT,
        external_url="https://example.com/1",
        idempotency_key="prepared-1",
    )
    reply = Delivery.objects.create(
        workspace=job.workspace,
        post=post,
        account=account,
        status=DeliveryStatus.FAILED,
        scheduled_at=COMPLETED_AT,
        error_message="rejected",
        reply_to=first,
        thread_index=1,
        idempotency_key="prepared-2",
    )
    return [first, reply]


# 1. Rows as the ORM gives them.


def test_rows_match_the_orms_values_for_every_job_column_json_and_datetimes_included(jobs):
    def build(workspace):
        return Job.objects.filter(workspace=workspace).order_by("pk").values(*columns(Job))

    rows = assert_same_as_orm(build, workspace=jobs["done"].workspace_id)

    assert [row["id"] for row in rows] == sorted([jobs["done"].pk, jobs["working"].pk])
    done = next(row for row in rows if row["id"] == jobs["done"].pk)
    assert done["completed_at"] == COMPLETED_AT
    assert isinstance(done["created_at"], datetime) and done["created_at"].tzinfo is not None
    assert done["payload"] == {"failures": {"1": ["too long"]}, "nested": [1, 2.5, None, True, "é"]}
    assert done["request"] == {"posts": [{"text": "héllo", "at": "2024-02-29T23:59:58Z"}]}
    assert done["created_by"] == jobs["done"].created_by_id
    assert done["needs_approval"] is False
    working = next(row for row in rows if row["id"] == jobs["working"].pk)
    assert working["completed_at"] is None
    assert working["created_by"] is None


def test_rows_match_the_orms_values_for_deliveries_with_and_without_the_nullable_reply_to(
    deliveries,
):
    def build(job):
        return (
            Delivery.objects.filter(post__job=job)
            .order_by("scheduled_at", "pk")
            .values(*columns(Delivery))
        )

    rows = assert_same_as_orm(build, job=deliveries[0].post.job_id)

    assert [row["reply_to"] for row in rows] == [None, deliveries[0].pk]
    assert [row["published_at"] for row in rows] == [COMPLETED_AT, None]
    assert [row["thread_index"] for row in rows] == [None, 1]


def test_rows_match_the_orms_values_across_joins_through_a_nullable_foreign_key(jobs):
    # created_by is NULL on one job: its joined columns (a datetime among them) are None.
    def build(workspace):
        return (
            Job.objects.filter(workspace=workspace)
            .order_by("pk")
            .values("id", *columns(Member, "created_by"), "created_by__user__username")
        )

    rows = assert_same_as_orm(build, workspace=jobs["done"].workspace_id)

    by_id = {row["id"]: row for row in rows}
    creator = jobs["done"].created_by
    assert by_id[jobs["done"].pk]["created_by__created_at"] == creator.created_at
    assert by_id[jobs["done"].pk]["created_by__user__username"] == creator.user.username
    assert by_id[jobs["working"].pk]["created_by__created_at"] is None


def test_rows_match_the_orms_values_for_api_keys_with_json_scopes_and_datetimes(owner):
    ApiKey.objects.update(last_used_at=COMPLETED_AT)

    def build(prefix):
        return ApiKey.objects.filter(prefix=prefix).values(
            *columns(ApiKey), *columns(Workspace, "member__workspace")
        )

    key = ApiKey.objects.get(member=owner.member)
    (row,) = assert_same_as_orm(build, prefix=key.prefix)

    assert row["scopes"] == key.scopes and isinstance(row["scopes"], list)
    assert row["last_used_at"] == COMPLETED_AT
    assert row["revoked_at"] is None
    assert row["member__workspace__created_at"] == owner.workspace.created_at


# 2. Values bound per call; the queryset built once.


def test_each_call_binds_its_own_values_and_the_queryset_is_built_once(jobs):
    build, calls = counted(
        lambda workspace: Job.objects.filter(workspace=workspace).order_by("pk").values("id")
    )
    query = PreparedQuery(build, "workspace")
    mine, theirs = jobs["done"].workspace_id, jobs["foreign"].workspace_id

    assert query.rows(workspace=mine) == [
        {"id": pk} for pk in sorted([jobs["done"].pk, jobs["working"].pk])
    ]
    assert query.rows(workspace=theirs) == [{"id": jobs["foreign"].pk}]
    assert query.rows(workspace="ws_does_not_exist") == []
    assert query.rows(workspace=mine) == [
        {"id": pk} for pk in sorted([jobs["done"].pk, jobs["working"].pk])
    ]
    assert len(calls) == 1


def test_nothing_is_built_before_the_first_call():
    build, calls = counted(lambda job: Job.objects.filter(pk=job).values("id"))

    PreparedQuery(build, "job")

    assert calls == []


def test_several_parameters_bind_in_their_own_places_one_of_them_inside_an_annotation(
    deliveries,
):
    # The subquery's parameter comes before the WHERE clause's among the SQL's parameters.
    def build(status, job):
        failed = (
            Delivery.objects.filter(post=OuterRef("pk"), status=status)
            .order_by()
            .values("post")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Post.objects.filter(job=job).annotate(matching=Subquery(failed)).values("matching")

    build, calls = counted(build)
    query = PreparedQuery(build, "status", "job")
    job = deliveries[0].post.job_id

    assert query.rows(job=job, status=DeliveryStatus.FAILED) == [{"matching": 1}]
    assert query.rows(job=job, status=DeliveryStatus.SCHEDULED) == [{"matching": None}]
    assert query.rows(job="job_does_not_exist", status=DeliveryStatus.FAILED) == []
    assert len(calls) == 1


# 3. Annotations under their aliases.


def test_a_subquery_count_comes_back_under_its_alias_with_the_columns_around_it(deliveries):
    # The annotation is named first, before a datetime column: names and converters
    # follow the order `.values()` gives.
    def build(workspace):
        per_post = (
            Delivery.objects.filter(post__job=OuterRef("pk"))
            .order_by()
            .values("post__job")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            Job.objects.filter(workspace=workspace)
            .annotate(delivery_count=Subquery(per_post))
            .order_by("pk")
            .values("delivery_count", "completed_at", "id")
        )

    workspace = deliveries[0].workspace_id
    rows = assert_same_as_orm(build, workspace=workspace)

    assert list(rows[0]) == ["delivery_count", "completed_at", "id"]
    counts = {row["id"]: row["delivery_count"] for row in rows}
    done = deliveries[0].post.job_id
    assert counts[done] == 2
    assert [count for pk, count in counts.items() if pk != done] == [None]  # no deliveries


def test_an_aggregate_and_an_expression_come_back_under_their_aliases(deliveries):
    def build(workspace):
        return (
            Post.objects.filter(workspace=workspace)
            .values("job")
            .annotate(deliveries_count=Count("deliveries"), latest=F("job__completed_at"))
            .order_by("job")
        )

    (row,) = assert_same_as_orm(build, workspace=deliveries[0].workspace_id)

    assert row == {
        "job": deliveries[0].post.job_id,
        "deliveries_count": 2,
        "latest": COMPLETED_AT,
    }


def test_an_expression_named_in_values_keeps_its_name(jobs):
    def build(job):
        return Job.objects.filter(pk=job).values(creator=F("created_by__user__username"))

    (row,) = assert_same_as_orm(build, job=jobs["done"].pk)

    assert row == {"creator": jobs["done"].created_by.user.username}


# 4. Misuse fails loudly.


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda prefix: ApiKey.objects.values("id"), id="ignored"),
        pytest.param(
            lambda prefix: ApiKey.objects.filter(prefix=prefix, name=prefix).values("id"),
            id="used-twice",
        ),
        pytest.param(
            lambda prefix: ApiKey.objects.filter(prefix__icontains=prefix).values("id"),
            id="icontains",
        ),
        pytest.param(
            lambda prefix: ApiKey.objects.filter(prefix__startswith=prefix).values("id"),
            id="startswith",
        ),
        pytest.param(
            lambda prefix: ApiKey.objects.filter(scopes=[prefix]).values("id"),
            id="json-encoded",
        ),
    ],
)
def test_a_parameter_that_does_not_reach_the_sql_unchanged_raises_at_first_use(build, owner):
    query = PreparedQuery(build, "prefix")

    with pytest.raises(ValueError, match="must reach the SQL once, unchanged"):
        query.rows(prefix="anything")
    # Nothing half-compiled is kept: the next call fails the same way.
    with pytest.raises(ValueError, match="must reach the SQL once, unchanged"):
        query.rows(prefix="anything")


def test_a_value_django_escapes_for_like_is_refused_or_matches_as_the_orm_does(owner):
    """On SQLite `iexact` is a LIKE whose value Django escapes in Python; a value bound
    later would skip that escaping, so the marker holds `%` and `_` and the escaped marker
    fails the check. On PostgreSQL `iexact` is `UPPER(%s)`, the value unchanged."""
    key = ApiKey.objects.get(member=owner.member)
    wildcard = key.prefix[0] + "_" + key.prefix[2:]  # differs from the prefix in one place

    def build(prefix):
        return ApiKey.objects.filter(prefix__iexact=prefix).values("id")

    query = PreparedQuery(build, "prefix")
    if connection.vendor == "sqlite":
        with pytest.raises(ValueError, match="must reach the SQL once, unchanged"):
            query.rows(prefix=wildcard)
    else:
        assert query.rows(prefix=wildcard) == list(build(prefix=wildcard)) == []
        assert query.rows(prefix=key.prefix.upper()) == [{"id": key.pk}]


# 5. Instances.


def test_instance_equals_the_orms_instance_field_for_field(jobs):
    query = PreparedQuery(lambda job: Job.objects.filter(pk=job).values(*columns(Job)), "job")

    for job in jobs.values():
        (row,) = query.rows(job=job.pk)
        built = instance(Job, row)
        loaded = Job.objects.get(pk=job.pk)

        assert built == loaded
        assert built.get_deferred_fields() == set()
        for field in Job._meta.concrete_fields:
            assert getattr(built, field.attname) == getattr(loaded, field.attname), field.name
        assert built._state.adding is False
        assert built._state.db == "default"


def test_instances_through_paths_equal_the_related_objects(owner):
    user_model = get_user_model()
    query = PreparedQuery(
        lambda prefix: ApiKey.objects.filter(prefix=prefix).values(
            *columns(ApiKey),
            *columns(Member, "member"),
            *columns(user_model, "member__user"),
            *columns(Workspace, "member__workspace"),
        ),
        "prefix",
    )
    loaded = ApiKey.objects.select_related("member__user", "member__workspace").get(
        member=owner.member
    )

    (row,) = query.rows(prefix=loaded.prefix)

    pairs = [
        (instance(ApiKey, row), loaded),
        (instance(Member, row, "member"), loaded.member),
        (instance(user_model, row, "member__user"), loaded.member.user),
        (instance(Workspace, row, "member__workspace"), loaded.member.workspace),
    ]
    for built, expected in pairs:
        assert type(built) is type(expected)
        assert built == expected
        for field in type(expected)._meta.concrete_fields:
            assert getattr(built, field.attname) == getattr(expected, field.attname), field.name


def test_columns_left_out_are_deferred_and_load_on_access(jobs):
    query = PreparedQuery(
        lambda job: Job.objects.filter(pk=job).values(
            *columns(Job, exclude=["request", "payload"])
        ),
        "job",
    )
    job = jobs["done"]
    (row,) = query.rows(job=job.pk)
    assert "request" not in row and "payload" not in row

    built = instance(Job, row)

    assert built.get_deferred_fields() == {"request", "payload"}
    assert built.status == JobStatus.COMPLETED
    assert built.request == {"posts": [{"text": "héllo", "at": "2024-02-29T23:59:58Z"}]}
    assert built.payload == Job.objects.get(pk=job.pk).payload
    assert built.get_deferred_fields() == set()


def test_columns_name_concrete_fields_through_a_path_and_leave_out_exclusions():
    assert columns(Workspace, "member__workspace", exclude=["created_at"]) == [
        f"member__workspace__{field.name}"
        for field in Workspace._meta.concrete_fields
        if field.name != "created_at"
    ]
    assert "member" in columns(ApiKey)  # the foreign key by its name, its id in `.values()`


# 6. The authentication built on it.


def test_resolve_api_key_brings_member_workspace_and_user_without_further_queries(
    owner, outsider, django_assert_num_queries
):
    with django_assert_num_queries(1):
        api_key = resolve_api_key(owner.secret)

    with django_assert_num_queries(0):
        member = api_key.member
        workspace, user = member.workspace, member.user
        scopes = api_key.scopes

    assert api_key == ApiKey.objects.get(member=owner.member)
    assert scopes == ApiKey.objects.get(member=owner.member).scopes
    assert api_key.user_workspaces == 1
    assert member == owner.member
    assert workspace == owner.workspace and workspace.name == owner.workspace.name
    assert user == owner.member.user and user.username == owner.member.user.username
    # Another caller's key resolves to their own objects, through the same compiled query.
    assert resolve_api_key(outsider.secret).member.workspace == outsider.workspace


def test_resolve_api_key_counts_every_workspace_of_the_keys_user(owner, outsider):
    Member.objects.create(workspace=outsider.workspace, user=owner.member.user)

    assert resolve_api_key(owner.secret).user_workspaces == 2
    assert resolve_api_key(outsider.secret).user_workspaces == 1


def test_resolve_api_key_still_rejects_an_unknown_prefix_and_a_wrong_secret(owner):
    prefix = ApiKey.objects.get(member=owner.member).prefix
    with pytest.raises(AuthenticationFailed):
        resolve_api_key(owner.secret.replace(prefix, "0" * len(prefix)))
    with pytest.raises(AuthenticationFailed):
        resolve_api_key(owner.secret[:-2] + ("xx" if not owner.secret.endswith("xx") else "yy"))
