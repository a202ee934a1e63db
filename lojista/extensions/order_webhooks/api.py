"""The extension's endpoints, mounted at /api/v1/ by the glue (404 while uninstalled)."""

from ninja import Router

from lojista.customers.auth import owner_auth

router = Router(tags=["webhooks"], auth=owner_auth)
