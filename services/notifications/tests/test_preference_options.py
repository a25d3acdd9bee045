"""What a person may choose on their preferences page: the channels this deployment enables, the types they may mute."""

from __future__ import annotations

import json

import pytest

from pacer_notifications.domain.rules import load_rules
from pacer_notifications.main import build
from pacer_notifications.settings import NotificationsSettings
from pacer_shared.auth import Role
from pacer_testkit.stack import Stack, bearer, in_process


async def test_a_person_sees_the_chats_enabled_here_email_last_and_the_types_they_may_turn_off(
    stack: Stack, namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only DingTalk and Feishu robots here: Slack, Teams and WeCom are no choice at all.
    robots = {"feishu": {"url": "http://127.0.0.1:9/feishu"}, "dingtalk": {"url": "http://127.0.0.1:9/dingtalk"}}
    env = stack.service_env(
        namespace,
        "notifications",
        PACER_NOTIFICATIONS_CHAT_ENDPOINTS=json.dumps(robots),
        PACER_NOTIFICATIONS_MANDATORY_EVENT_TYPES='["GoalMissed", "BonusApproved"]',
    )
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    async with in_process(build(NotificationsSettings())) as http:
        answer = await http.get("/v1/preference-options", headers=bearer("ann", Role.ASSISTANT))
        anonymous = await http.get("/v1/preference-options")
        muted = await http.put(
            "/v1/preferences/ann",
            json={"disabled": {kind: ["*"] for kind in answer.json()["optional_types"]}},
            headers=bearer("ann", Role.ASSISTANT),
        )

    assert answer.status_code == 200, answer.text
    options = answer.json()
    assert options["channels"] == ["dingtalk", "feishu", "email"]
    assert options["mandatory_types"] == ["GoalMissed", "BonusApproved"]
    every_type = list(load_rules(None).root)
    assert options["optional_types"] == [kind for kind in every_type if kind not in ("GoalMissed", "BonusApproved")]
    assert "GoalAchieved" in options["optional_types"]
    assert anonymous.status_code == 401
    assert muted.status_code == 200, "every type offered as optional can indeed be turned off"


async def test_a_person_whose_id_is_options_reads_their_own_preferences(
    stack: Stack, namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Person ids come from the roster, which may hold any word: no id may collide with another route.
    for key, value in stack.service_env(namespace, "notifications").items():
        monkeypatch.setenv(key, value)

    async with in_process(build(NotificationsSettings())) as http:
        chosen = {"channels": ["email"], "quiet_hours": {"start": "22:00:00", "end": "07:00:00"}}
        saved = await http.put("/v1/preferences/options", json=chosen, headers=bearer("options", Role.ASSISTANT))
        read = await http.get("/v1/preferences/options", headers=bearer("options", Role.ASSISTANT))
        offered = await http.get("/v1/preference-options", headers=bearer("options", Role.ASSISTANT))

    assert saved.status_code == 200, saved.text
    assert read.status_code == 200, read.text
    assert read.json()["channels"] == ["email"]
    assert read.json()["quiet_hours"] == {"start": "22:00:00", "end": "07:00:00"}
    assert offered.status_code == 200, offered.text
    assert "email" in offered.json()["channels"]
