"""Starts, watches and stops Pacer's local stack: Kafka, SecantusDB, the mail and chat sinks.

Usage: python deploy/local/localstack.py install|up|down|status [--profile NAME]

What the servers need is installed by `stack_install.py` (`install`, or the first `up`).

Every server runs as its own process group, recorded in a PID file under
``.stack/<profile>/run``; ``down`` stops exactly those groups. Readiness is a
real request to each server, never an open port. Ports come from the
environment (see ``StackConfig``) so a run and a test suite can share a machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import smtplib
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Re-exported (`x as x`): the tests, the bench and run.py know these as localstack's.
from stack_install import CACHE as CACHE
from stack_install import HERE as HERE
from stack_install import KAFKA_VERSION as KAFKA_VERSION
from stack_install import kafka_libs, secantus_py
from stack_install import log as log
from stack_install import secantus_rs as secantus_rs

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class StackConfig:
    """Where each server listens. Defaults are for `make run`; tests use another profile."""

    profile: str = "run"
    kafka_port: int = 9092
    mongo_port: int = 27017
    smtp_port: int = 1025
    sink_http_port: int = 8025
    mongo_in_memory: bool = False
    dir: Path = field(init=False)

    def __post_init__(self) -> None:
        self.dir = ROOT / ".stack" / self.profile

    @property
    def kafka_controller_port(self) -> int:
        return self.kafka_port + 1

    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def mongo_url(self) -> str:
        return f"mongodb://127.0.0.1:{self.mongo_port}/?directConnection=true"

    @classmethod
    def from_env(cls, profile: str) -> StackConfig:
        defaults = cls() if profile == "run" else cls.for_tests()
        env = os.environ.get
        return cls(
            profile=profile,
            kafka_port=int(env("PACER_STACK_KAFKA_PORT", defaults.kafka_port)),
            mongo_port=int(env("PACER_STACK_MONGO_PORT", defaults.mongo_port)),
            smtp_port=int(env("PACER_STACK_SMTP_PORT", defaults.smtp_port)),
            sink_http_port=int(env("PACER_STACK_SINK_HTTP_PORT", defaults.sink_http_port)),
            mongo_in_memory=defaults.mongo_in_memory,
        )

    @classmethod
    def for_tests(cls) -> StackConfig:
        return cls(
            profile="test",
            kafka_port=19092,
            mongo_port=17017,
            smtp_port=11025,
            sink_http_port=18025,
            mongo_in_memory=True,
        )


def mongo_command(config: StackConfig) -> list[str]:
    """SecantusDB: the Rust server where it can be built, otherwise the Python server.

    Either is a separate GPL tool process, never a dependency of a Pacer package.
    PACER_STACK_MONGO_SERVER=py|rs forces one.
    """
    choice = os.environ.get("PACER_STACK_MONGO_SERVER", "auto")
    address = ["--host", "127.0.0.1", "--port", str(config.mongo_port)]
    rust = secantus_rs() if choice in ("auto", "rs") else None
    if rust is not None:
        storage = config.dir / "mongo-data"
        return [str(rust), *address, "--storage-path", str(storage), "--cache-size", "512M", "--log-level", "WARNING"]
    storage_path = ":memory:" if config.mongo_in_memory else str(config.dir / "mongo-data")
    return [str(secantus_py()), *address, "--storage-path", storage_path]


# ---------------------------------------------------------------- processes


def pid_file(config: StackConfig, name: str) -> Path:
    return config.dir / "run" / f"{name}.pid"


def running_pid(config: StackConfig, name: str) -> int | None:
    path = pid_file(config, name)
    if not path.exists():
        return None
    pid = int(path.read_text())
    if not _alive(pid):  # reaps a child that exited: a zombie still answers signal 0
        path.unlink()
        return None
    return pid


def spawn(config: StackConfig, name: str, argv: list[str], env: dict[str, str] | None = None) -> int:
    """Start a server in its own process group and record its PID."""
    (config.dir / "run").mkdir(parents=True, exist_ok=True)
    (config.dir / "logs").mkdir(parents=True, exist_ok=True)
    logfile = open(config.dir / "logs" / f"{name}.log", "ab")  # noqa: SIM115 - handed to the child
    process = subprocess.Popen(
        argv,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, **(env or {})},
        cwd=config.dir,
    )
    logfile.close()
    pid_file(config, name).write_text(str(process.pid))
    return process.pid


def stop(config: StackConfig, name: str, timeout: float = 20.0) -> None:
    """SIGTERM the server's process group, SIGKILL it if it outlives the timeout."""
    pid = running_pid(config, name)
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)
    if _alive(pid):
        log(f"{name} did not stop in {timeout:.0f}s; killing it")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    pid_file(config, name).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    except ChildProcessError:
        pass  # not our child: fall back to a signal probe
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class ServerExited(SystemExit):
    """A server of the stack died before it was ready."""


def wait_until(name: str, probe: Callable[[], bool], timeout: float, config: StackConfig) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if running_pid(config, name) is None:
            raise ServerExited(f"{name} exited during start-up; see {config.dir / 'logs' / (name + '.log')}")
        if probe():
            return
        time.sleep(0.2)
    raise SystemExit(f"{name} not ready after {timeout:.0f}s; see {config.dir / 'logs' / (name + '.log')}")


# ---------------------------------------------------------------- servers


def kafka_properties(config: StackConfig, data: Path) -> str:
    return "\n".join(
        [
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.bootstrap.servers=127.0.0.1:{config.kafka_controller_port}",
            f"listeners=PLAINTEXT://127.0.0.1:{config.kafka_port},"
            f"CONTROLLER://127.0.0.1:{config.kafka_controller_port}",
            f"advertised.listeners=PLAINTEXT://127.0.0.1:{config.kafka_port}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            f"log.dirs={data}",
            "num.partitions=3",
            # Topics are created by the services with explicit settings, as in production.
            "auto.create.topics.enable=false",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=3",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "",
        ]
    )


def start_kafka(config: StackConfig) -> None:
    if running_pid(config, "kafka"):
        return
    libs = kafka_libs()
    data = config.dir / "kafka-data"
    props = config.dir / "kafka.properties"
    props.parent.mkdir(parents=True, exist_ok=True)
    props.write_text(kafka_properties(config, data))
    classpath = f"{libs}/*"
    if not (data / "meta.properties").exists():
        subprocess.run(
            [
                "java",
                "-cp",
                classpath,
                f"-Dkafka.logs.dir={config.dir / 'logs'}",
                f"-Dlog4j2.configurationFile={HERE / 'kafka' / 'log4j2.yaml'}",
                "kafka.tools.StorageTool",
                "format",
                "--standalone",
                "-t",
                uuid.uuid4().hex[:22],
                "-c",
                str(props),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    spawn(
        config,
        "kafka",
        [
            "java",
            "-Xms256m",
            "-Xmx512m",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dkafka.logs.dir={config.dir / 'logs'}",
            f"-Dlog4j2.configurationFile={HERE / 'kafka' / 'log4j2.yaml'}",
            "-cp",
            classpath,
            "kafka.Kafka",
            str(props),
        ],
    )


def kafka_ready(config: StackConfig) -> bool:
    """A real metadata request answered by the broker, not just an open port."""

    import logging

    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # refused connections are expected while booting

    async def probe() -> bool:
        from aiokafka.admin import AIOKafkaAdminClient

        admin = AIOKafkaAdminClient(bootstrap_servers=config.kafka_bootstrap, request_timeout_ms=2000)
        try:
            await admin.start()
            await admin.describe_cluster()
            return True
        except Exception:
            return False
        finally:
            with contextlib.suppress(Exception):
                await admin.close()

    return asyncio.run(probe())


def start_mongo(config: StackConfig) -> None:
    if running_pid(config, "mongo"):
        return
    (config.dir / "mongo-data").mkdir(parents=True, exist_ok=True)
    spawn(config, "mongo", mongo_command(config))


def mongo_ready(config: StackConfig) -> bool:
    from pymongo import MongoClient

    client: MongoClient[dict[str, object]] = MongoClient(config.mongo_url, serverSelectionTimeoutMS=1000)
    try:
        client.admin.command("ping")
        return True
    except Exception:
        return False
    finally:
        client.close()


def start_sinks(config: StackConfig) -> None:
    if running_pid(config, "sinks"):
        return
    spawn(
        config,
        "sinks",
        [
            sys.executable,
            str(HERE / "sinks.py"),
            "--smtp-port",
            str(config.smtp_port),
            "--http-port",
            str(config.sink_http_port),
            "--store",
            str(config.dir / "sinks"),
        ],
    )


def sinks_ready(config: StackConfig) -> bool:
    try:
        with smtplib.SMTP("127.0.0.1", config.smtp_port, timeout=2) as smtp:
            code, _ = smtp.noop()
        with urllib.request.urlopen(f"http://127.0.0.1:{config.sink_http_port}/api/health", timeout=2) as r:
            return code == 250 and bool(r.status == 200)
    except OSError:
        return False


SERVERS: dict[str, tuple[Callable[[StackConfig], None], Callable[[StackConfig], bool], float]] = {
    "kafka": (start_kafka, kafka_ready, 90.0),
    "mongo": (start_mongo, mongo_ready, 60.0),
    "sinks": (start_sinks, sinks_ready, 30.0),
}


def up(config: StackConfig, only: list[str] | None = None) -> None:
    names = only or list(SERVERS)
    for name in names:  # start all first: they boot in parallel
        SERVERS[name][0](config)
    for name in names:
        start, ready, timeout = SERVERS[name]
        try:
            wait_until(name, lambda ready=ready: ready(config), timeout, config)  # type: ignore[misc]
        except ServerExited:
            # The profiles' ports lie in Linux's ephemeral range, so a client socket of another program can hold
            # one for a moment ("Address already in use"); a second start finds it free.
            log(f"{name} exited during start-up; starting it once more")
            start(config)
            wait_until(name, lambda ready=ready: ready(config), timeout, config)  # type: ignore[misc]
        log(f"{name} ready")
    (config.dir / "env.json").write_text(json.dumps(endpoints(config), indent=2))


def down(config: StackConfig, only: list[str] | None = None, wipe: bool = False) -> None:
    for name in reversed(only or list(SERVERS)):
        stop(config, name)
    if wipe:
        shutil.rmtree(config.dir, ignore_errors=True)


def endpoints(config: StackConfig) -> dict[str, str]:
    return {
        "kafka_bootstrap": config.kafka_bootstrap,
        "mongo_url": config.mongo_url,
        "smtp": f"127.0.0.1:{config.smtp_port}",
        "sinks": f"http://127.0.0.1:{config.sink_http_port}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "down", "status", "install"])
    parser.add_argument("--profile", default="run")
    parser.add_argument("--wipe", action="store_true", help="with down: delete the profile's data")
    parser.add_argument("servers", nargs="*", help=f"a subset of {', '.join(SERVERS)}")
    args = parser.parse_args()
    if unknown := set(args.servers) - set(SERVERS):
        parser.error(f"unknown server(s): {', '.join(sorted(unknown))}")
    config = StackConfig.from_env(args.profile)
    if args.command == "install":
        kafka_libs()
        mongo_command(config)
    elif args.command == "up":
        up(config, args.servers)
        print(json.dumps(endpoints(config), indent=2))
    elif args.command == "down":
        down(config, args.servers, wipe=args.wipe)
    else:
        for name in SERVERS:
            pid = running_pid(config, name)
            print(f"{name}: {f'running, pid {pid}' if pid else 'stopped'}")


if __name__ == "__main__":
    main()
