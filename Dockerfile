# The hoidap HTTP service: API + chat page on port 8000, index and SQLite under /data (a volume).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HOIDAP_DATA_DIR=/data \
    HOIDAP_CORPUS_DIR=/app/data/corpus

WORKDIR /app
COPY pyproject.toml README.md ./
COPY hoidap ./hoidap
COPY data/corpus ./data/corpus
# EXTRAS=api,scale adds the PostgreSQL, Redis and Milvus clients (docker-compose profile "scale").
ARG EXTRAS=api
RUN pip install ".[${EXTRAS}]" && useradd --system --uid 10001 --home /app hoidap && mkdir -p /data && chown hoidap /data

USER hoidap
VOLUME ["/data"]
EXPOSE 8000
# The first start indexes the bundled corpus (1–2 minutes); /healthz answers 503 until the index is loaded.
HEALTHCHECK --interval=15s --timeout=3s --start-period=180s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"
CMD ["hoidap", "serve", "--host", "0.0.0.0", "--port", "8000"]
