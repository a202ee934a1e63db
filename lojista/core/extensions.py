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
- pages and endpoints are mounted by the glue (``lojista/urls.py``,
  ``lojista/api.py``) from the dotted paths its AppConfig names
  (``api_router``, ``backoffice_urls``, ``storefront_urls``), and every one
  of them answers 404 while it is off: the glue wraps each view
  (``extension_urlpatterns``, ``extension_api_routers``), so an extension
  cannot forget to.

The flags are read in one query and kept in Django's cache under a
``Generation`` (``core/generations.py``) for ``FLAGS_CACHE_SECONDS``: placing
an order asks for two of them, and every request of an extension's pages one
(issue 14). Every save or delete of a flag row makes the copy stale, at once
and again at commit: with a shared cache (Redis, ``CACHE_URL``) an uninstall
is seen by the next check of every process, web workers, task workers and
schedulers alike; with the per-process default, by the others within
``FLAGS_CACHE_SECONDS``.
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import AppConfig, apps
from django.conf import settings
from django.core.checks import CheckMessage, register
from django.core.checks import Error as CheckError
from django.db import transaction
from django.http import Http404
from django.urls import URLPattern, URLResolver, include, path
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from lojista.core.errors import ExtensionNotFound
from lojista.core.generations import Generation

if TYPE_CHECKING:
    from lojista.core.models import Extension

F = TypeVar("F", bound=Callable[..., Any])


# An extension's apps.py imports this module before any model may be imported,
# so the model is imported inside the functions that query it.


@dataclass(frozen=True)
class BackofficeLink:
    """A link the back office's menu shows while the extension is installed:
    ``url_name`` is reversed (``abandoned_checkouts:list``), ``parent`` the
    section it sits under (``backoffice:orders``; "" for a section of its own),
    ``owners_only`` hides it from staff."""

    label: str | Promise
    url_name: str
    parent: str = ""
    owners_only: bool = False


class ExtensionConfig(AppConfig):
    """The AppConfig of an extension: ``slug`` names it in the database and the
    API (``abandoned-checkouts``); ``verbose_name`` and ``description`` are
    shown to the owner (wrap them in gettext_lazy).

    Where it mounts (dotted paths, imported by the glue at start-up; "" for
    none), every view guarded by the install flag:

    - ``api_router``: a ninja ``Router`` mounted at ``/api/v1/``; its paths
      are its own (``/admin/webhooks``), documented in the OpenAPI document;
    - ``backoffice_urls``: a URLconf module mounted at ``/backoffice/<slug>/``
      (its ``app_name`` is the namespace); its views check roles themselves
      (``customers.web.staff_required``), as the back office's do;
    - ``storefront_urls``: a URLconf module mounted at ``/``, before the
      storefront's own pages, for the pages customers open (from an email);
    - ``backoffice_links``: the menu entries of its back-office pages;
    - ``backoffice_url_name``: the page the Extension Store links to.
    """

    slug: str = ""
    description: str | Promise = ""
    api_router: str = ""
    backoffice_urls: str = ""
    storefront_urls: str = ""
    backoffice_links: tuple[BackofficeLink, ...] = ()
    backoffice_url_name: str = ""

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
    # The page the Extension Store links to (a URL name), or "".
    url_name: str = ""


def extension_configs() -> list[ExtensionConfig]:
    """Every available extension, in INSTALLED_APPS order."""
    return [config for config in apps.get_app_configs() if isinstance(config, ExtensionConfig)]


def extension_config(slug: str) -> ExtensionConfig:
    for config in extension_configs():
        if config.slug == slug:
            return config
    raise ExtensionNotFound(details={"slug": slug})


FLAGS = Generation("extension-flags")
# How late a process with its own cache (no CACHE_URL) may see another
# process's install or uninstall; with a shared cache it is seen at once.
FLAGS_CACHE_SECONDS = 5


def installed_slugs() -> frozenset[str]:
    """The slugs of the installed extensions: one query, then the cached copy
    until a flag changes (see the module's docstring)."""
    from lojista.core.models import Extension

    def read() -> frozenset[str]:
        return frozenset(Extension.objects.filter(installed=True).values_list("slug", flat=True))

    return FLAGS.cached(("installed",), read, timeout=FLAGS_CACHE_SECONDS)


def extension_flags_changed(**kwargs: Any) -> None:
    """A flag row was saved or deleted, however (the service, the admin, a
    test): connected to ``core.Extension``'s post_save and post_delete."""
    FLAGS.bump()


def extension_installed(slug: str) -> bool:
    """Whether the extension is installed now (see the module's docstring for
    how soon another process's change is seen). An unknown slug is a
    programming error, raised."""
    extension_config(slug)
    return slug in installed_slugs()


def extension_list() -> list[ExtensionInfo]:
    """Every available extension with its flag, in one query."""
    installed = installed_slugs()
    return [
        ExtensionInfo(
            slug=config.slug,
            name=str(config.verbose_name),
            description=str(config.description),
            installed=config.slug in installed,
            url_name=config.backoffice_url_name,
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


def _installed_or_404(slug: str, view: F) -> F:
    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not extension_installed(slug):
            raise Http404("This extension is not installed.")
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]


def _guard_patterns(slug: str, patterns: Sequence[URLPattern | URLResolver]) -> None:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _guard_patterns(slug, pattern.url_patterns)
        else:
            pattern.callback = _installed_or_404(slug, pattern.callback)


def extension_urlpatterns(surface: str) -> list[URLResolver]:
    """The glue's ``include()`` of every extension's ``backoffice_urls`` or
    ``storefront_urls`` (``surface``), each view answering 404 while its
    extension is not installed."""
    resolvers = []
    for config in extension_configs():
        module_path = getattr(config, f"{surface}_urls")
        if not module_path:
            continue
        resolver = include(module_path)
        module = resolver[0]
        _guard_patterns(config.slug, getattr(module, "urlpatterns", module))
        prefix = f"{config.slug}/" if surface == "backoffice" else ""
        resolvers.append(path(prefix, resolver))
    return resolvers


def extension_api_routers() -> list[Any]:
    """Every extension's ninja router (``api_router``), each operation
    answering 404 while its extension is not installed (before
    authentication: an uninstalled extension has no endpoints at all)."""
    routers = []
    for config in extension_configs():
        if config.api_router:
            router = import_string(config.api_router)
            router.add_decorator(functools.partial(_installed_or_404, config.slug), mode="view")
            routers.append(router)
    return routers


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
