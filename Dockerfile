# BiDi production image: one image for web (uvicorn), worker and beat (see docker-compose.yml).

# --- Front-end libraries from npm, copied by the same script `make assets` runs --------------
FROM node:20-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/copy_vendor_assets.sh scripts/
RUN scripts/copy_vendor_assets.sh vendor

# --- The application ---------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_ENV=production \
    BIDI_DATA_DIR=/data
WORKDIR /app

RUN groupadd --system --gid 1000 bidi \
 && useradd --system --uid 1000 --gid bidi --home-dir /app --shell /usr/sbin/nologin bidi \
 && mkdir -p /data/media && chown -R bidi:bidi /data

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
COPY --from=assets /src/vendor static/vendor
# Settings need a database and Redis URL to import; collectstatic connects to neither.
RUN SECRET_KEY=collectstatic-only \
    DATABASE_URL=postgres://unused@localhost/unused \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput --verbosity 0

USER bidi
VOLUME ["/data"]
EXPOSE 8000
# uvicorn sits behind a reverse proxy that terminates TLS and trusts its X-Forwarded-* headers
# from the peers in FORWARDED_ALLOW_IPS (read by uvicorn; docker-compose.yml sets it).
CMD ["uvicorn", "config.asgi:application", "--host", "0.0.0.0", "--port", "8000", \
     "--proxy-headers", "--lifespan", "off"]
