"""The API benchmark's load: locust users reading team dashboards back to back, in a process of their own.

    BENCH_TEAMS=t0,t1 BENCH_AUTHORIZATION="Bearer …" python bench/load/dashboard.py URL USERS SECONDS

Prints locust's aggregated figures as JSON. Locust runs as a library rather than from its command line: the
command line's --run-time timer is armed on a clock that stands still while locust starts, so on a busy machine
runs come out seconds short, and its last CSV write can miss the final requests. Here the users start, warm up,
the statistics are reset, and exactly SECONDS of load are measured.
"""

from __future__ import annotations

import json
import os
import random
import sys

import gevent
from locust import FastHttpUser, constant, task  # patches the standard library for gevent on import
from locust.env import Environment

TEAMS = os.environ.get("BENCH_TEAMS", "t0").split(",")
HEADERS = {"Authorization": os.environ.get("BENCH_AUTHORIZATION", "")}


class DashboardReader(FastHttpUser):
    wait_time = constant(0)  # closed loop: each user asks again as soon as it has its answer

    @task
    def dashboard(self) -> None:
        team = random.choice(TEAMS)
        self.client.get(f"/v1/teams/{team}/dashboard", headers=HEADERS, name="/v1/teams/{team}/dashboard")


def measure(url: str, users: int, seconds: float) -> dict[str, float]:
    environment = Environment(user_classes=[DashboardReader], host=url)
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(min(2.0, seconds / 3))  # warm-up: connections opened, first answers cached by the server
    environment.stats.reset_all()
    gevent.sleep(seconds)
    total = environment.stats.total
    figures = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "requests_per_second": total.num_requests / seconds,
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "p99_ms": total.get_response_time_percentile(0.99),
    }
    runner.quit()
    return figures


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))))
