"""Where projects are kept: SQLite (WAL) in the data folder by default, PostgreSQL by URL.

One setting chooses (``ASSISTANT_DATABASE_URL``, e.g. ``postgresql+psycopg://user@host/db``); the
same SQLAlchemy Core statements serve both. Every write is one transaction that first locks the
project's row (``BEGIN IMMEDIATE`` on SQLite, ``SELECT … FOR UPDATE`` on PostgreSQL), so two
writers are served one after the other and neither works from a copy the other has replaced.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)

metadata = MetaData()

projects = Table(
    "projects",
    metadata,
    Column("id", String(12), primary_key=True),
    Column("owner", String(120), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("body", Text, nullable=False),  # the Project as JSON, versions of its parts included
)

part_history = Table(
    "part_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", String(12), nullable=False),
    Column("part", String(80), nullable=False),  # "draft/成效", "scene-2/技术方案"
    Column("version", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("saved_at", Float, nullable=False),
    Index("ix_part_history_part", "project_id", "part", "version"),
)

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def default_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'projects.sqlite3').resolve()}"


def engine_for(url: str) -> tuple[Engine, bool]:
    """One engine per database for the process, tables created; True the first time (migrate then)."""
    with _LOCK:
        if url in _ENGINES:
            return _ENGINES[url], False
        if url.startswith("sqlite"):
            path = url.removeprefix("sqlite:///")
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})
            _sqlite_setup(engine)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        metadata.create_all(engine)
        _ENGINES[url] = engine
        return engine, True


def _sqlite_setup(engine: Engine) -> None:
    """WAL (readers never wait for the writer), synchronous=FULL (a saved edit survives a power cut),
    and BEGIN IMMEDIATE (a transaction takes the write lock at its start, not mid-way, so two
    read-modify-writes cannot interleave)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def dispose_all() -> None:
    """Close every engine (tests that start from an empty data folder)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()
