"""What a task function talks to: settings, AWS clients, secrets, the network guard.

Clients are injectable (pass `s3=`/`dynamodb=`), else built on first use, so a cold start that
never touches S3 never pays for an S3 client, and moto needs no patching.
"""

import threading
from functools import cached_property

from statemill.runtime.network_guard import NetworkGuard, address_check_from_setting
from statemill.runtime.secret_store import secret_store_from_setting
from statemill.runtime.secrets import SecretResolver
from statemill.runtime.settings import Settings


class Services:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        s3=None,
        dynamodb=None,
        secrets: SecretResolver | None = None,
        network: NetworkGuard | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.secrets = secrets or secret_store_from_setting(self.settings.secret_store)
        self._clients = {"s3": s3, "dynamodb": dynamodb}
        self._network = network
        self._lock = threading.Lock()

    @property
    def s3(self):
        return self._client("s3")

    @property
    def dynamodb(self):
        return self._client("dynamodb")

    @cached_property
    def network(self) -> NetworkGuard:
        return self._network or NetworkGuard(
            address_check_from_setting(self.settings.allow_private_networks)
        )

    def _client(self, service: str):
        # boto3's default session is not thread-safe; the local engine runs tasks on threads.
        with self._lock:
            if self._clients[service] is None:
                import boto3

                self._clients[service] = boto3.session.Session().client(service)
            return self._clients[service]


_explicit: Services | None = None
_from_environment: Services | None = None
_default_lock = threading.Lock()


def default_services() -> Services:
    """The Services of this process: the one set explicitly, else one built from the
    environment, rebuilt when the environment changes (the local engine sets it per stage)."""
    global _from_environment
    if _explicit is not None:
        return _explicit
    settings = Settings.from_env()
    with _default_lock:
        if _from_environment is None or _from_environment.settings != settings:
            _from_environment = Services(settings)
        return _from_environment


def set_default_services(services: Services | None) -> None:
    """Use `services` for every invocation without its own (the local engine's secret store,
    tests); None goes back to the environment."""
    global _explicit
    _explicit = services
