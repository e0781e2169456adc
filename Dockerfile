# syntax=docker/dockerfile:1
# Matchbot: multi-stage build. The builder makes a wheel and a virtualenv; the runtime image gets
# only the virtualenv (no compilers, no sources), runs as a non-root user and checks /healthz.
# scripts/check_image_venv.sh builds the same virtualenv outside Docker (tests/test_ops.py).

FROM python:3.11-slim AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY matching ./matching
COPY bot ./bot
COPY config ./config
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --upgrade pip \
    && /opt/venv/bin/pip wheel --no-deps --wheel-dir /wheels . \
    && /opt/venv/bin/pip install /wheels/*.whl

FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH \
    HOST=0.0.0.0 PORT=3978
RUN groupadd --system matchbot && useradd --system --gid matchbot --home-dir /app --shell /usr/sbin/nologin matchbot
COPY --from=builder /opt/venv /opt/venv
COPY data /app/data
WORKDIR /app
USER matchbot
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3978'), timeout=4)"]
# exec form: the bot is PID 1 and gets SIGTERM directly (graceful shutdown releases queue entries).
CMD ["matchbot", "serve"]
