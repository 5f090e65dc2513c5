from __future__ import annotations

import pytest

from connectors.base import Content, Option
from connectors.sandbox import SandboxConnector


class OptionsConnector(SandboxConnector):
    display_name = "Optioned"
    options = (
        Option(name="privacy", kind=str, choices=("public", "private"), required=True),
        Option(name="notify", kind=bool),
        Option(name="tags", kind=list),
    )


@pytest.mark.parametrize(
    ("options", "codes"),
    [
        ({"privacy": "public"}, []),
        ({"privacy": "public", "notify": False, "tags": ["a"]}, []),
        ({}, ["option_required"]),
        ({"privacy": "secret"}, ["option_choice"]),
        ({"privacy": "public", "notify": "yes"}, ["option_type"]),
        ({"privacy": 1}, ["option_type"]),
        ({"privacy": "public", "colour": "red"}, ["unknown_option"]),
    ],
)
def test_options_are_checked_against_the_connector_declaration(options, codes):
    problems = OptionsConnector.option_problems(options)
    assert [problem.code for problem in problems] == codes


def test_a_bool_is_not_accepted_where_a_number_is_declared():
    (problem,) = Option(name="count", kind=int).problems(True)
    assert problem.message == "Option 'count' must be a whole number."


def test_validate_reports_option_problems_with_the_rest():
    with OptionsConnector() as connector:
        problems = connector.validate(Content(text="hi", idempotency_key="k", options={}))
    assert [(p.code, p.field) for p in problems] == [("option_required", "options.privacy")]


def test_a_connector_without_options_names_none_as_known():
    (problem,) = SandboxConnector.option_problems({"x": 1})
    assert problem.message == "Unknown option 'x' for Sandbox; known: none."
