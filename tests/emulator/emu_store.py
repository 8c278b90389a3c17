"""Persistence of the ROCKIT Edge emulator.

One SQLite table of JSON documents keyed by (org, kind, key) plus a small key/value table.  The
database is a file (``--db``), so the state survives a restart, or lives in memory.  Every document
is also held in a write-through cache, so reads never touch SQLite.  The single connection is
guarded by a lock because the HTTP server serves each request in its own thread.
"""

import copy
import json
import sqlite3
import threading

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS objects (org TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,"
    " seq INTEGER NOT NULL, created REAL, updated REAL, doc TEXT NOT NULL, PRIMARY KEY (org, kind, key))",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


class Store:
    """Documents by organisation and kind, in creation order, cached in memory."""

    def __init__(self, path: str | None = None, case_sensitive=frozenset()) -> None:
        self._lock = threading.Lock()
        self._case_sensitive = frozenset(case_sensitive)
        self._conn = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None)
        if path:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        for statement in _SCHEMA:
            self._conn.execute(statement)
        self._cache: dict[tuple[str, str], dict[str, dict]] = {}
        self._seq = 0
        for org, kind, key, seq, text in self._conn.execute("SELECT org, kind, key, seq, doc FROM objects ORDER BY seq"):
            self._cache.setdefault((org, kind), {})[key] = json.loads(text)
            self._seq = max(self._seq, seq)

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()

    def is_empty(self) -> bool:
        """True when no document has ever been stored."""
        return not any(self._cache.values())

    @staticmethod
    def key(name: str) -> str:
        """Names are unique regardless of case; the key is the lower-case name."""
        return name.lower()

    def _key(self, kind: str, name: str) -> str:
        """The key of a document: its name, regardless of case unless the kind is matched with regard to case."""
        return name if kind in self._case_sensitive else name.lower()

    def same(self, kind: str, name: str, other: str) -> bool:
        """True when two names name the same document of a kind."""
        return self._key(kind, name) == self._key(kind, other)

    def get(self, org: str, kind: str, name: str) -> dict | None:
        """The stored document (do not modify it; use ``edit``), or None."""
        return self._cache.get((org, kind), {}).get(self._key(kind, name))

    def edit(self, org: str, kind: str, name: str) -> dict | None:
        """A private copy of the stored document, to change and ``put`` back."""
        doc = self.get(org, kind, name)
        return copy.deepcopy(doc) if doc is not None else None

    def docs(self, org: str, kind: str) -> list[dict]:
        """Every document of a kind in creation order (do not modify them)."""
        return list(self._cache.get((org, kind), {}).values())

    def count(self, org: str, kind: str) -> int:
        """The number of documents of a kind."""
        return len(self._cache.get((org, kind), {}))

    def put(self, org: str, kind: str, name: str, doc: dict) -> dict:
        """Insert or replace a document; a new one gets the next sequence number."""
        key = self._key(kind, name)
        bucket = self._cache.setdefault((org, kind), {})
        with self._lock:
            if key in bucket and "_seq" in bucket[key]:
                doc["_seq"] = bucket[key]["_seq"]
            else:
                self._seq += 1
                doc["_seq"] = self._seq
            bucket[key] = doc
            self._conn.execute(
                "INSERT OR REPLACE INTO objects (org, kind, key, seq, created, updated, doc) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (org, kind, key, doc["_seq"], doc.get("created"), doc.get("updated"),
                 json.dumps(doc, ensure_ascii=True, separators=(",", ":"))))
        return doc

    def delete(self, org: str, kind: str, name: str) -> None:
        """Remove one document."""
        key = self._key(kind, name)
        with self._lock:
            self._cache.get((org, kind), {}).pop(key, None)
            self._conn.execute("DELETE FROM objects WHERE org = ? AND kind = ? AND key = ?", (org, kind, key))

    def kinds(self, org: str) -> list[str]:
        """The kinds of documents an organisation holds."""
        return sorted(kind for (owner, kind), docs in self._cache.items() if owner == org and docs)

    def delete_org(self, org: str) -> None:
        """Remove every document of an organisation (not its entry among the organisations)."""
        with self._lock:
            for bucket in [bucket for bucket in self._cache if bucket[0] == org]:
                del self._cache[bucket]
            self._conn.execute("DELETE FROM objects WHERE org = ?", (org,))

    def orgs(self) -> list[str]:
        """The organisation keys that hold documents."""
        return sorted({org for (org, _kind), docs in self._cache.items() if docs and org})

    def clear(self) -> None:
        """Remove everything (documents and meta values)."""
        with self._lock:
            self._cache.clear()
            self._conn.execute("DELETE FROM objects")
            self._conn.execute("DELETE FROM meta")

    def meta_get(self, key: str, default: str | None = None) -> str | None:
        """A value of the key/value table."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def meta_set(self, key: str, value: str) -> None:
        """Store a value in the key/value table."""
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
