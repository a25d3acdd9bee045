# One image per Pacer service, built from uv.lock: docker build --build-arg SERVICE=goals -t pacer-goals .
# SERVICE is one of goals, reviews, feedback, incentives, notifications, analytics, connectors.
ARG SERVICE=goals
ARG PYTHON_IMAGE=python:3.11-slim

# ---------------------------------------------------------------- build: /app/.venv from the lockfile
FROM ${PYTHON_IMAGE} AS build
ARG SERVICE
RUN pip install --no-cache-dir "uv==0.13.9"
ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_NO_CACHE=1
WORKDIR /src
# Third-party dependencies first, from the workspace manifests only, so this layer survives code changes.
COPY pyproject.toml uv.lock ./
COPY shared/pyproject.toml shared/
COPY services/goals/pyproject.toml services/goals/
COPY services/reviews/pyproject.toml services/reviews/
COPY services/feedback/pyproject.toml services/feedback/
COPY services/incentives/pyproject.toml services/incentives/
COPY services/notifications/pyproject.toml services/notifications/
COPY services/analytics/pyproject.toml services/analytics/
COPY services/connectors/pyproject.toml services/connectors/
RUN uv sync --frozen --no-dev --no-install-workspace --package "pacer-${SERVICE}"
# Then the code: pacer-shared and the one service, installed as wheels (not editable) so /src is not needed at runtime.
COPY shared/ shared/
COPY services/ services/
RUN uv sync --frozen --no-dev --no-editable --package "pacer-${SERVICE}" \
 && /app/.venv/bin/python -c "import importlib; importlib.import_module('pacer_${SERVICE}.main')"

# ---------------------------------------------------------------- runtime: the venv, a non-root user, nothing else
FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
RUN groupadd --gid 10001 pacer \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin pacer
COPY --from=build /app/.venv /app/.venv
# Read-only root filesystem: bytecode is compiled at build time; temporary files go to /tmp, which
# Kubernetes and Compose mount as a writable emptyDir/tmpfs.
ENV PACER_SERVICE=${SERVICE} \
    PATH=/app/.venv/bin:${PATH} \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
WORKDIR /app
USER 10001:10001
# exec: python becomes PID 1 and receives SIGTERM directly (graceful drain, see uvicorn's 30 s timeout).
ENTRYPOINT ["/bin/sh", "-c", "exec python -m \"pacer_${PACER_SERVICE}.main\""]

# ------------------------------------------------- one tiny stage per service, only to EXPOSE its API and metrics ports
FROM runtime AS service-goals
EXPOSE 8101 9101
FROM runtime AS service-reviews
EXPOSE 8102 9102
FROM runtime AS service-feedback
EXPOSE 8103 9103
FROM runtime AS service-incentives
EXPOSE 8104 9104
FROM runtime AS service-notifications
EXPOSE 8105 9105
FROM runtime AS service-analytics
EXPOSE 8106 9106
FROM runtime AS service-connectors
EXPOSE 8107 9107

# The image that is built: the stage named after SERVICE.
FROM service-${SERVICE}
