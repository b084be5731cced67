from tests.servers import postgres_server_url, postgres_url, redis_server_url, redis_url  # noqa: F401
