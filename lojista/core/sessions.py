"""Sessions with several web machines (SESSION_ENGINE, set in settings.py
when CACHE_URL is a shared cache): Django's cached_db sessions, the database
being the source of truth and the cache saving the read, that carry on from
the database when the cache stops answering (lojista.core.shared_cache).

A logout (``flush``) still fails while the cache is down: the cached copy
could not be deleted and would let the session in again once the cache is
back, so the customer must see that the logout did not happen.
"""

from django.contrib.sessions.backends import cached_db, db

from lojista.core.shared_cache import cache_errors, logger


class SessionStore(cached_db.SessionStore):
    def load(self) -> dict:
        try:
            return super().load()
        except cache_errors():
            logger.exception("Session read from the database: the cache does not answer")
            return db.SessionStore.load(self)

    def exists(self, session_key: str) -> bool:
        try:
            return super().exists(session_key)
        except cache_errors():
            logger.exception("Session key checked in the database: the cache does not answer")
            return db.SessionStore.exists(self, session_key)

    def cycle_key(self) -> None:
        """A new key for the same data (at login, at a password change). The old
        key's cached copy is deleted when the cache answers; when it does not,
        that copy holds no more than the session had before, and a password
        change already locks out sessions that carry the old password's hash."""
        self._cycling = True
        try:
            super().cycle_key()
        finally:
            self._cycling = False

    def delete(self, session_key: str | None = None) -> None:
        try:
            super().delete(session_key)
        except cache_errors():
            if not getattr(self, "_cycling", False):
                raise
            logger.exception("The old session key stays in the cache: it does not answer")
