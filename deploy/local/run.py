"""`make run`: the console, the local stack, the seven services under honcho, where to look, and the live demo.

Ctrl-C (or SIGTERM) stops the console and the services (through honcho), then the stack servers by
their PIDs; nothing is left running.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import console
import crm
import localstack

from pacer_shared.ports import LOCAL_PORTS

SERVICES = LOCAL_PORTS
METRICS_OFFSET = 1000
"""Each service serves /metrics on its API port plus this (goals 9101, ...), apart from the API."""
READY_TIMEOUT = 180.0
CONSOLE_PORT = int(os.environ.get("PACER_CONSOLE_PORT", "8600"))
CONSOLE_URL = f"http://127.0.0.1:{CONSOLE_PORT}"
CONSOLE_DEV_URL = "http://127.0.0.1:5173"  # `npm run dev` in frontend/, for work on the console itself


def service_env(config: localstack.StackConfig, demo_crm: str | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PACER_ENVIRONMENT": "local",
        "PACER_KAFKA_BOOTSTRAP_SERVERS": config.kafka_bootstrap,
        "PACER_MONGO_URL": config.mongo_url,
        "PACER_HTTP_HOST": "127.0.0.1",
        "PACER_CORS_ALLOWED_ORIGINS": json.dumps([CONSOLE_URL, CONSOLE_DEV_URL]),  # the console has its own port
        "PACER_LOG_JSON": "true",
        "PACER_NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
        "PACER_NOTIFICATIONS_SMTP_PORT": str(config.smtp_port),
        "PACER_NOTIFICATIONS_CHAT_BASE_URL": f"http://127.0.0.1:{config.sink_http_port}/hooks",
        "PYTHONUNBUFFERED": "1",
        # The demo's bonus period lasts minutes: calculate its statements soon after the goals are decided.
        "PACER_INCENTIVES_CLOSE_SETTLE_SECONDS": "10",
    }
    for name, port in SERVICES.items():
        env[f"PACER_{name.upper()}_HTTP_PORT"] = str(port)
        env[f"PACER_{name.upper()}_METRICS_PORT"] = str(port + METRICS_OFFSET)
    if demo_crm:
        env |= crm.service_env(config.dir / "connections", f"http://127.0.0.1:{SERVICES['connectors']}")
    return env


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def wait_for_services(honcho: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    pending = dict(SERVICES)
    while pending and time.monotonic() < deadline:
        if honcho.poll() is not None:
            raise SystemExit("a service exited during start-up; see the services log")
        for name, port in list(pending.items()):
            if ready(port):
                localstack.log(f"{name} ready on :{port}")
                del pending[name]
        time.sleep(0.5)
    if pending:
        raise SystemExit(f"not ready after {READY_TIMEOUT:.0f}s: {', '.join(pending)}")


def wait_for_console(web: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if web.poll() is not None:
            raise SystemExit(f"the console's server exited (is port {CONSOLE_PORT} free? PACER_CONSOLE_PORT moves it)")
        try:
            with urllib.request.urlopen(f"{CONSOLE_URL}/config.json", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the console did not answer on {CONSOLE_URL}")


def banner(config: localstack.StackConfig, services_log: Path) -> str:
    from pacer_shared.auth import Role, mint_local_token
    from pacer_shared.settings import ServiceSettings

    token = mint_local_token(ServiceSettings(), "local-admin", Role.ADMIN)
    lines = ["", "Pacer is running. Press Ctrl-C to stop everything.", ""]
    lines += [f"  console        {CONSOLE_URL}   (local mode: sign in as anyone of the roster)", ""]
    lines += [
        f"  {name:<14} API docs http://127.0.0.1:{port}/docs   metrics http://127.0.0.1:{port + METRICS_OFFSET}/metrics"
        for name, port in SERVICES.items()
    ]
    lines += [
        "",
        f"  mail and chat sinks  http://127.0.0.1:{config.sink_http_port}/  (SMTP on 127.0.0.1:{config.smtp_port})",
        f"  Kafka                {config.kafka_bootstrap}",
        f"  MongoDB              {config.mongo_url}",
        f"  service logs         {services_log}",
        "",
        "  An admin token for the API docs' Authorize button (valid 12 hours):",
        f"  {token}",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    config = localstack.StackConfig.from_env("run")
    honcho: subprocess.Popen[bytes] | None = None
    web: subprocess.Popen[bytes] | None = None
    zoho: subprocess.Popen[bytes] | None = None

    def on_sigterm(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
    with_demo = os.environ.get("PACER_DEMO", "1") != "0"
    demo_crm = crm.chosen() if with_demo else None
    try:
        if with_demo:
            # The demo's goals, plans and messages must not meet those of an earlier, interrupted run.
            localstack.log("the demo starts from empty data (PACER_DEMO=0 keeps what earlier runs left)")
            localstack.down(config, wipe=True)
        localstack.log("building the console (frontend/)")
        console.build()
        localstack.up(config)
        services_log = config.dir / "logs" / "services.log"
        if demo_crm:
            localstack.log(f"the demo logs its calls in a local Zoho CRM ({crm.ZOHO_URL}); the connector feeds goals")
            zoho = crm.start_zoho(config.dir / "logs" / "zoho.log")
        with services_log.open("ab") as log:
            honcho = subprocess.Popen(
                [sys.executable, "-m", "honcho", "-f", str(localstack.HERE / "Procfile"), "start"],
                cwd=localstack.ROOT,
                env=service_env(config, demo_crm),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us; we stop honcho ourselves, in order
            )
        wait_for_services(honcho)
        web = subprocess.Popen(
            [sys.executable, str(localstack.HERE / "console.py"), "--no-build", "--port", str(CONSOLE_PORT)],
            cwd=localstack.ROOT,
            start_new_session=True,
        )
        wait_for_console(web)
        print(banner(config, services_log), flush=True)
        if with_demo:
            from demo import Demo

            demo = Demo(
                config.kafka_bootstrap,
                {name: f"http://127.0.0.1:{port}" for name, port in SERVICES.items()},
                f"http://127.0.0.1:{config.sink_http_port}",
                crm_url=crm.ZOHO_URL if demo_crm else None,
            )
            asyncio.run(demo.run())
        honcho.wait()
        localstack.log("the services stopped on their own; see the services log")
    except KeyboardInterrupt:
        localstack.log("stopping")
    finally:
        for process in (web, zoho):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
        if honcho is not None and honcho.poll() is None:
            honcho.send_signal(signal.SIGTERM)  # honcho passes it on and waits for the services to drain
            try:
                honcho.wait(60)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(honcho.pid, signal.SIGKILL)
        localstack.down(config)
        localstack.log("stopped")


if __name__ == "__main__":
    main()
