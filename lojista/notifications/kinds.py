"""The registry of email kinds: every email Lojista can send, declared by the
app that sends it (an extension included) from its ``AppConfig.ready()``.

A kind says which shipped templates it uses, how to build its template
variables from a plain-data reference (what an outbox row stores: a subject
type and id, and the row's own JSON), what a preview or test send shows
without a real subject, who may edit its templates and for whom it is.
Notifications knows no kind by name: the order emails are registered by
``order_kinds.py`` like any other. See docs/architecture.md ("How to add an
email kind").
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

from lojista.customers.auth import OWNER_ROLES
from lojista.notifications.errors import EmailTemplateNotFound

if TYPE_CHECKING:
    from lojista.notifications.models import NotificationSettings

Audience = Literal["customer", "shop"]
Context = dict[str, Any]


@dataclass(frozen=True)
class EmailRef:
    """What an email is about, as plain data: ``subject_type`` and
    ``subject_id`` of the outbox row ("order", "42"), and the values only the
    row holds (a staff member's message…)."""

    subject_type: str
    subject_id: str
    data: Mapping[str, Any] = field(default_factory=dict)
    # The subject itself when the kind's ``load`` fetched it with the rest of a
    # delivery batch; None: the builder fetches it.
    subject: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class EmailKind:
    # Stable identifier: stored on outbox rows and merchants' templates, and in the API's URLs.
    key: str
    label: str | Promise
    audience: Audience
    # Holds ``<key>.subject.txt``, ``<key>.txt`` and ``<key>.html`` (the HTML content,
    # put inside the shared layout).
    template_dir: Path
    # The variables of one email about ``ref`` (``shop`` is added to them).
    context: Callable[[EmailRef, "NotificationSettings"], Context]
    # The variables of a preview or test send without a real subject.
    sample: Callable[["NotificationSettings"], Context]
    # The type of subject it is about ("order"); "" for an email about nothing in particular.
    subject_type: str = ""
    # The row data a preview or test send on a real subject uses (a sample message…).
    sample_data: Callable[[], Context] = dict
    # Optional: the subjects of many emails in one query (id -> object), for
    # delivery batches; each reaches ``context`` as ``ref.subject``.
    load: Callable[[list[str]], Mapping[str, Any]] | None = None
    # The largest variables the shop accepts, to measure a template's render
    # budget when it is saved; None: the sample.
    largest: Callable[["NotificationSettings"], Context] | None = None
    # Staff roles that may edit its templates (customers.models.User.Role).
    editors: Collection[str] = OWNER_ROLES
    # Optional: extra headers of one email, from its variables (e.g.
    # List-Unsubscribe); each value is folded onto one line, and the outbox's
    # own headers (Message-ID, Content-Language) cannot be replaced. Not used
    # for test sends.
    headers: Callable[[Context], Mapping[str, str]] | None = None

    def template_path(self, suffix: str) -> Path:
        return self.template_dir / f"{self.key}{suffix}"

    def largest_context(self, shop: "NotificationSettings") -> Context:
        return (self.largest or self.sample)(shop)


_kinds: dict[str, EmailKind] = {}


def register(kind: EmailKind) -> EmailKind:
    """Add ``kind`` (call it from ``AppConfig.ready()``); a key registered twice is a mistake."""
    if kind.key in _kinds:
        raise ImproperlyConfigured(f"The email kind {kind.key!r} is already registered.")
    for suffix in (".subject.txt", ".txt", ".html"):
        if not kind.template_path(suffix).is_file():
            raise ImproperlyConfigured(f"The email kind {kind.key!r} has no {kind.template_path(suffix)}.")
    _kinds[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    _kinds.pop(key, None)


def find(key: str) -> EmailKind | None:
    """The kind ``key``, or None (an extension's kind once it is gone)."""
    return _kinds.get(key)


def get(key: str) -> EmailKind:
    """The kind ``key``; EmailTemplateNotFound (404) for a kind nobody registered."""
    kind = find(key)
    if kind is None:
        raise EmailTemplateNotFound()
    return kind


def all_kinds() -> list[EmailKind]:
    """Every registered kind, in registration order."""
    return list(_kinds.values())
