"""Lambda entry point of the scheduled_start function: the target of every cron schedule."""

from statemill.control.trigger_starts import PlatformClients, start_scheduled

_clients = PlatformClients()


def handler(event: dict, context) -> dict:
    return start_scheduled(event, _clients)
