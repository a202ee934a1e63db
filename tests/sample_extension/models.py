from django.db import models


class Effect(models.Model):
    """Something the extension did: ``what`` is "minute" or "order <number> <status>"."""

    what = models.CharField(max_length=50)

    def __str__(self) -> str:
        return self.what
