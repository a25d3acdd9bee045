"""Schemathesis hooks for the fuzz run: each generated request is sent by one of several callers.

The caller is chosen from the request itself, so the same request always goes as the same role (a
failure reproduces, shrinking stays stable) while one run spreads over every role. The callers come
from PACER_FUZZ_CALLERS: a JSON list of [label, Authorization header value].
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import schemathesis

CALLERS: list[tuple[str, str]] = [(label, header) for label, header in json.loads(os.environ["PACER_FUZZ_CALLERS"])]


@schemathesis.auth(refresh_interval=None)
class OneCallerPerRequest:
    def get(self, case: schemathesis.Case[Any], ctx: schemathesis.AuthContext) -> tuple[str, str]:
        request = [case.method, case.path, case.path_parameters, case.query, case.body]
        digest = hashlib.sha256(json.dumps(request, sort_keys=True, default=repr).encode()).digest()
        return CALLERS[int.from_bytes(digest[:4], "big") % len(CALLERS)]

    def set(self, case: schemathesis.Case[Any], data: tuple[str, str], ctx: schemathesis.AuthContext) -> None:
        label, authorization = data
        # The label shows in a finding's curl command; the token itself is filtered from reports.
        case.headers.update({"Authorization": authorization, "X-Pacer-Caller": label})
