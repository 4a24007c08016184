# Duban (督办提醒) service image: `python -m bot run` as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TZ=Asia/Shanghai \
    DUBAN_CONFIG_DIR=/app/config \
    DUBAN_UNITS=/app/config/units.yaml

WORKDIR /app

# Dependencies first, from the lock, so code changes do not reinstall them.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY jobs ./jobs
RUN pip install --no-deps . && rm -rf build *.egg-info

RUN useradd --create-home --uid 10001 duban && mkdir -p /app/data /app/config && chown -R duban /app
USER duban

# Build jieba's dictionary cache now (in /tmp, owned by duban), so the first extraction does not pay for it.
RUN python -c "import jieba; jieba.setLogLevel(60); jieba.initialize()"

# The defaults; docker-compose mounts the office's own ./config over them.
COPY --chown=duban config ./config

HEALTHCHECK --interval=60s --timeout=20s --start-period=60s --retries=3 CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot", "run"]
