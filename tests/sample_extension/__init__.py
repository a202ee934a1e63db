"""A tiny extension for the tests of the extension seam (tests/core/test_extensions.py),
installed by tests/settings.py the way a real one is: listed in
LOJISTA_EXTENSIONS. It records what it does as Effect rows: one per periodic
run, one per order status change."""
