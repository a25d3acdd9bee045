"""What the connectors' use cases need: the shared runtime, the repository and each connection's connector."""

from __future__ import annotations

from dataclasses import dataclass

from pacer_connectors.adapters.repository import ConnectorRepository
from pacer_connectors.adapters.zoho import ZohoClient
from pacer_connectors.service.connections import Configured
from pacer_connectors.service.sync import Sync
from pacer_connectors.service.zoho_sync import ZohoConnector
from pacer_connectors.settings import ConnectorsSettings
from pacer_shared.service import Runtime


@dataclass(frozen=True)
class Connectors:
    runtime: Runtime
    repository: ConnectorRepository
    settings: ConnectorsSettings
    zoho: dict[str, ZohoConnector]
    """Connection id -> its connector (only Zoho so far)."""

    @classmethod
    def of(cls, runtime: Runtime, configured: list[Configured]) -> Connectors:
        assert isinstance(runtime.settings, ConnectorsSettings)
        repository = ConnectorRepository(runtime.db)
        zoho: dict[str, ZohoConnector] = {}
        for c in configured:
            z = c.connection.zoho
            if z is not None:
                client = ZohoClient(z, c.secrets["client_secret_env"], c.secrets["refresh_token_env"])
                sync = Sync(runtime, repository, c.connection)
                zoho[c.connection.id] = ZohoConnector(
                    sync, client, c.secrets.get("channel_token_env"), runtime.settings.retry_seconds
                )
        return cls(runtime, repository, runtime.settings, zoho)

    @property
    def connection_ids(self) -> list[str]:
        return sorted(self.zoho)
