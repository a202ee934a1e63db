"""The extension's endpoints, mounted at /api/v1/ by the glue (404 while uninstalled)."""

from ninja import Router

from lojista.customers.auth import staff_auth

router = Router(tags=["abandoned checkouts"], auth=staff_auth)
