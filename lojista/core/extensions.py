"""Extensions: optional apps that hook into the shop without core importing them.

An extension is an ordinary Django app whose AppConfig subclasses
``ExtensionConfig`` (a slug, a name, a description) and which is listed in
``settings.LOJISTA_EXTENSIONS`` (appended to INSTALLED_APPS). Being in that
list makes it *available*; the owner *installs* it (``extension_install``), a
flag stored in ``core.Extension`` and off by default.

The rule (docs/architecture.md, "How to add an extension"): everything an
extension does checks the flag, so that uninstalling stops every effect at
once and installing again resumes, with its data kept:

- periodic tasks registered with ``core.scheduler.register_periodic`` are not
  enqueued while it is uninstalled (the scheduler finds the extension by the
  app that holds the task), and the task function is wrapped in
  ``when_installed`` too, for a run enqueued just before an uninstall;
- signal receivers are wrapped in ``when_installed``;
- pages and endpoints call ``extension_installed(slug)`` and answer 404
  while it is off.

The flag is read from the database on every check (one primary-key-sized
query; no cache), so an uninstall committed in one process is seen by the
next check of every other process: web workers, task workers, schedulers.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import AppConfig, apps
from django.conf import settings
from django.core.checks import CheckMessage, register
from django.core.checks import Error as CheckError
from django.db import transaction
from django.utils.functional import Promise

from lojista.core.errors import ExtensionNotFound

if TYPE_CHECKING:
    from lojista.core.models import Extension

F = TypeVar("F", bound=Callable[..., Any])


# An extension's apps.py imports this module before any model may be imported,
# so the model is imported inside the functions that query it.


class ExtensionConfig(AppConfig):
    """The AppConfig of an extension: ``slug`` names it in the database and the
    API (``abandoned-checkouts``); ``verbose_name`` and ``description`` are
    shown to the owner (wrap them in gettext_lazy)."""

    slug: str = ""
    description: str | Promise = ""

    # Django picks the AppConfig of an app's apps.py when it is the only
    # subclass there; this base, imported into that module, must not count.
    default = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "default" not in cls.__dict__:
            cls.default = True


@dataclass(frozen=True)
class ExtensionInfo:
    slug: str
    name: str
    description: str
    installed: bool


def extension_configs() -> list[ExtensionConfig]:
    """Every available extension, in INSTALLED_APPS order."""
    return [config for config in apps.get_app_configs() if isinstance(config, ExtensionConfig)]


def extension_config(slug: str) -> ExtensionConfig:
    for config in extension_configs():
        if config.slug == slug:
            return config
    raise ExtensionNotFound(details={"slug": slug})


def installed_slugs() -> set[str]:
    """The slugs of the installed extensions, in one query."""
    from lojista.core.models import Extension

    return set(Extension.objects.filter(installed=True).values_list("slug", flat=True))


def extension_installed(slug: str) -> bool:
    """Whether the extension is installed now (a query each time: see the
    module's docstring). An unknown slug is a programming error, raised."""
    from lojista.core.models import Extension

    extension_config(slug)
    return Extension.objects.filter(slug=slug, installed=True).exists()


def extension_list() -> list[ExtensionInfo]:
    """Every available extension with its flag, in one query."""
    installed = installed_slugs()
    return [
        ExtensionInfo(
            slug=config.slug,
            name=str(config.verbose_name),
            description=str(config.description),
            installed=config.slug in installed,
        )
        for config in extension_configs()
    ]


def extension_install(*, slug: str) -> "Extension":
    """Install an extension (again: its data is where it was left). Idempotent."""
    return _extension_set(slug=slug, installed=True)


def extension_uninstall(*, slug: str) -> "Extension":
    """Uninstall an extension: from the commit on, none of its tasks, receivers
    or pages acts. Its tables and rows are kept. Idempotent."""
    return _extension_set(slug=slug, installed=False)


@transaction.atomic
def _extension_set(*, slug: str, installed: bool) -> "Extension":
    from lojista.core.models import Extension

    extension_config(slug)
    extension, _created = Extension.objects.update_or_create(slug=slug, defaults={"installed": installed})
    return extension


def when_installed(slug: str) -> Callable[[F], F]:
    """Run the decorated receiver or task function only while the extension is
    installed; otherwise do nothing and return None. Put it under ``@task()``."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not extension_installed(slug):
                return None
            return func(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


@register()
def check_extensions(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Each entry of LOJISTA_EXTENSIONS is an installed ExtensionConfig with a
    slug of its own."""
    errors: list[CheckMessage] = []
    by_name = {config.name: config for config in apps.get_app_configs()}
    seen: set[str] = set()
    for name in settings.LOJISTA_EXTENSIONS:
        config = by_name.get(name)
        if not isinstance(config, ExtensionConfig):
            errors.append(
                CheckError(
                    f"LOJISTA_EXTENSIONS: {name!r} is not an installed app whose AppConfig "
                    "subclasses lojista.core.extensions.ExtensionConfig.",
                    id="lojista.extensions.E001",
                )
            )
        elif not config.slug or config.slug in seen:
            message = f"LOJISTA_EXTENSIONS: {name!r} needs a slug of its own."
            errors.append(CheckError(message, id="lojista.extensions.E002"))
        else:
            seen.add(config.slug)
    return errors
