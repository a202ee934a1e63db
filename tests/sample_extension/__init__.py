"""A tiny extension for the tests of the extension seam (tests/core/test_extensions.py,
tests/core/test_extension_mounts.py), installed by tests/settings.py the way a
real one is: listed in LOJISTA_EXTENSIONS. It records what it does as Effect
rows: one per periodic run, one per order status change. It also mounts one
page of each kind (apps.py): a back-office page with a menu entry under
Orders, a storefront page and an API endpoint."""
