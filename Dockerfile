# Duban (督办提醒) service image: `python -m bot run` as a non-root user.
# Builds with docker, podman or buildah; behind an office network, point it at mirrors:
#   docker build --build-arg BASE_IMAGE=registry.example.gov.cn/library/python:3.11-slim \
#                --build-arg PIP_INDEX_URL=https://pypi.example.gov.cn/simple \
#                --build-arg CA_CERT="$(cat office-ca.pem)" -t duban:latest .
# (see docs/deploy.md, "在内网构建"; the arguments are build-time only, not kept in the image's environment).
ARG BASE_IMAGE=python:3.11-slim
ARG NODE_IMAGE=node:20-slim

# htmx for the console, exactly as package-lock.json pins it (NPM_CONFIG_REGISTRY for a mirror).
FROM ${NODE_IMAGE} AS assets
ARG NPM_CONFIG_REGISTRY
WORKDIR /assets
COPY package.json package-lock.json ./
RUN [ -n "$NPM_CONFIG_REGISTRY" ] || unset NPM_CONFIG_REGISTRY; npm ci --ignore-scripts --no-audit --no-fund

FROM ${BASE_IMAGE}

# PIP_INDEX_URL / PIP_TRUSTED_HOST are read by pip from the environment of the RUN steps below.
ARG PIP_INDEX_URL
ARG PIP_TRUSTED_HOST
# The office's CA certificate (PEM text) for a mirror or proxy with its own certificate;
# added to the system store, which pip and the robots' HTTPS then trust.
ARG CA_CERT

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    TZ=Asia/Shanghai \
    DUBAN_CONFIG_DIR=/app/config \
    DUBAN_UNITS=/app/config/units.yaml \
    DUBAN_HTMX_DIR=/app/static/htmx

RUN if [ -n "$CA_CERT" ]; then \
        printf '%s\n' "$CA_CERT" > /usr/local/share/ca-certificates/office-ca.crt && update-ca-certificates; \
    fi

WORKDIR /app

# Dependencies first, from the lock, so code changes do not reinstall them.
# (An index argument passed empty, as docker-compose does when .env leaves it out, means the default.)
COPY requirements.lock ./
RUN [ -n "$PIP_INDEX_URL" ] || unset PIP_INDEX_URL; [ -n "$PIP_TRUSTED_HOST" ] || unset PIP_TRUSTED_HOST; \
    pip install -r requirements.lock

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY jobs ./jobs
COPY --from=assets /assets/node_modules/htmx.org/dist/htmx.min.js ./static/htmx/
RUN [ -n "$PIP_INDEX_URL" ] || unset PIP_INDEX_URL; [ -n "$PIP_TRUSTED_HOST" ] || unset PIP_TRUSTED_HOST; \
    pip install --no-deps . && rm -rf build *.egg-info

# /app/config is where docker-compose mounts the office's own configuration
# (made once with: python -m bot init config); the image itself carries only the examples.
RUN useradd --create-home --uid 10001 duban && mkdir -p /app/data /app/config && chown -R duban /app
USER duban

# Build jieba's dictionary cache now (in /tmp, owned by duban), so the first extraction does not pay for it.
RUN python -c "import jieba; jieba.setLogLevel(60); jieba.initialize()"

HEALTHCHECK --interval=60s --timeout=20s --start-period=60s --retries=3 CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot", "run"]
