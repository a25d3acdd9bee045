"""Settings come from PACER_<SERVICE>_* then PACER_*; development secrets are refused outside local mode."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pacer_connectors.settings import ConnectorsSettings
from pacer_feedback.settings import FeedbackSettings
from pacer_goals.settings import GoalsSettings
from pacer_incentives.settings import IncentivesSettings
from pacer_notifications.settings import NotificationsSettings
from pacer_reviews.settings import ReviewsSettings
from pacer_shared.settings import LOCAL_PSEUDONYM_KEY, LOCAL_SHREDDING_KEY


def test_a_service_prefixed_variable_wins_over_the_shared_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACER_KAFKA_BOOTSTRAP_SERVERS", "shared:9092")
    monkeypatch.setenv("PACER_GOALS_KAFKA_BOOTSTRAP_SERVERS", "goals-only:9092")
    assert GoalsSettings().kafka_bootstrap_servers == "goals-only:9092"
    assert NotificationsSettings().kafka_bootstrap_servers == "shared:9092"


def test_each_service_gets_its_own_database_by_default() -> None:
    assert GoalsSettings().mongo_database == "pacer_goals"
    assert NotificationsSettings().mongo_database == "pacer_notifications"


def test_production_refuses_the_local_jwt_secret(production: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="refused outside local mode"):
        GoalsSettings()


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Production mode with encrypted transports: what each test below changes is then the only fault."""
    monkeypatch.setenv("PACER_ENVIRONMENT", "production")
    monkeypatch.setenv("PACER_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("PACER_NOTIFICATIONS_SMTP_SECURITY", "starttls")
    monkeypatch.setenv("PACER_PSEUDONYM_KEY", "p" * 40)
    monkeypatch.setenv("PACER_SHREDDING_KEY", "s" * 40)
    return monkeypatch


def test_production_refuses_a_default_short_or_reused_pseudonym_key(production: pytest.MonkeyPatch) -> None:
    production.setenv("PACER_JWT_SECRET", "x" * 40)
    production.setenv("PACER_JWT_AUDIENCE", "pacer")
    for weak in (LOCAL_PSEUDONYM_KEY, "short"):
        production.setenv("PACER_PSEUDONYM_KEY", weak)
        with pytest.raises(ValidationError, match="pseudonym_key: set a random key"):
            GoalsSettings()
    production.setenv("PACER_PSEUDONYM_KEY", "x" * 40)
    with pytest.raises(ValidationError, match="pseudonym_key: must differ from jwt_secret"):
        GoalsSettings()  # whoever verifies tokens could match guessed ids to pseudonyms


def test_production_refuses_a_default_short_or_reused_shredding_key_where_text_is_sealed(
    production: pytest.MonkeyPatch,
) -> None:
    production.setenv("PACER_JWT_SECRET", "x" * 40)
    production.setenv("PACER_JWT_AUDIENCE", "pacer")
    production.setenv("PACER_FEEDBACK_ANONYMITY_KEY", "a" * 40)
    for weak in (LOCAL_SHREDDING_KEY, "short"):
        production.setenv("PACER_SHREDDING_KEY", weak)
        for settings in (FeedbackSettings, GoalsSettings, IncentivesSettings, NotificationsSettings, ReviewsSettings):
            with pytest.raises(ValidationError, match="shredding_key: set a random key"):
                settings()
        assert ConnectorsSettings().environment == "production", "connectors seals nothing: it needs no such key"
    production.setenv("PACER_SHREDDING_KEY", "p" * 40)
    with pytest.raises(ValidationError, match="shredding_key: must differ"):
        FeedbackSettings()  # one leaked key would then open what the other protects
    production.setenv("PACER_SHREDDING_KEY", "s" * 40)
    assert FeedbackSettings().shredding_key.get_secret_value() == "s" * 40


def test_production_accepts_a_real_secret_or_a_jwks_url(production: pytest.MonkeyPatch) -> None:
    production.setenv("PACER_JWT_SECRET", "x" * 40)
    production.setenv("PACER_JWT_AUDIENCE", "pacer")
    assert GoalsSettings().environment == "production"
    production.delenv("PACER_JWT_SECRET")
    production.delenv("PACER_JWT_AUDIENCE")
    production.setenv("PACER_JWT_JWKS_URL", "https://idp.example.com/.well-known/jwks.json")
    with pytest.raises(ValidationError, match="jwt_issuer and jwt_audience"):
        GoalsSettings()  # tokens the provider minted for other applications would be accepted
    production.setenv("PACER_JWT_ISSUER", "https://idp.example.com")
    production.setenv("PACER_JWT_AUDIENCE", "pacer")
    assert GoalsSettings().jwt_jwks_url is not None


def test_production_refuses_a_shared_secret_without_an_audience(production: pytest.MonkeyPatch) -> None:
    production.setenv("PACER_JWT_SECRET", "x" * 40)
    with pytest.raises(ValidationError, match="jwt_audience: required"):
        GoalsSettings()  # a token minted for any system holding the secret would be good here
    production.setenv("PACER_GOALS_JWT_AUDIENCE", "pacer-goals")
    assert GoalsSettings().jwt_audience == "pacer-goals"


@pytest.mark.parametrize("protocol", ["PLAINTEXT", "SASL_PLAINTEXT"])
def test_production_refuses_kafka_without_tls_unless_allowed(production: pytest.MonkeyPatch, protocol: str) -> None:
    production.setenv("PACER_JWT_SECRET", "x" * 40)
    production.setenv("PACER_JWT_AUDIENCE", "pacer")
    production.setenv("PACER_KAFKA_SECURITY_PROTOCOL", protocol)
    with pytest.raises(ValidationError, match=f"kafka_security_protocol: {protocol} sends events"):
        GoalsSettings()
    production.setenv("PACER_ALLOW_INSECURE_TRANSPORT", "true")
    assert GoalsSettings().kafka_security_protocol == protocol


def test_production_refuses_mail_without_tls_unless_allowed(production: pytest.MonkeyPatch) -> None:
    production.setenv("PACER_JWT_SECRET", "x" * 40)
    production.setenv("PACER_JWT_AUDIENCE", "pacer")
    production.setenv("PACER_NOTIFICATIONS_SMTP_SECURITY", "none")
    with pytest.raises(ValidationError, match="smtp_security: none sends mail"):
        NotificationsSettings()
    production.setenv("PACER_NOTIFICATIONS_ALLOW_INSECURE_TRANSPORT", "true")
    assert NotificationsSettings().smtp_security == "none"


def test_local_mode_says_its_public_keys_at_start_up() -> None:
    assert any("anyone can mint a token" in w for w in GoalsSettings().local_mode_warnings())
    feedback = FeedbackSettings().local_mode_warnings()
    assert any("anonymity_key is the published development key" in w for w in feedback)
    assert FeedbackSettings(anonymity_key="k" * 40, jwt_secret="s" * 40).local_mode_warnings() == []


def test_production_refuses_a_weak_anonymity_key(production: pytest.MonkeyPatch) -> None:
    monkeypatch = production
    monkeypatch.setenv("PACER_JWT_SECRET", "j" * 40)
    monkeypatch.setenv("PACER_JWT_AUDIENCE", "pacer")
    for key, reason in (("short", "at least 32 characters"), ("j" * 40, "must differ from jwt_secret")):
        monkeypatch.setenv("PACER_FEEDBACK_ANONYMITY_KEY", key)
        with pytest.raises(ValidationError, match=reason):
            FeedbackSettings()
    monkeypatch.setenv("PACER_FEEDBACK_ANONYMITY_KEY", "a" * 40)
    assert FeedbackSettings().environment == "production"
