"""Secret substitution and masking, without any store behind them."""

import base64
from urllib.parse import quote, quote_plus

import pytest

from statemill.runtime.errors import InputError, SecretError
from statemill.runtime.secrets import Masker, resolve_secrets


class DictStore(dict):
    def get(self, namespace, name):
        return self[name]


def test_references_are_replaced_at_the_listed_paths():
    masker = Masker()
    inputs = {
        "h": {"Authorization": "Bearer {{ secrets.TOKEN }}"},
        "l": ["{{secrets.TOKEN}}", 3],
        "n": None,
    }

    resolved = resolve_secrets(
        inputs,
        namespace="ns",
        paths={"TOKEN": [("h", "Authorization"), ("l", 0)]},
        resolver=DictStore(TOKEN="t0k"),
        masker=masker,
    )

    assert resolved == {"h": {"Authorization": "Bearer t0k"}, "l": ["t0k", 3], "n": None}
    assert inputs["l"][0] == "{{secrets.TOKEN}}", "the event's inputs are not changed"
    assert masker.mask_value(resolved) == {
        "h": {"Authorization": "Bearer ***"},
        "l": ["***", 3],
        "n": None,
    }


def test_reference_text_elsewhere_is_data_and_stays():
    # An earlier task's output carried reference text into `body`, a path nobody listed.
    inputs = {"url": "https://x/?k={{ secrets.A }}", "body": "{{ secrets.A }} {{ secrets.B }}"}

    resolved = resolve_secrets(
        inputs, namespace="ns", paths={"A": [("url",)]}, resolver=DictStore(A="a", B="b"),
        masker=Masker(),
    )

    assert resolved == {"url": "https://x/?k=a", "body": "{{ secrets.A }} {{ secrets.B }}"}


def test_at_a_path_only_the_names_listed_for_it_resolve():
    resolved = resolve_secrets(
        {"u": "{{ secrets.A }}/{{ secrets.B }}", "v": "{{ secrets.B }}"},
        namespace="ns",
        paths={"A": [("u",)], "B": [("v",)]},
        resolver=DictStore(A="a", B="b"),
        masker=Masker(),
    )

    assert resolved == {"u": "a/{{ secrets.B }}", "v": "b"}


def test_a_value_that_looks_like_a_reference_is_not_resolved_again():
    resolved = resolve_secrets(
        {"u": "{{ secrets.A }}{{ secrets.B }}"},
        namespace="ns",
        paths={"A": [("u",)], "B": [("u",)]},
        resolver=DictStore(A="{{ secrets.B }}", B="b"),
        masker=Masker(),
    )

    assert resolved == {"u": "{{ secrets.B }}b"}


def test_every_secret_is_looked_up_before_any_is_used():
    class Store(DictStore):
        def get(self, namespace, name):
            if name not in self:
                raise SecretError(f"secret '{name}' does not exist in namespace '{namespace}'")
            return self[name]

    with pytest.raises(SecretError, match="secret 'GONE' does not exist in namespace 'ns'"):
        resolve_secrets(
            {"a": "{{ secrets.A }}", "b": "{{ secrets.GONE }}"},
            namespace="ns",
            paths={"A": [("a",)], "GONE": [("b",)]},
            resolver=Store(A="a"),
            masker=Masker(),
        )


@pytest.mark.parametrize("path", [("missing",), ("l", 5), ("l", 1), ("n", "x")])
def test_a_path_that_leads_to_no_string_is_an_input_error(path):
    with pytest.raises(InputError, match="re-apply the workflow"):
        resolve_secrets(
            {"l": ["{{ secrets.A }}", 3], "n": None},
            namespace="ns",
            paths={"A": [path]},
            resolver=DictStore(A="a"),
            masker=Masker(),
        )


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s,
        lambda s: base64.b64encode(s.encode()).decode(),
        lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip("="),
        lambda s: quote(s, safe=""),
        lambda s: quote_plus(s),
    ],
)
def test_every_predictable_encoding_is_masked(encode):
    secret = "p@ss w/rd+?=ü"
    masker = Masker()
    masker.add(secret)

    assert masker.mask(f"before {encode(secret)} after") == "before *** after"


def test_masking_applies_to_keys_and_nested_values():
    masker = Masker()
    masker.add("k3y")

    assert masker.mask_value({"k3y": ["a k3y"], "n": 1.5}) == {"***": ["a ***"], "n": 1.5}
