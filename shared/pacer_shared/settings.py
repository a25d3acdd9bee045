"""The settings every service shares; each service subclasses it with its own env prefix.

A value is read from `PACER_<SERVICE>_<NAME>` first and `PACER_<NAME>` second, so a
deployment can set what all services share (Kafka, MongoDB host) once.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

LOCAL_JWT_SECRET = "pacer-local-development-secret-change-me"  # noqa: S105 - refused outside local mode
LOCAL_PSEUDONYM_KEY = "pacer-local-pseudonym-key-change-me"  # refused outside local mode
LOCAL_SHREDDING_KEY = "pacer-local-shredding-key-change-me"  # refused outside local mode


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PACER_", extra="ignore")

    service_name: ClassVar[str] = "service"
    seals_text: ClassVar[bool] = False
    """Whether the service seals or opens what people write about each other (`pacer_shared.shredding`)."""

    environment: Literal["local", "production"] = Field(
        default="local", description="`production` refuses development defaults such as the local JWT secret"
    )
    http_host: str = "0.0.0.0"  # noqa: S104 - containers listen on all interfaces
    http_port: int = 8000
    metrics_port: int = Field(
        default=9100,
        ge=0,
        le=65535,
        description="Where /metrics is served, apart from the API (on the API's host); 0 picks a free port",
    )
    log_level: str = "INFO"
    log_json: bool = True

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: str | None = None
    kafka_idempotent_producer: bool = Field(
        default=True, description="Turn off only for brokers without InitProducerId"
    )
    topic_prefix: str = ""
    topic_partitions: int = Field(default=6, ge=1)
    topic_replication_factor: int = Field(default=1, ge=1)
    consumer_batch_size: int = Field(default=500, ge=1)
    consumer_batch_window_ms: int = Field(
        default=50,
        ge=0,
        description="How long the broker may hold a fetch to fill a batch under light load: the most latency it adds",
    )
    consumer_fetch_min_bytes: int = Field(
        default=1 << 20, ge=1, description="A fetch returns at once when this much is waiting"
    )
    consumer_session_timeout_ms: int = Field(
        default=10000, ge=1000, description="How soon a dead replica's partitions move to the others"
    )
    dedup_retention_days: int = Field(
        default=30, ge=1, description="Keep processed event ids at least as long as topic retention"
    )
    audit_retention_days: int = Field(
        default=400, ge=1, description="How long the audit trail keeps who read or changed what"
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Proxies (the Ingress controller) whose X-Forwarded-For names the caller's address: comma-separated"
        " addresses or networks, * for any",
    )

    mongo_url: str = "mongodb://127.0.0.1:27017/?directConnection=true"
    mongo_database: str = ""

    outbox_poll_interval_ms: int = Field(default=200, ge=10)
    outbox_lease_seconds: int = Field(default=10, ge=2)

    gc_gen0_threshold: int = Field(
        default=10_000,
        ge=700,
        description="Allocations between young-generation garbage collections (the interpreter's default is 700)",
    )

    jwt_secret: SecretStr = SecretStr(LOCAL_JWT_SECRET)
    jwt_jwks_url: str | None = Field(
        default=None, description="Use RS256 keys from this JWKS URL instead of the secret"
    )
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_role_claim: str = "role"

    pseudonym_key: SecretStr = Field(
        default=SecretStr(LOCAL_PSEUDONYM_KEY),
        description="Keys the pseudonyms that replace an erased person's id (the same in every service; keep it "
        "secret: with it, a guessed id can be matched to its pseudonym)",
    )

    keys_database: str = Field(
        default="pacer_keys",
        description="The MongoDB database of people's keys, which seal what they write about each other on the "
        "topics (feedback and notifications use it; an erasure destroys the person's key)",
    )
    shredding_key: SecretStr = Field(
        default=SecretStr(LOCAL_SHREDDING_KEY),
        description="Wraps the people's keys in `keys_database` (the same in feedback and notifications; lost, no "
        "sealed text opens again)",
    )

    allow_insecure_transport: bool = Field(
        default=False,
        description="Outside local mode, accept Kafka without TLS (and, in notifications, SMTP without TLS)",
    )
    cors_allowed_origins: list[str] = Field(
        default=[],
        description=(
            'Browser origins that may call the API, e.g. the console\'s `["http://127.0.0.1:8600"]` (JSON list); '
            "empty: none. Production serves the console and the APIs from one origin and needs none"
        ),
    )

    @model_validator(mode="after")
    def _defaults(self) -> ServiceSettings:
        if not self.mongo_database:
            self.mongo_database = f"pacer_{self.service_name}"
        if self.environment != "local":
            self._refuse_development_defaults()
        return self

    def local_mode_warnings(self) -> list[str]:
        """What local mode's public defaults expose, said at start-up so nobody runs real data on them by mistake."""
        if self.environment != "local" or self.jwt_jwks_url:
            return []
        if self.jwt_secret.get_secret_value() == LOCAL_JWT_SECRET:
            return ["jwt_secret is the published development secret: anyone can mint a token for any role"]
        return []

    def _refuse_development_defaults(self) -> None:
        if not self.jwt_jwks_url:
            if self.jwt_secret.get_secret_value() == LOCAL_JWT_SECRET:
                raise ValueError("jwt_secret: the local development secret is refused outside local mode")
            if len(self.jwt_secret.get_secret_value()) < 32:
                raise ValueError("jwt_secret: use at least 32 characters outside local mode")
            if not self.jwt_audience:
                # One HS256 secret is often shared by several systems (every Pacer service at least): a token must
                # name whom it is for, or one minted for any of them is good for all.
                raise ValueError("jwt_audience: required with jwt_secret outside local mode")
        elif not (self.jwt_issuer and self.jwt_audience):
            # The identity provider signs tokens for every application it serves: without these, a token minted
            # for another one that happens to carry a role claim would be accepted here.
            raise ValueError("jwt_issuer and jwt_audience: both are required with jwt_jwks_url outside local mode")
        pseudonym_key = self.pseudonym_key.get_secret_value()
        if pseudonym_key == LOCAL_PSEUDONYM_KEY or len(pseudonym_key) < 32:
            raise ValueError("pseudonym_key: set a random key of at least 32 characters outside local mode")
        if pseudonym_key == self.jwt_secret.get_secret_value():
            # Whoever can verify tokens could then reverse pseudonyms by guessing ids.
            raise ValueError("pseudonym_key: must differ from jwt_secret")
        shredding_key = self.shredding_key.get_secret_value()
        if self.seals_text:
            if shredding_key == LOCAL_SHREDDING_KEY or len(shredding_key) < 32:
                raise ValueError("shredding_key: set a random key of at least 32 characters outside local mode")
            if shredding_key in (pseudonym_key, self.jwt_secret.get_secret_value()):
                raise ValueError("shredding_key: must differ from jwt_secret and pseudonym_key")
        if self.kafka_security_protocol in ("PLAINTEXT", "SASL_PLAINTEXT") and not self.allow_insecure_transport:
            raise ValueError(
                f"kafka_security_protocol: {self.kafka_security_protocol} sends events (bonus amounts, reviews) "
                "unencrypted; use SSL or SASL_SSL outside local mode, or set allow_insecure_transport"
            )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        service_env = EnvSettingsSource(settings_cls, env_prefix=f"PACER_{cls.service_name.upper()}_")
        return init_settings, service_env, env_settings, file_secret_settings

    def kafka_client_options(self) -> dict[str, Any]:
        """Connection options understood by aiokafka clients."""
        options: dict[str, Any] = {
            "bootstrap_servers": self.kafka_bootstrap_servers,
            "security_protocol": self.kafka_security_protocol,
        }
        if self.kafka_sasl_mechanism:
            options["sasl_mechanism"] = self.kafka_sasl_mechanism
            options["sasl_plain_username"] = self.kafka_sasl_username
            options["sasl_plain_password"] = (
                self.kafka_sasl_password.get_secret_value() if self.kafka_sasl_password else None
            )
        if self.kafka_security_protocol in ("SSL", "SASL_SSL"):
            from aiokafka.helpers import create_ssl_context

            options["ssl_context"] = create_ssl_context(cafile=self.kafka_ssl_cafile)
        return options
