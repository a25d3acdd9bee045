"""A service whose background work ended asks to be restarted: the work is logged as ended, `/healthz` (the
liveness probe) and `/readyz` fail, and a consumer that stopped shows as down in its metric."""

from __future__ import annotations

import httpx
import pytest

from pacer_testkit.probe import ProbeSettings, build
from pacer_testkit.stack import ServiceProcess, Stack, bearer, eventually, in_process, metrics_text


async def test_a_background_loop_that_ends_fails_the_liveness_probe(probe: ServiceProcess) -> None:
    async with httpx.AsyncClient(base_url=probe.url, timeout=10) as http:
        assert (await http.get("/healthz")).json() == {"status": "ok"}

        assert (await http.post("/v1/probe/break", headers=bearer("ops", "admin"))).status_code == 202

        async def failed() -> bool:
            return (await http.get("/healthz")).status_code == 503

        await eventually(failed, what="/healthz to fail once the loop ended")
        health = (await http.get("/healthz")).json()
        assert health["status"] == "failed"
        assert 'chores ended: RuntimeError("the probe\'s chores broke")' in health["problems"]["background"]
        readiness = await http.get("/readyz")
        assert readiness.status_code == 503
        assert "chores ended" in readiness.json()["problems"]["background"]
    log = probe.log_path.read_text()
    assert "background work ended; the service must be restarted" in log
    assert "the probe's chores broke" in log


async def test_a_consumer_whose_kafka_client_fails_for_good_shows_as_down(
    stack: Stack, namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in stack.service_env(namespace, "probe").items():
        monkeypatch.setenv(key, value)
    app = build(ProbeSettings())
    async with in_process(app) as http:
        assert 'pacer_consumer_up{consumer="tally"} 1.0' in await metrics_text(app)

        # What a client refused for good does (an ACL removed, a fatal protocol error): every fetch raises.
        await app.state.readiness.consumers._consumer.stop()

        async def failed() -> bool:
            return (await http.get("/healthz")).status_code == 503

        await eventually(failed, what="/healthz to fail once the consumers ended")
        assert "consumers ended: ConsumerStoppedError" in (await http.get("/healthz")).json()["problems"]["background"]
        assert 'pacer_consumer_up{consumer="tally"} 0.0' in await metrics_text(app)
