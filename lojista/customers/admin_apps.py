"""django.contrib.admin with Lojista's site (owners only, throttled login).

Apart from admin_site.py because an app config module must not import models.
"""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "lojista.customers.admin_site.LojistaAdminSite"
