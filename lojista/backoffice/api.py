"""The Extension Store's endpoints (owner only): which extensions the shop
has, and installing or uninstalling one. The back office's page
(views/extensions.py) calls the same functions of core.extensions."""

from django.http import HttpRequest
from ninja import Path, Router, Schema

from lojista.core.extensions import ExtensionInfo, extension_install, extension_list, extension_uninstall
from lojista.core.schemas import Error, InputSchema
from lojista.customers.auth import owner_auth

router = Router(tags=["extensions"], auth=owner_auth)

ERRORS = {401: Error, 403: Error, 404: Error, 422: Error}
Slug = Path(max_length=50, description="The extension's slug, e.g. abandoned-checkouts.")


class ExtensionOut(Schema):
    slug: str
    name: str
    description: str
    installed: bool


class ExtensionIn(InputSchema):
    installed: bool


@router.get("/admin/extensions", response={200: list[ExtensionOut], **ERRORS})
def list_extensions(request: HttpRequest) -> list[ExtensionInfo]:
    """Every extension the shop can install, with whether it is installed."""
    return extension_list()


@router.put("/admin/extensions/{slug}", response={200: ExtensionOut, **ERRORS})
def put_extension(request: HttpRequest, payload: ExtensionIn, slug: str = Slug) -> ExtensionInfo:
    """Install (`installed: true`) or uninstall an extension; idempotent.
    Uninstalling stops its every effect at once and keeps its data;
    installing again resumes where it was. `404 extension_not_found`."""
    if payload.installed:
        extension_install(slug=slug)
    else:
        extension_uninstall(slug=slug)
    return next(info for info in extension_list() if info.slug == slug)
