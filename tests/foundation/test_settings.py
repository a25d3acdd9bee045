"""Settings come from PACER_<SERVICE>_* then PACER_*; development secrets are refused outside local mode."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pacer_feedback.settings import FeedbackSettings
from pacer_goals.settings import GoalsSettings
from pacer_notifications.settings import NotificationsSettings


def test_a_service_prefixed_variable_wins_over_the_shared_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACER_KAFKA_BOOTSTRAP_SERVERS", "shared:9092")
    monkeypatch.setenv("PACER_GOALS_KAFKA_BOOTSTRAP_SERVERS", "goals-only:9092")
    assert GoalsSettings().kafka_bootstrap_servers == "goals-only:9092"
    assert NotificationsSettings().kafka_bootstrap_servers == "shared:9092"


def test_each_service_gets_its_own_database_by_default() -> None:
    assert GoalsSettings().mongo_database == "pacer_goals"
    assert NotificationsSettings().mongo_database == "pacer_notifications"


def test_production_refuses_the_local_jwt_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACER_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="refused outside local mode"):
        GoalsSettings()


def test_production_accepts_a_real_secret_or_a_jwks_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACER_ENVIRONMENT", "production")
    monkeypatch.setenv("PACER_JWT_SECRET", "x" * 40)
    assert GoalsSettings().environment == "production"
    monkeypatch.delenv("PACER_JWT_SECRET")
    monkeypatch.setenv("PACER_JWT_JWKS_URL", "https://idp.example.com/.well-known/jwks.json")
    with pytest.raises(ValidationError, match="jwt_issuer and jwt_audience"):
        GoalsSettings()  # tokens the provider minted for other applications would be accepted
    monkeypatch.setenv("PACER_JWT_ISSUER", "https://idp.example.com")
    monkeypatch.setenv("PACER_JWT_AUDIENCE", "pacer")
    assert GoalsSettings().jwt_jwks_url is not None


def test_production_refuses_a_weak_anonymity_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACER_ENVIRONMENT", "production")
    monkeypatch.setenv("PACER_JWT_SECRET", "j" * 40)
    for key, reason in (("short", "at least 32 characters"), ("j" * 40, "must differ from jwt_secret")):
        monkeypatch.setenv("PACER_FEEDBACK_ANONYMITY_KEY", key)
        with pytest.raises(ValidationError, match=reason):
            FeedbackSettings()
    monkeypatch.setenv("PACER_FEEDBACK_ANONYMITY_KEY", "a" * 40)
    assert FeedbackSettings().environment == "production"
