"""What the connectors' use cases need: the shared runtime, the repository and each connection's connector."""

from __future__ import annotations

from dataclasses import dataclass

from pacer_connectors.adapters.fxiaoke import FxiaokeClient
from pacer_connectors.adapters.repository import ConnectorRepository
from pacer_connectors.adapters.roster_read import RosterRead
from pacer_connectors.adapters.salesforce import SalesforceClient
from pacer_connectors.adapters.scim_repository import ScimRepository
from pacer_connectors.adapters.zoho import ZohoClient
from pacer_connectors.domain.scim_people import RosterRules
from pacer_connectors.service.connections import Configured
from pacer_connectors.service.fxiaoke_sync import FxiaokeConnector
from pacer_connectors.service.salesforce_sync import SalesforceConnector
from pacer_connectors.service.scim import Provisioning
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
    """Zoho connections by id (their callbacks are routed here)."""
    fxiaoke: dict[str, FxiaokeConnector]
    salesforce: dict[str, SalesforceConnector]
    """Salesforce connections by id (their Outbound Messages are routed here)."""
    provisioning: Provisioning
    """The roster from the identity provider (SCIM)."""

    @classmethod
    def of(cls, runtime: Runtime, configured: list[Configured]) -> Connectors:
        assert isinstance(runtime.settings, ConnectorsSettings)
        repository = ConnectorRepository(runtime.db)
        roster_read = RosterRead(runtime.settings)
        zoho: dict[str, ZohoConnector] = {}
        fxiaoke: dict[str, FxiaokeConnector] = {}
        salesforce: dict[str, SalesforceConnector] = {}
        for c in configured:
            if (sf := c.connection.salesforce) is not None and c.connection.crm == "salesforce":
                secret = c.secrets["private_key_env" if sf.flow == "jwt_bearer" else "client_secret_env"]
                sync = Sync(runtime, repository, c.connection, roster_read)
                salesforce[c.connection.id] = SalesforceConnector(
                    sync, SalesforceClient(sf, secret), runtime.settings.retry_seconds
                )
            z, f = c.connection.zoho, c.connection.fxiaoke
            if f is not None and c.connection.crm == "fxiaoke":
                fx = FxiaokeClient(f, c.secrets["app_secret_env"], c.secrets["permanent_code_env"])
                sync = Sync(runtime, repository, c.connection, roster_read)
                fxiaoke[c.connection.id] = FxiaokeConnector(sync, fx, runtime.settings.retry_seconds)
            if z is not None and c.connection.crm == "zoho":
                client = ZohoClient(z, c.secrets["client_secret_env"], c.secrets["refresh_token_env"])
                sync = Sync(runtime, repository, c.connection, roster_read)
                zoho[c.connection.id] = ZohoConnector(
                    sync, client, c.secrets.get("channel_token_env"), runtime.settings.retry_seconds
                )
        settings = runtime.settings
        rules = RosterRules(settings.scim_team_attribute, settings.scim_team_group_prefix, settings.scim_default_role)
        provisioning = Provisioning(runtime, ScimRepository(runtime.db), rules)
        return cls(runtime, repository, settings, zoho, fxiaoke, salesforce, provisioning)

    @property
    def connection_ids(self) -> list[str]:
        return sorted([*self.zoho, *self.fxiaoke, *self.salesforce])

    def sync_of(self, connection_id: str) -> Sync | None:
        connector = (
            self.zoho.get(connection_id) or self.fxiaoke.get(connection_id) or self.salesforce.get(connection_id)
        )
        return None if connector is None else connector.sync

    def loops(self) -> list[ZohoConnector | FxiaokeConnector | SalesforceConnector]:
        return [*self.zoho.values(), *self.fxiaoke.values(), *self.salesforce.values()]
