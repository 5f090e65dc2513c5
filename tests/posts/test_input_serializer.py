"""InputSerializer's shortcut gives DRF's answer: same verdict, same errors, same data.

For a body that is exactly a `dict` (parsed JSON) the native bulk serializers skip the
optional fields a JSON object leaves out without running them; for any other mapping they
take DRF's own path. Each body is validated three times: as plain dicts (the shortcut),
with every object turned into a `dict` subclass (DRF's path at every level), and with the
fast path switched off (`CRIER_FAST_PATHS["serializer_fields"]`, core/fastpaths); the
answers must be the same, down to the error codes and the types of the validated values.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import fields
from rest_framework.exceptions import ErrorDetail

from posts.models import Job
from posts.serializers import POST_TYPES, ScheduleRequestSerializer

MODES = [Job.Kind.SCHEDULE, Job.Kind.DRAFT, Job.Kind.QUEUE, Job.Kind.PUBLISH_NOW]


class NotPlainDict(dict):
    """A JSON object that is not exactly a dict: InputSerializer leaves it to DRF."""


def not_plain(value: Any) -> Any:
    if isinstance(value, dict):
        return NotPlainDict((key, not_plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [not_plain(item) for item in value]
    return value


def shape(value: Any) -> Any:
    """Everything that tells two answers apart: order, types, error codes, time zones."""
    if isinstance(value, ErrorDetail):
        return ["error", same_name(str(value)), value.code]
    if isinstance(value, Mapping):
        return ["map", [[key, shape(item)] for key, item in value.items()]]
    if isinstance(value, list | tuple):
        return [type(value).__name__, [shape(item) for item in value]]
    return [type(value).__name__, repr(value)]


def same_name(message: str) -> str:
    # DRF names the type it got ('Expected a list of items but got type "dict".'): the
    # test's own class is no difference between the two paths.
    return message.replace("NotPlainDict", "dict")


def validate(body: Any, mode: str) -> tuple[bool, Any, Any]:
    serializer = ScheduleRequestSerializer(data=body, context={"mode": mode})
    valid = serializer.is_valid()
    data = serializer.validated_data if valid else None
    return valid, serializer.errors, data


def assert_same_answer(body: Any, mode: str) -> tuple[bool, Any, Any]:
    fast = validate(body, mode)
    drf = validate(not_plain(body), mode)
    with override_settings(
        CRIER_FAST_PATHS={**django_settings.CRIER_FAST_PATHS, "serializer_fields": False}
    ):
        off = validate(body, mode)
    assert shape(off) == shape(fast), (off, fast)
    assert fast[0] == drf[0], (fast, drf)
    assert shape(fast[1]) == shape(drf[1]), (fast[1], drf[1])
    assert json.loads(json.dumps(fast[1], default=str)) == json.loads(
        same_name(json.dumps(drf[1], default=str))
    )
    assert shape(fast[2]) == shape(drf[2]), (fast[2], drf[2])
    return fast


# -- bodies: a valid one, then up to six mistakes anywhere in it ------------------------------

ACCOUNT_IDS = ["acc_1", "acc_2", "acc_3", "acc_4"]
FUTURE = ["2099-01-01T09:00:00+01:00", "2099-06-01T09:00:00Z", " 2098-03-01T10:00:00.5+00:00 "]
words = st.sampled_from(["hello", "two words", "¡olé!", "#tag", "x" * 100])
OPTIONS = {  # options each connector accepts, with values it accepts
    "default": {},
    "x": {"reply_settings": st.sampled_from(["following", "verified"])},
    "mastodon": {
        "visibility": st.sampled_from(["public", "unlisted"]),
        "spoiler_text": words,
        "sensitive": st.booleans(),
    },
    "bluesky": {"langs": st.just(["en"])},
}


def block(network: str) -> st.SearchStrategy:
    plain = st.fixed_dictionaries(
        {"text": words},
        optional={
            "type": st.sampled_from(["status", "status", *POST_TYPES]),
            "thread": st.lists(words, max_size=3),
            **OPTIONS[network],
        },
    )
    delayed = st.lists(words, min_size=1, max_size=3).flatmap(
        lambda thread: st.fixed_dictionaries(
            {
                "text": words,
                "thread": st.just(thread),
                "thread_delays": st.lists(
                    st.integers(0, 7 * 24 * 3600), min_size=len(thread), max_size=len(thread)
                ),
            }
        )
    )
    return st.one_of(plain, delayed)


networks = st.lists(st.sampled_from(list(OPTIONS)), min_size=1, max_size=3, unique=True).flatmap(
    lambda names: st.fixed_dictionaries({name: block(name) for name in names})
)


def post(mode: str) -> st.SearchStrategy:
    timed = mode in (Job.Kind.SCHEDULE, Job.Kind.DRAFT)  # and so may recur
    when = st.sampled_from(FUTURE)
    target = st.fixed_dictionaries(
        {"id": st.sampled_from(ACCOUNT_IDS), **({"scheduled_at": when} if timed else {})},
        optional={"scheduled_at": when} if mode == Job.Kind.PUBLISH_NOW else {},
    )
    rrule = st.sampled_from(["FREQ=WEEKLY;BYDAY=MO", "RRULE:FREQ=DAILY", "freq=monthly; "])
    recurrence = st.one_of(
        st.fixed_dictionaries({"rrule": rrule, "count": st.integers(1, 5)}),
        st.fixed_dictionaries({"rrule": rrule, "until": st.just("2100-01-01T00:00:00Z")}),
    )
    media = st.fixed_dictionaries(
        {"id": st.sampled_from(["med_1", "med_2"])}, optional={"alt": words}
    )
    return st.fixed_dictionaries(
        {
            "networks": networks,
            "accounts": st.lists(target, min_size=1, max_size=3, unique_by=lambda t: t["id"]),
        },
        optional={
            "media": st.lists(media, max_size=2),
            "labels": st.lists(words, max_size=3),
            "evergreen": st.booleans(),
            **({"recurrence": recurrence} if timed else {}),
        },
    )


def valid_body(mode: str) -> st.SearchStrategy:
    state = st.sampled_from(["scheduled", "draft", "queue"])
    bulk = st.fixed_dictionaries(
        {"posts": st.lists(post(mode), min_size=1, max_size=3)}, optional={"state": state}
    )
    return st.fixed_dictionaries({"bulk": bulk})


wrong = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, -1, 2, 10**6, 2.5]),
    st.sampled_from(["", "   ", "3", "true", "bogus", "a" * 101, "nul\x00", "FREQ=SECONDLY"]),
    st.sampled_from(  # times: past, naive, a date, impossible, not one
        ["2001-01-01T00:00:00Z", "2099-01-01T09:00:00", "2099-01-01", "2099-02-30T09:00:00Z"]
    ),
    st.sampled_from(["FREQ=DAILY;COUNT=3", "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30", "nonsense"]),
    st.just([]),
    st.just({}),
    st.just([1, "two"]),
    st.just({"unexpected": 1}),
    st.lists(st.just("label"), min_size=21, max_size=26),  # over a max_length
    st.just([{"id": "a" * 41}]),
)
anything = st.one_of(wrong, words, st.sampled_from(FUTURE), st.integers(1, 3), st.just(["x"]))
KEYS = [  # fields (where they belong and where they do not), options, networks, nonsense
    *["bulk", "posts", "state", "networks", "accounts", "media", "labels", "recurrence"],
    *["evergreen", "id", "scheduled_at", "alt", "rrule", "count", "until", "type", "text"],
    *["thread", "thread_delays", "visibility", "reply_settings", "board_id", "langs"],
    *["default", "x", "mastodon", "pinterest", "myspace", "", "frobnicate"],
]


def places(value: Any, path: tuple = ()) -> list[tuple]:
    """Every place in the body, the body itself last (Hypothesis favours the first ones)."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += places(item, (*path, index))
    return [*found, path]


@st.composite
def bodies(draw: st.DrawFn) -> tuple[Any, str]:
    def fresh(strategy: st.SearchStrategy) -> Any:  # st.just() gives the same object again
        return copy.deepcopy(draw(strategy))

    mode = draw(st.sampled_from(MODES))
    body = fresh(valid_body(mode))
    for _ in range(draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6]))):
        path = draw(st.sampled_from(places(body)))
        *to_parent, last = path or (None,)
        parent = body
        for step in to_parent:
            parent = parent[step]
        here = parent[last] if path else body
        mistake = draw(st.sampled_from(["replace", "leave out", "add", "null", "mode"]))
        if mistake == "mode":  # a body fit for another mode
            mode = draw(st.sampled_from(MODES))
        elif mistake == "add" and isinstance(here, dict):
            here[draw(st.sampled_from(KEYS))] = fresh(anything)
        elif mistake == "add" and isinstance(here, list):
            here.append(fresh(st.sampled_from(here)) if here else fresh(anything))
        elif mistake == "leave out" and path:
            del parent[last]
        elif not path:
            body = None if mistake == "null" else fresh(st.one_of(wrong, anything))
        else:
            parent[last] = None if mistake == "null" else fresh(st.one_of(wrong, anything))
    return body, mode


def test_json_objects_are_validated_as_drf_validates_any_mapping() -> None:
    answers: list[tuple[str, bool, Any, Any]] = []

    @given(case=bodies())
    @settings(
        max_examples=200,
        deadline=None,
        database=None,
        # A fixed sample: CI gives one verdict per commit, never the luck of a draw.
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    def same_answer(case: tuple[Any, str]) -> None:
        body, mode = case
        answers.append((mode, *assert_same_answer(body, mode)))

    same_answer()

    # The comparison means little if every body failed at the top: the sample holds valid
    # bodies in every mode (recurring ones too), and errors of every kind deep inside posts.
    valid = [(mode, data) for mode, ok, _, data in answers if ok]
    assert {mode for mode, _ in valid} == set(MODES), valid
    assert any("recurrence" in item for _, data in valid for item in data["bulk"]["posts"])
    codes: set[str] = set()
    for _, ok, errors, _ in answers:
        if not ok and isinstance(errors.get("bulk"), dict):
            codes.update(error_codes(errors["bulk"].get("posts")))
    assert codes >= {"required", "null", "invalid", "not_a_list", "empty"}, codes


def error_codes(errors: Any) -> list[str]:
    if isinstance(errors, ErrorDetail):
        return [errors.code]
    if isinstance(errors, dict):
        return [code for item in errors.values() for code in error_codes(item)]
    if isinstance(errors, list):
        return [code for item in errors for code in error_codes(item)]
    return []


# -- the key cases, by example -----------------------------------------------------------------


def test_an_optional_field_left_out_is_not_in_the_validated_data() -> None:
    body = {
        "bulk": {
            "state": "draft",
            "posts": [
                {
                    "networks": {"default": {"text": "hello"}, "mastodon": {"text": "hi"}},
                    "accounts": [{"id": "acc_1"}, {"id": "acc_2", "scheduled_at": FUTURE[0]}],
                }
            ],
        }
    }
    valid, errors, data = assert_same_answer(body, Job.Kind.DRAFT)

    assert valid, errors
    (item,) = data["bulk"]["posts"]
    assert set(item) == {"networks", "accounts"}  # no media, labels, recurrence, evergreen
    assert set(item["networks"]["default"]) == {"type", "text", "options"}  # defaults only
    assert item["networks"]["default"]["type"] == "status"
    assert set(item["accounts"][0]) == {"id"}
    assert set(item["accounts"][1]) == {"id", "scheduled_at"}


def test_the_comparison_takes_two_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain dicts do take the shortcut, and NotPlainDict does not: the property above
    compares two different computations, not one with itself."""
    run: list[str] = []
    validate_empty_values = fields.Field.validate_empty_values

    def recorded(field: fields.Field, data: Any) -> tuple[bool, Any]:
        if data is fields.empty:
            run.append(field.field_name)
        return validate_empty_values(field, data)

    monkeypatch.setattr(fields.Field, "validate_empty_values", recorded)
    body = {"bulk": {"posts": [{"networks": {"default": {"text": "hi"}}, "accounts": [{}]}]}}

    validate(body, Job.Kind.DRAFT)
    shortcut, run[:] = sorted(run), []
    validate(not_plain(body), Job.Kind.DRAFT)

    assert shortcut == ["id", "state", "type"]  # the required and the defaulted ones
    skipped = ["evergreen", "labels", "media", "recurrence", "scheduled_at", "thread"]
    assert sorted(run) == sorted([*shortcut, *skipped, "thread_delays", "thread_media"])


def test_an_optional_field_sent_as_null_is_still_validated() -> None:
    body = {
        "bulk": {
            "posts": [
                {
                    "networks": {"x": {"text": "hi", "thread": None}},
                    "accounts": [{"id": "acc_1", "scheduled_at": None}],
                    "media": None,
                    "labels": None,
                    "recurrence": None,
                    "evergreen": None,
                }
            ]
        }
    }
    valid, errors, _ = assert_same_answer(body, Job.Kind.SCHEDULE)

    assert not valid
    (post_errors,) = errors["bulk"]["posts"].values()
    null = ["error", "This field may not be null.", "null"]
    for name in ("media", "labels", "recurrence", "evergreen"):
        assert shape(post_errors[name]) == ["list", [null]], name
    assert shape(post_errors["networks"]["x"]["thread"]) == ["list", [null]]
    assert shape(post_errors["accounts"][0]["scheduled_at"]) == ["list", [null]]


def test_a_required_field_left_out_is_still_reported() -> None:
    body = {"bulk": {"posts": [{"networks": {"default": {"text": "hi"}}, "accounts": [{}]}]}}
    for mode in MODES:
        valid, errors, _ = assert_same_answer(body, mode)

        assert not valid
        required = ["list", [["error", "This field is required.", "required"]]]
        assert shape(errors["bulk"]["posts"][0]["accounts"][0]["id"]) == required

    valid, errors, _ = assert_same_answer({}, Job.Kind.PUBLISH_NOW)
    assert not valid
    assert shape(errors["bulk"]) == required
    valid, errors, _ = assert_same_answer({"bulk": {"state": "draft"}}, Job.Kind.DRAFT)
    assert not valid
    assert shape(errors["bulk"]["posts"]) == required
