from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lojista.core"
    label = "core"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from lojista.core import extensions, ratelimit  # noqa: F401  (register their system checks)
        from lojista.core.models import ShopSettings
        from lojista.core.receivers import shop_settings_changed

        post_save.connect(shop_settings_changed, sender=ShopSettings, dispatch_uid="core.shop_settings_saved")
        post_delete.connect(shop_settings_changed, sender=ShopSettings, dispatch_uid="core.shop_settings_del")
