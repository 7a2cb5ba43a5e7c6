"""Secret substitution and masking, without any store behind them."""

import base64
from urllib.parse import quote, quote_plus

import pytest

from statemill.runtime.errors import SecretError
from statemill.runtime.secrets import Masker, resolve_secrets


class DictStore(dict):
    def get(self, namespace, name):
        return self[name]


def test_references_are_replaced_anywhere_in_the_inputs():
    masker = Masker()
    inputs = {
        "h": {"Authorization": "Bearer {{ secrets.TOKEN }}"},
        "l": ["{{secrets.TOKEN}}", 3],
        "n": None,
    }

    resolved = resolve_secrets(
        inputs, namespace="ns", allowed=("TOKEN",), resolver=DictStore(TOKEN="t0k"), masker=masker
    )

    assert resolved == {"h": {"Authorization": "Bearer t0k"}, "l": ["t0k", 3], "n": None}
    assert masker.mask_value(resolved) == {
        "h": {"Authorization": "Bearer ***"},
        "l": ["***", 3],
        "n": None,
    }


def test_only_declared_names_resolve():
    with pytest.raises(SecretError, match="secret 'B' is not declared"):
        resolve_secrets(
            "{{ secrets.B }}",
            namespace="ns",
            allowed=("A",),
            resolver=DictStore(B="x"),
            masker=Masker(),
        )


def test_text_that_only_looks_similar_is_left_alone():
    text = "{{ inputs.x }} {{ secret.X }} {{ secrets. }}"

    assert (
        resolve_secrets(text, namespace="ns", allowed=(), resolver=DictStore(), masker=Masker())
        == text
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
