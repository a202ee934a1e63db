from django.db import models


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
