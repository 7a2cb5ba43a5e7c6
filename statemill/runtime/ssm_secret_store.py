"""Secrets as SSM Parameter Store SecureStrings at `/statemill/<stage>/<namespace>/<NAME>` (AWS and
LocalStack). Reads go through Powertools Parameters, which caches each value for a while: a
warm Lambda does not call SSM on every task.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from statemill.runtime.errors import SecretError
from statemill.runtime.secret_store import StoredSecret

# How long a warm function reuses a value it read: a changed secret is seen within this time.
CACHE_SECONDS = 60
_ERROR_CODE = re.compile(r"An error occurred \((\w+)\)")


class SsmSecretStore:
    def __init__(self, prefix: str, client: Any = None, cache_seconds: int = CACHE_SECONDS) -> None:
        """`prefix`: the stage's parameter path (statemill.platform.secret_parameter_prefix)."""
        self.prefix = prefix.rstrip("/")
        self.cache_seconds = cache_seconds
        self._client = client
        self._provider: Any = None
        self._lock = threading.Lock()

    def parameter_name(self, namespace: str, name: str) -> str:
        return f"{self.prefix}/{namespace}/{name}"

    def get(self, namespace: str, name: str) -> str:
        from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

        try:
            return self._parameters().get(
                self.parameter_name(namespace, name), decrypt=True, max_age=self.cache_seconds
            )
        except GetParameterError as error:
            if _error_code(error) == "ParameterNotFound":
                raise SecretError(
                    f"secret '{name}' does not exist in namespace '{namespace}' "
                    f"(set it with: statemill --namespace {namespace} secret set {name})"
                ) from None
            raise SecretError(
                f"secret '{name}' of namespace '{namespace}' cannot be read from SSM Parameter "
                f"Store ({_error_code(error)}): check this function's permission to read "
                f"{self.parameter_name(namespace, '*')} and to decrypt with its KMS key"
            ) from None

    def put(self, namespace: str, name: str, value: str) -> None:
        self.client.put_parameter(
            Name=self.parameter_name(namespace, name), Value=value, Type="SecureString",
            Overwrite=True,
        )

    def delete(self, namespace: str, name: str) -> bool:
        client = self.client
        try:
            client.delete_parameter(Name=self.parameter_name(namespace, name))
        except client.exceptions.ParameterNotFound:
            return False
        return True

    def list(self, namespace: str | None = None) -> list[StoredSecret]:
        path = self.prefix if namespace is None else f"{self.prefix}/{namespace}"
        # Metadata only (DescribeParameters): listing never reads a value.
        pages = self.client.get_paginator("describe_parameters").paginate(
            ParameterFilters=[{"Key": "Path", "Option": "Recursive", "Values": [path]}]
        )
        found = []
        for page in pages:
            for parameter in page["Parameters"]:
                namespace_name = parameter["Name"][len(self.prefix) + 1:]
                secret_namespace, _, name = namespace_name.rpartition("/")
                found.append(StoredSecret(secret_namespace, name, parameter["LastModifiedDate"]))
        return sorted(found, key=lambda secret: (secret.namespace, secret.name))

    @property
    def client(self) -> Any:
        with self._lock:  # boto3 client creation is not thread-safe
            if self._client is None:
                import boto3

                self._client = boto3.session.Session().client("ssm")
            return self._client

    def _parameters(self) -> Any:
        if self._provider is None:
            from aws_lambda_powertools.utilities.parameters import SSMProvider

            self._provider = SSMProvider(boto3_client=self.client)
        return self._provider


def _error_code(error: Exception) -> str:
    # Powertools keeps only the text of botocore's ClientError: "An error occurred (Code) when…".
    match = _ERROR_CODE.search(str(error))
    return match[1] if match else "unknown error"
