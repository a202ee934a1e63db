from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """One row per periodic task per time slot: the unique constraint makes
    several schedulers enqueue each slot exactly once."""

    task_path = models.CharField(max_length=200)
    slot = models.BigIntegerField()
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task_path", "slot"], name="one_run_per_task_slot")]

    def __str__(self) -> str:
        return f"{self.task_path} @ {self.slot}"


class Extension(models.Model):
    """Whether an extension (lojista.core.extensions) is installed. No row:
    never installed, so off. Uninstalling keeps the row and every table of the
    extension: installing again resumes where it stopped."""

    slug = models.SlugField(max_length=50, unique=True)
    installed = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.slug} ({'installed' if self.installed else 'not installed'})"


class ShopSettings(models.Model):
    """The shop's own settings that the owner edits in the back office: a
    single row (pk 1). A blank field falls back to the deployment's setting
    (SHOP_NAME, SHOP_LANGUAGE, CHECKOUT_HOLD_MINUTES), so a new shop runs on
    its environment until the owner saves this."""

    name = models.CharField(_("shop name"), max_length=100, blank=True)
    details = models.TextField(
        _("shop details"),
        blank=True,
        max_length=1000,
        help_text=_("Address, tax number and contact, printed on invoices."),
    )
    language = models.CharField(_("shop language"), max_length=10, blank=True)
    checkout_hold_minutes = models.PositiveIntegerField(_("checkout hold (minutes)"), null=True, blank=True)
    invoice_footer = models.TextField(_("invoice footer"), blank=True, max_length=1000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shop settings")
        verbose_name_plural = _("shop settings")

    def __str__(self) -> str:
        return str(_("Shop settings"))

    @classmethod
    def load(cls) -> "ShopSettings":
        """The settings; unsaved defaults until the owner first saves them."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def shop_name(self) -> str:
        return self.name or settings.LOJISTA_SHOP_NAME
