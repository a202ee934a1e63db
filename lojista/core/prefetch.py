"""Related objects already in hand, given to a model instance as Django's
``prefetch_related`` would give them: ``instance.lines.all()`` then reads
nothing. For rows a service has just written (a new order's lines and
timeline) or a selector read for a whole page at once."""

from collections.abc import Iterable

from django.db.models import Model


def remember_related(instance: Model, **related: Iterable[Model]) -> None:
    """Keep each of ``related`` (a reverse relation's name, its objects in
    the order to show them) as ``instance``'s prefetched objects. The cache
    is a new dict, so a ``copy.copy`` of an instance does not change the
    original's."""
    cache = dict(getattr(instance, "_prefetched_objects_cache", {}))
    for name, objects in related.items():
        queryset = getattr(instance, name).all()
        queryset._result_cache = list(objects)
        queryset._prefetch_done = True
        cache[name] = queryset
    instance._prefetched_objects_cache = cache  # type: ignore[attr-defined]
