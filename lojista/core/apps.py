from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lojista.core"
    label = "core"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from lojista.core import extensions, ratelimit  # noqa: F401  (register their system checks)
        from lojista.core.extensions import extension_flags_changed
        from lojista.core.models import Extension, ShopSettings
        from lojista.core.receivers import shop_settings_changed

        # The cached settings (core.selectors) are forgotten whenever the row changes.
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(
                shop_settings_changed, sender=ShopSettings, dispatch_uid=f"core.shop_settings_{name}"
            )
            # The cached extension flags (core.extensions) go stale with any change of a flag.
            signal.connect(
                extension_flags_changed, sender=Extension, dispatch_uid=f"core.extension_flags_{name}"
            )
