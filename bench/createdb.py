"""Create the benchmark's PostgreSQL database when it does not exist yet (SQLite files create themselves).

Usage: ``createdb.py DATABASE_URL``. Connects to the server's ``postgres`` database with the same user.
"""

import sys

import environ
import psycopg
from psycopg import sql


def ensure_database(url: str) -> None:
    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        return
    name = config["NAME"]
    with psycopg.connect(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


if __name__ == "__main__":
    ensure_database(sys.argv[1])
