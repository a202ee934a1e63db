"""Extensions: optional apps, each an ordinary Django app in a package here
(``lojista/extensions/abandoned_checkouts/``, ``order_webhooks/``).

- An extension's AppConfig subclasses ``lojista.core.extensions.ExtensionConfig``
  (``slug``, ``verbose_name``, ``description``) and its dotted path is listed in
  ``settings.LOJISTA_EXTENSIONS``, which makes it available; the owner installs
  it (``extension_install``), and it stays off until then.
- It hooks in from its ``AppConfig.ready()``: signal receivers
  (``signal.connect(..., dispatch_uid=...)``) and periodic tasks
  (``core.scheduler.register_periodic``). Its receivers and task functions are
  wrapped in ``when_installed(slug)``; its pages and endpoints answer 404 while
  ``extension_installed(slug)`` is false. Uninstalling then stops every effect
  at once and keeps its tables.
- It may import any app of the shop; nothing outside ``lojista.extensions``
  imports it, and extensions do not import each other (``make lint`` checks
  both: import-linter contracts in pyproject.toml).

docs/architecture.md, "How to add an extension", has the whole recipe.
"""
