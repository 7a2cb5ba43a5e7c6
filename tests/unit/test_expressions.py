"""`{{ }}` templates: splitting, parsing, the names an expression reads, and rewriting."""

import pytest

from statemachine_compiler.expressions import ExpressionError, parse_expression, parse_template


def roots(text: str) -> list[tuple]:
    return [(r.root, r.key, r.field) for r in parse_expression(text).references]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("inputs.region", [("inputs", "region", None)]),
        ("tasks.fetch.output.body", [("tasks", "fetch", "output")]),
        ("tasks.a.output.items[price > 5].name", [("tasks", "a", "output")]),
        ("$count(tasks.b.output) + attempt", [("tasks", "b", "output"), ("attempt", None, None)]),
        ('{"a": item, "b": [index]}', [("item", None, None), ("index", None, None)]),
        ("inputs.flag ? tasks.a.status : 'no'", [("inputs", "flag", None), ("tasks", "a", "status")]),
        ("tasks.a.output.(x + y)", [("tasks", "a", "output")]),
        ("$map(tasks.a.output, function($v) { $v * 2 })", [("tasks", "a", "output")]),
        ("execution.id & '-' & $string(index)", [("execution", "id", None), ("index", None, None)]),
        ("'inputs.x is text'", []),
    ],
)
def test_references_are_the_root_names_only(text, expected):
    assert roots(text) == expected


def test_rewrite_replaces_each_reference_span():
    expression = parse_expression("$count(tasks.b.output) + inputs.n")
    rewritten = expression.rewrite(lambda r: f"<{r.root}:{r.key}>")
    assert rewritten == "$count(<tasks:b>.output) + <inputs:n>"


def test_template_splits_literal_text_and_expressions():
    template = parse_template("Hello {{ inputs.name }}, you have {{ $count(tasks.a.output) }} items")
    literal = [p for p in template.parts if isinstance(p, str)]
    assert literal == ["Hello ", ", you have ", " items"]
    assert [e.text for e in template.expressions] == ["inputs.name", "$count(tasks.a.output)"]
    assert not template.is_single_expression


def test_object_constructor_braces_do_not_close_the_template():
    template = parse_template('{{ {"a": {"b": inputs.x}} }}')
    assert template.is_single_expression
    assert template.parts[0].text == '{"a": {"b": inputs.x}}'


def test_closing_braces_inside_strings_are_text():
    assert parse_template("{{ 'a }} b' & inputs.x }}").parts[0].text == "'a }} b' & inputs.x"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{ inputs.x + }}", "invalid expression 'inputs.x +' at character"),
        ("{{ }}", "empty expression"),
        ("{{ inputs.x", "'{{' is never closed by '}}'"),
    ],
)
def test_broken_templates_say_what_is_wrong(text, message):
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace("+", r"\+")):
        parse_template(text)
