"""Settings of the analytics service, read from PACER_ANALYTICS_* (then PACER_*) environment variables."""

from __future__ import annotations

import socket
import tempfile
from decimal import Decimal
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator

from pacer_analytics.domain.workload import WorkingHours
from pacer_shared.settings import ServiceSettings

LOCAL_PEER_SECRET = "pacer-analytics-local-peer-secret"  # noqa: S105 - refused outside local mode


class AnalyticsSettings(ServiceSettings):
    service_name: ClassVar[str] = "analytics"

    http_port: int = 8106
    metrics_port: int = 9106
    table_store: str = Field(
        default="memory://",
        description="Where the faust tables live between changelog reads: `memory://` (rebuilt from the changelog "
        "topics at start-up) or `rocksdb://` (needs the rocksdict package)",
    )
    data_dir: str = Field(
        default_factory=lambda: f"{tempfile.gettempdir()}/pacer-analytics",
        description="Where the stream worker keeps its local files (RocksDB tables, if chosen); the images' /tmp",
    )
    advertised_url: str | None = Field(
        default=None,
        description="Where the other workers of the group reach this one's API (faust's canonical_url); by default "
        "http://HTTP_HOST:HTTP_PORT, with the address this machine's name resolves to (a pod's IP) for 0.0.0.0",
    )
    peer_secret: SecretStr = Field(
        default=SecretStr(LOCAL_PEER_SECRET),
        description="Shared by the workers of one deployment: a worker reads the table rows another holds with it "
        "(at least 32 characters, and not the development default, outside local mode)",
    )
    peer_timeout_seconds: float = Field(
        default=5.0, gt=0, description="How long a worker waits for another's rows before it tries the read again"
    )
    peer_wait_seconds: float = Field(
        default=20.0,
        gt=0,
        description="How long a read waits for the group to settle after a worker joined, left or died, before it "
        "answers 503: longer than consumer_session_timeout_ms and a rebalance",
    )
    series_max_days: int = Field(default=400, ge=1, description="Most days one series request may span")
    retention_days: int = Field(
        default=500,
        ge=1,
        description="Days of activity the tables keep, back from each assistant's today: older days are purged once a "
        "day, and an activity of an older day is not counted (it shows in pacer_analytics_beyond_retention_total). "
        "The default covers a quarter against the same quarter a year before, mailed a week late",
    )
    roster_cache_seconds: float = Field(
        default=30.0, ge=0, description="How long a person's time zone is reused before the roster is read again"
    )
    warning_threshold: Decimal = Field(
        default=Decimal("0.5"),
        gt=0,
        le=1,
        description="ActivityDropped when the last seven days of a kind fall below this fraction of the usual week",
    )
    warning_min_weekly_average: Decimal = Field(
        default=Decimal(1),
        ge=0,
        description="No warning about a kind done less than this many times a week over the four weeks before",
    )
    warning_tick_seconds: float = Field(
        default=300.0,
        gt=0,
        description="How often a worker looks for assistants whose local day has turned (each is checked once a day)",
    )
    organisation_timezone: str = Field(
        default="UTC",
        description="The organisation's IANA time zone: a month or quarter ends at its midnight, and the team reports "
        "are mailed then",
    )
    report_mail_within_days: int = Field(
        default=7,
        ge=0,
        description="A period's reports are mailed until this many days after it ended (a worker that was down at the "
        "turn of the month catches up; a new deployment does not mail periods long gone)",
    )
    report_tick_seconds: float = Field(
        default=60.0, gt=0, description="How often a worker looks for a month or quarter whose reports are due"
    )
    report_lease_seconds: float = Field(
        default=300.0,
        gt=0,
        description="How long a worker holds a team's report to mail it before another may take it over",
    )
    funnel_kinds: list[str] = Field(
        default=["call", "quote_sent", "order_processed", "deal_closed"],
        min_length=2,
        description="The funnel's chain of activity kinds, top first, when a request names none",
    )
    attainment_buckets: list[Decimal] = Field(
        default=[Decimal("0.5"), Decimal("0.8"), Decimal(1), Decimal("1.2")],
        min_length=1,
        description="Where the attainment distribution of goal outcomes is cut (actual / target), ascending",
    )

    @field_validator("organisation_timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{zone!r} is no IANA time zone") from None
        return zone

    @property
    def organisation_zone(self) -> ZoneInfo:
        return ZoneInfo(self.organisation_timezone)

    training_kinds: dict[str, list[str]] = Field(
        default={
            "sales_skills": ["call", "customer_visit", "lead_followed_up", "deal_closed"],
            "product": ["quote_sent", "deal_closed"],
            "company_policy": ["report_prepared", "order_processed"],
            "time_management": ["report_prepared", "lead_followed_up"],
            "leadership": [],
            "onboarding": [],
        },
        description="The activity kinds each training category is meant to move (TrainingCompleted names a category)",
    )
    working_hours: str = Field(
        default="09:00-18:00",
        description="The organisation's working hours (HH:MM-HH:MM), in each person's own time zone, for the workload",
    )
    working_days: list[str] = Field(
        default=["mon", "tue", "wed", "thu", "fri"],
        description="The organisation's working days (mon … sun); activity on any other day is outside working hours",
    )
    workload_min_team: int = Field(
        default=3,
        ge=2,
        description="Fewest assistants a team needs before its median load is shown beside a person's own: with two, "
        "the median would give away the colleague's numbers",
    )

    @model_validator(mode="after")
    def _working_hours_are_a_span(self) -> AnalyticsSettings:
        self.hours()  # refused at start-up, not at the first read
        return self

    @model_validator(mode="after")
    def _peer_secret_is_secret(self) -> AnalyticsSettings:
        if self.environment != "local":
            secret = self.peer_secret.get_secret_value()
            if secret == LOCAL_PEER_SECRET or len(secret) < 32:
                raise ValueError("peer_secret: set a secret of at least 32 characters outside local mode")
        return self

    def own_url(self) -> str:
        """The address this worker advertises to the group for the others' table reads."""
        if self.advertised_url:
            return self.advertised_url.rstrip("/")
        host = self.http_host
        if host in ("0.0.0.0", "::", ""):  # noqa: S104 - listening everywhere: say where it is reached
            try:
                host = socket.gethostbyname(socket.gethostname())  # a pod's or container's /etc/hosts names its IP
            except OSError:
                host = socket.gethostname()
        return f"http://{host}:{self.http_port}"

    def hours(self) -> WorkingHours:
        return WorkingHours.parse(self.working_hours, self.working_days)
