"""Settings of the connectors service, read from PACER_CONNECTORS_* (then PACER_*) environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field, SecretStr, model_validator

from pacer_shared.events.people import Role
from pacer_shared.settings import ServiceSettings

SCIM_TOKEN_MIN_LENGTH = 32


class ConnectorsSettings(ServiceSettings):
    service_name: ClassVar[str] = "connectors"

    http_port: int = 8107
    metrics_port: int = 9107
    connections_dir: Path | None = Field(
        default=None,
        description="A folder of YAML files, one per CRM connection (see the README); none: the service syncs nothing",
    )
    retry_seconds: float = Field(default=30, gt=0, description="Wait before retrying a connection whose sync failed")
    scim_token: SecretStr | None = Field(
        default=None,
        description="The bearer token the identity provider's SCIM client sends (its own secret, not a person's JWT); "
        "unset: the SCIM endpoint refuses every request",
    )
    scim_team_attribute: str | None = Field(
        default=None,
        description="A User attribute that names the person's team, e.g. "
        "`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`; unset: teams are SCIM groups",
    )
    scim_team_group_prefix: str = Field(
        default="", description="Only SCIM groups whose displayName starts with this are teams (empty: every group)"
    )
    scim_default_role: Role = Field(
        default=Role.ASSISTANT, description="The role of a provisioned user whose roles and userType name none"
    )

    @model_validator(mode="after")
    def _scim_token_strength(self) -> ConnectorsSettings:
        token = self.scim_token.get_secret_value() if self.scim_token else None
        if token is not None and len(token) < SCIM_TOKEN_MIN_LENGTH:
            raise ValueError(f"scim_token: use at least {SCIM_TOKEN_MIN_LENGTH} random characters")
        if token is not None and token == self.jwt_secret.get_secret_value():
            raise ValueError("scim_token: must differ from jwt_secret")
        return self
