"""Reads the connections' YAML files and their secrets at start-up; any mistake stops the service with its reason."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from pacer_connectors.domain.mapping import Connection


class ConnectionsInvalid(Exception):
    """One or more connection files are wrong; the message names each file, field and reason."""


@dataclass(frozen=True)
class Configured:
    connection: Connection
    secrets: dict[str, str]
    """Setting name (`client_secret_env`...) -> its value, read from the environment variable it names."""


def load(folder: Path | None) -> list[Configured]:
    if folder is None:
        return []
    if not folder.is_dir():
        raise ConnectionsInvalid(f"connections_dir {folder} is not a folder")
    problems: list[str] = []
    loaded: list[Configured] = []
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        try:
            document = yaml.safe_load(path.read_text())
            connection = Connection.model_validate(document)
        except yaml.YAMLError as error:
            problems.append(f"{path.name}: not YAML: {error}")
            continue
        except ValidationError as error:
            problems.extend(
                f"{path.name}: {'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}" for e in error.errors()
            )
            continue
        secrets, missing = _secrets(connection)
        problems.extend(f"{path.name}: {m}" for m in missing)
        loaded.append(Configured(connection, secrets))
    ids = [c.connection.id for c in loaded]
    problems.extend(
        f"connection id {i!r} is used by more than one file" for i in sorted({i for i in ids if ids.count(i) > 1})
    )
    if problems:
        raise ConnectionsInvalid("invalid connections:\n  " + "\n  ".join(problems))
    return loaded


def _secrets(connection: Connection) -> tuple[dict[str, str], list[str]]:
    names: dict[str, str | None] = {}
    if connection.zoho is not None:
        z = connection.zoho
        names = {
            "client_secret_env": z.client_secret_env,
            "refresh_token_env": z.refresh_token_env,
            "channel_token_env": z.channel_token_env,
        }
    if connection.fxiaoke is not None:
        f = connection.fxiaoke
        names = {"app_secret_env": f.app_secret_env, "permanent_code_env": f.permanent_code_env}
    if connection.salesforce is not None:
        sf = connection.salesforce
        names = {"private_key_env": sf.private_key_env, "client_secret_env": sf.client_secret_env}
    secrets, missing = {}, []
    for setting, variable in names.items():
        if variable is None:
            continue
        if value := os.environ.get(variable):
            secrets[setting] = value
        else:
            missing.append(f"{setting}: environment variable {variable} is not set")
    return secrets, missing
