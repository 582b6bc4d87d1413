# The ledger's HTTP API: `docker compose up` runs it against PostgreSQL (docker-compose.yml).
# Alone, `docker run -p 8000:8000 IMAGE` serves on the embedded SQLite store in /app/data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# the package and its runtime dependencies only (no dev extras, no tests)
COPY pyproject.toml README.md ./
COPY ledger ./ledger
COPY api ./api
COPY ledger_demo ./ledger_demo
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin ledger \
    && mkdir -p /app/data \
    && chown ledger /app/data

USER ledger
ENV LEDGER_DATABASE_URL=sqlite:////app/data/ledger.db
EXPOSE 8000

# The container is healthy while the API is ready: the store answers and the read models are
# close behind (/health/ready). The slim image has no curl, so the check is Python's own.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:8000/health/ready', timeout=4).status != 200)"]

# A CMD rather than an ENTRYPOINT, so that `docker compose run api ledger keys create ...`
# and the compose file's `command: ledger serve ...` replace it whole.
CMD ["ledger", "serve", "--host", "0.0.0.0", "--port", "8000"]
