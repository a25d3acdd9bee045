"""The README documents every setting the services read."""

from __future__ import annotations

import re
from pathlib import Path

from pacer_shared.settings import ServiceSettings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_shared_setting_is_in_the_readme_configuration_table() -> None:
    table = README.read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", table))
    for match in re.findall(r"`([A-Z_]+)` / `_([A-Z_]+)` / `_([A-Z_]+)`", table):
        documented.update(f"{match[0].rsplit('_', 1)[0]}_{suffix}" for suffix in match[1:])
    missing = sorted(name.upper() for name in ServiceSettings.model_fields if name.upper() not in documented)
    assert missing == []


def test_every_service_setting_is_in_its_services_table() -> None:
    from pacer_analytics.settings import AnalyticsSettings
    from pacer_connectors.settings import ConnectorsSettings
    from pacer_feedback.settings import FeedbackSettings
    from pacer_goals.settings import GoalsSettings
    from pacer_incentives.settings import IncentivesSettings
    from pacer_notifications.settings import NotificationsSettings
    from pacer_reviews.settings import ReviewsSettings

    text = README.read_text()
    for settings in (
        GoalsSettings,
        NotificationsSettings,
        ReviewsSettings,
        FeedbackSettings,
        IncentivesSettings,
        AnalyticsSettings,
        ConnectorsSettings,
    ):
        prefix = f"PACER_{settings.service_name.upper()}_"
        table = text.split(f"setting (`{prefix}…`)", 1)[1].split("\n\n", 1)[0]
        documented = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", table))
        own = [name.upper() for name in settings.model_fields if name not in ServiceSettings.model_fields]
        assert sorted(set(own) - documented) == [], settings.service_name
