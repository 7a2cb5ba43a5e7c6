import pytest

from statemill.local.functions import FunctionRoutes, UnknownFunction, resolve_handler


def arn_of(name):
    return f"arn:aws:lambda:us-east-1:123456789012:function:{name}"


def test_handler_is_called_like_a_lambda_handler():
    routes = FunctionRoutes(arn_of, {"f": lambda event, context: (event, context.function_name,
                                                                   context.invoked_function_arn)})
    assert routes.invoke("f", {"a": 1}) == ({"a": 1}, "f", arn_of("f"))


def test_context_reports_remaining_time():
    routes = FunctionRoutes(arn_of, {"f": lambda event, context: context.get_remaining_time_in_millis()})
    assert 0 < routes.invoke("f", None) <= 900_000


def test_string_routes_are_imported_on_first_use():
    routes = FunctionRoutes(arn_of, {"dumps": "json:dumps", "broken": "no.such.module:handler"})
    assert routes.handler("dumps") is resolve_handler("json:dumps")
    with pytest.raises(ImportError):
        routes.handler("broken")


def test_unknown_function_names_the_arn_and_the_known_routes():
    routes = FunctionRoutes(arn_of, {"known": print})
    with pytest.raises(UnknownFunction, match=r"function:missing \(local engine routes: known\)"):
        routes.invoke("missing", {})


def test_a_reference_without_a_callable_is_rejected():
    with pytest.raises(ValueError, match="package.module:callable"):
        resolve_handler("json")
