"""A connection's mapping, as its YAML file states it: which CRM objects count as which activity kind, and who is who.

Validated when the service starts; a mistake names the file and the field, and the service refuses to start.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pacer_shared.events.people import Role, validate_timezone
from pacer_shared.events.sales import CUSTOMER_RATING, STANDARD_KINDS

ZOHO_ACCOUNTS = (
    "https://accounts.zoho.com",
    "https://accounts.zoho.eu",
    "https://accounts.zoho.in",
    "https://accounts.zoho.com.cn",
    "https://accounts.zoho.com.au",
    "https://accounts.zoho.jp",
)
"""Zoho's data centres, each with its own accounts server:
https://www.zoho.com/accounts/protocol/oauth/multi-dc.html and https://www.zoho.com/assist/api/refresh-access-token.html"""

SALESFORCE_LOGINS = ("https://login.salesforce.com", "https://test.salesforce.com")
"""Where the JWT bearer flow posts (production, sandboxes) and the audience of its assertion; the client credentials
flow posts to the org's My Domain (https://<name>.my.salesforce.com) instead:
https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm"""

ENV_NAME = r"^[A-Z_][A-Z0-9_]*$"
SOQL_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(Strict):
    """The record counts only when `field` holds one of `is_any_of` (e.g. a deal's Stage is "Closed Won")."""

    field: str = Field(min_length=1)
    is_any_of: list[str | int | float | bool] = Field(min_length=1)

    def holds(self, fields: dict[str, Any]) -> bool:
        return fields.get(self.field) in self.is_any_of


class ObjectRule(Strict):
    """One CRM object (a Zoho module) and what its records count as."""

    object: str = Field(min_length=1, pattern=r"^[A-Za-z][A-Za-z0-9_]*$", description="The object's API name")
    kind: str = Field(pattern=r"^[a-z][a-z0-9_.-]*$", max_length=64)
    when: Condition | None = None
    owner_field: str = Field(default="Owner", description="The CRM user the activity is credited to")
    occurred_at_field: str = Field(default="Created_Time", description="When the activity happened")
    quantity_field: str | None = Field(default=None, description="None: each record counts 1")
    amount_field: str | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$", description="The amount's currency (ISO 4217)")
    currency_field: str | None = Field(default=None, description="Where a multi-currency CRM names the currency")
    score_field: str | None = Field(
        default=None,
        description="kind customer_rating only, and required by it: the field holding the customer's rating, 1-5 "
        "(a decimal rounds half up to a whole star; empty, not a number or outside 1-5 is refused as unreadable)",
    )

    @model_validator(mode="after")
    def _amount_has_currency(self) -> ObjectRule:
        if self.amount_field and not (self.currency or self.currency_field):
            raise ValueError(f"{self.object}: amount_field needs currency or currency_field")
        if self.kind == CUSTOMER_RATING and not self.score_field:
            raise ValueError(f"{self.object}: kind customer_rating needs score_field (the rating, 1-5)")
        if self.score_field and self.kind != CUSTOMER_RATING:
            raise ValueError(f"{self.object}: score_field is for kind customer_rating only, not {self.kind}")
        return self

    @property
    def fields(self) -> list[str]:
        """The fields a fetch of this object must ask for."""
        wanted = [
            self.owner_field,
            self.occurred_at_field,
            self.quantity_field,
            self.amount_field,
            self.currency_field,
            self.score_field,
        ]
        if self.when:
            wanted.append(self.when.field)
        return sorted({f for f in wanted if f})


class PeopleMapping(Strict):
    """How a CRM user becomes a Pacer person: the explicit table first, then the roster's email when allowed.

    A user neither finds is counted as unmapped and reported; their records publish nothing until mapped."""

    by_email: bool = True
    table: dict[str, str] = Field(
        default_factory=dict, description="CRM user id or email -> Pacer person id, for users whose emails differ"
    )


class RosterFromCrm(Strict):
    """Publish the roster from the CRM's active users (a company with no HRIS or identity provider feeding it)."""

    roles: dict[str, Role] = Field(
        default_factory=dict,
        description="The CRM role's name -> the Pacer role of its users (`Sales Manager: manager`); Fxiaoke's "
        "member list names no role: there, the member's `position`",
    )
    default_role: Role = Field(
        default=Role.ASSISTANT, description="Users whose CRM role is not in `roles` and whom the roster does not know"
    )
    team_field: str | None = Field(
        default=None,
        description="The user field naming the team (none: no team); Fxiaoke: a member field such as mainDepartmentId",
    )
    timezone: str = Field(
        default="UTC",
        description="For a user whose CRM time zone is not an IANA one, or who has none the roster knows (Fxiaoke's)",
    )

    _timezone = field_validator("timezone")(validate_timezone)


class ZohoSettings(Strict):
    accounts_url: str = Field(default=ZOHO_ACCOUNTS[0], description="The account's data centre")
    api_domain: str | None = Field(
        default=None, description="Override the token response's `api_domain` (a local fake CRM); normally unset"
    )
    client_id: str = Field(min_length=1)
    client_secret_env: str = Field(pattern=ENV_NAME, description="Environment variable holding the client secret")
    refresh_token_env: str = Field(pattern=ENV_NAME)
    notify_url: str | None = Field(
        default=None, description="Where Zoho calls back (this service's /v1/connections/{id}/zoho/notify); None: poll"
    )
    channel_id: int = Field(default=1000, ge=1)
    channel_token_env: str | None = Field(default=None, pattern=ENV_NAME)
    channel_hours: float = Field(default=24, gt=0, le=24 * 7, description="A channel's life; renewed at half of it")
    allow_any_accounts_url: bool = Field(default=False, description="Accept an accounts URL outside Zoho (tests)")

    @model_validator(mode="after")
    def _known_data_centre(self) -> ZohoSettings:
        if not self.allow_any_accounts_url and self.accounts_url.rstrip("/") not in ZOHO_ACCOUNTS:
            raise ValueError(f"accounts_url: {self.accounts_url!r} is none of Zoho's: {', '.join(ZOHO_ACCOUNTS)}")
        if self.notify_url and not self.channel_token_env:
            raise ValueError("channel_token_env: required with notify_url, to verify every callback")
        return self


class FxiaokeSettings(Strict):
    base_url: str = Field(
        default="https://open.fxiaoke.com",
        description="The tenant's cloud: open.fxiaoke.com, or open-<cloud>.fxiaoke.com (Huawei, Alibaba, ...)",
    )
    app_id: str = Field(min_length=1)
    app_secret_env: str = Field(pattern=ENV_NAME)
    permanent_code_env: str = Field(pattern=ENV_NAME)
    current_open_user_id: str = Field(min_length=1, description="The open user the queries run as (sees the data)")
    allow_any_base_url: bool = Field(default=False, description="Accept a base URL outside fxiaoke.com (tests)")

    @model_validator(mode="after")
    def _fxiaoke_cloud(self) -> FxiaokeSettings:
        host = self.base_url.removeprefix("https://").split("/")[0]
        if not self.allow_any_base_url and not (self.base_url.startswith("https://") and host.endswith(".fxiaoke.com")):
            raise ValueError(f"base_url: {self.base_url!r} is no Fxiaoke cloud (https://open*.fxiaoke.com)")
        return self


class ChangeDataCapture(Strict):
    """Salesforce's change events through the Pub/Sub API: changes in seconds, deletions included."""

    pubsub_url: str = Field(default="api.pubsub.salesforce.com:7443", description="The Pub/Sub API's host:port (TLS)")
    topic: str = Field(
        default="/data/ChangeEvents",
        pattern=r"^/data/[A-Za-z0-9_]+$",
        description="/data/ChangeEvents (every object selected for CDC in Setup) or /data/<Object>ChangeEvent",
    )
    allow_insecure: bool = Field(default=False, description="Plaintext gRPC to a local Pub/Sub (tests)")


class SalesforceSettings(Strict):
    flow: Literal["jwt_bearer", "client_credentials"] = Field(
        description="OAuth 2.0 JWT bearer (a certificate's key signs the assertion) or client credentials"
    )
    login_url: str = Field(
        default=SALESFORCE_LOGINS[0],
        description="The token endpoint's host: login. or test.salesforce.com, or the org's My Domain (required by "
        "the client credentials flow)",
    )
    client_id: str = Field(min_length=1, description="The connected app's consumer key")
    username: str | None = Field(default=None, description="JWT bearer: the integration user the API calls run as")
    private_key_env: str | None = Field(
        default=None, pattern=ENV_NAME, description="JWT bearer: environment variable holding the PEM private key"
    )
    client_secret_env: str | None = Field(
        default=None, pattern=ENV_NAME, description="Client credentials: environment variable holding the secret"
    )
    audience: str | None = Field(
        default=None,
        description="JWT bearer: the assertion's `aud`; default login.salesforce.com (test. for sandboxes)",
    )
    api_version: str = Field(default="62.0", pattern=r"^[0-9]{2,3}\.0$")
    organization_id: str | None = Field(
        default=None,
        pattern=r"^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$",
        description="The org's id: Outbound Messages from any other org are refused; unset, all are",
    )
    limit_backoff_seconds: float = Field(
        default=60, gt=0, description="First wait after REQUEST_LIMIT_EXCEEDED, doubled at each refusal"
    )
    allow_any_login_url: bool = Field(default=False, description="Accept a login URL outside Salesforce (tests)")
    change_data_capture: ChangeDataCapture | None = Field(
        default=None, description="Subscribe to the org's change events (needs organization_id: the Pub/Sub tenant)"
    )

    @model_validator(mode="after")
    def _flow_has_its_secrets(self) -> SalesforceSettings:
        host = self.login_url.removeprefix("https://").split("/")[0]
        if not self.allow_any_login_url and not (
            self.login_url.startswith("https://") and host.endswith(".salesforce.com")
        ):
            raise ValueError(f"login_url: {self.login_url!r} is no Salesforce login (https://*.salesforce.com)")
        if self.flow == "jwt_bearer" and not (self.username and self.private_key_env):
            raise ValueError("jwt_bearer: username and private_key_env are required")
        if self.flow == "client_credentials" and not self.client_secret_env:
            raise ValueError("client_credentials: client_secret_env is required")
        if self.change_data_capture is not None and self.organization_id is None:
            raise ValueError("change_data_capture: organization_id is required (the Pub/Sub API's tenantid)")
        return self

    @property
    def jwt_audience(self) -> str:
        if self.audience:
            return self.audience
        return SALESFORCE_LOGINS[1] if "test.salesforce.com" in self.login_url else SALESFORCE_LOGINS[0]


class Connection(Strict):
    """One company's CRM account and its mapping (one YAML file)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    crm: Literal["zoho", "fxiaoke", "salesforce"]
    source_system: str = Field(default="", description="`source_system` of the activities; default: the CRM's name")
    poll_seconds: float = Field(default=300, gt=0, description="Catch-up between pushes, and the only way without")
    objects: Annotated[list[ObjectRule], Field(min_length=1)]
    people: PeopleMapping = PeopleMapping()
    roster: RosterFromCrm | None = Field(
        default=None, description="Publish the roster from the CRM's users (Zoho, Salesforce, Fxiaoke)"
    )
    zoho: ZohoSettings | None = None
    fxiaoke: FxiaokeSettings | None = None
    salesforce: SalesforceSettings | None = None

    @field_validator("objects")
    @classmethod
    def _one_rule_per_object(cls, rules: list[ObjectRule]) -> list[ObjectRule]:
        seen = [rule.object for rule in rules]
        if twice := sorted({o for o in seen if seen.count(o) > 1}):
            raise ValueError(f"one rule per object; twice: {', '.join(twice)}")
        return rules

    @model_validator(mode="after")
    def _crm_settings(self) -> Connection:
        if self.crm == "zoho" and self.zoho is None:
            raise ValueError("zoho: the Zoho settings are required when crm is zoho")
        if self.crm == "fxiaoke" and self.fxiaoke is None:
            raise ValueError("fxiaoke: the Fxiaoke settings are required when crm is fxiaoke")
        if self.crm == "salesforce" and self.salesforce is None:
            raise ValueError("salesforce: the Salesforce settings are required when crm is salesforce")
        team_field = self.roster.team_field if self.roster else None
        if self.crm == "salesforce" and team_field and not SOQL_NAME.match(team_field):
            raise ValueError(f"roster.team_field: {team_field!r} is no field API name")
        # The fields go into SOQL: API names only, so a connection file cannot change what a query asks.
        if self.crm == "salesforce" and (
            wrong := sorted({f for r in self.objects for f in r.fields if not SOQL_NAME.match(f)})
        ):
            raise ValueError(f"objects: not Salesforce field API names: {', '.join(wrong)}")
        if not self.source_system:
            object.__setattr__(self, "source_system", self.crm)
        return self

    def rule_for(self, crm_object: str) -> ObjectRule | None:
        return next((rule for rule in self.objects if rule.object == crm_object), None)


def custom_kinds(connection: Connection) -> list[str]:
    """Kinds that are not Pacer's standard ones: allowed (a goal may count them), but worth a line at start-up."""
    return sorted({r.kind for r in connection.objects if r.kind not in STANDARD_KINDS})
