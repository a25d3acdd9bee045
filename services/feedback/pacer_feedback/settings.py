"""Settings of the feedback service, read from PACER_FEEDBACK_* (then PACER_*) environment variables."""

from __future__ import annotations

from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator

from pacer_shared.settings import LOCAL_JWT_SECRET, ServiceSettings

LOCAL_ANONYMITY_KEY = "pacer-local-anonymity-key-change-me"


class FeedbackSettings(ServiceSettings):
    service_name: ClassVar[str] = "feedback"
    seals_text: ClassVar[bool] = True

    http_port: int = 8103
    metrics_port: int = 9103
    anonymity_threshold: int = Field(
        default=3,
        ge=3,
        description="k: anonymous feedback about a team or person is shown only k submissions at a time",
    )
    anonymous_daily_limit: int = Field(default=5, ge=1, description="Anonymous submissions one person may make per day")
    anonymity_key: SecretStr = Field(
        default=SecretStr(LOCAL_ANONYMITY_KEY),
        description="Keys the daily rate-limit hashes; without it nobody can link a hash to a person",
    )
    anonymous_release_hour: int = Field(
        default=6,
        ge=0,
        le=23,
        description="Hour of the organisation's day at which anonymous results and authors' replies are released",
    )
    organisation_timezone: str = Field(
        default="UTC", description="IANA time zone of the organisation's day (anonymous releases, their dates)"
    )
    release_poll_seconds: float = Field(
        default=60.0, gt=0, description="Longest sleep of the anonymous release worker between looks at what is due"
    )

    @field_validator("organisation_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"organisation_timezone: {value!r} is not an IANA time zone") from None
        return value

    @property
    def organisation_zone(self) -> ZoneInfo:
        return ZoneInfo(self.organisation_timezone)

    @model_validator(mode="after")
    def _real_key(self) -> FeedbackSettings:
        if self.environment == "local":
            return self
        key = self.anonymity_key.get_secret_value()
        if key in (LOCAL_ANONYMITY_KEY, LOCAL_JWT_SECRET):
            raise ValueError("anonymity_key: the local development key is refused outside local mode")
        if len(key) < 32:
            raise ValueError("anonymity_key: use at least 32 characters outside local mode")
        if key == self.jwt_secret.get_secret_value():
            raise ValueError("anonymity_key: must differ from jwt_secret (whoever holds one must not hold the other)")
        return self

    def local_mode_warnings(self) -> list[str]:
        warnings = super().local_mode_warnings()
        if self.environment == "local" and self.anonymity_key.get_secret_value() == LOCAL_ANONYMITY_KEY:
            warnings.append(
                "anonymity_key is the published development key: whoever reads the database can link anonymous "
                "submissions of the same day to a person"
            )
        return warnings
