"""core.generations: a cached read costs one round trip to the cache (the
generation and the copy together), and a bump makes every copy stale."""

from unittest import mock

import pytest
from django.core.cache import cache

from lojista.core.generations import Generation


@pytest.fixture
def round_trips():
    """The cache calls made, by name (a spy on the real cache: what each call
    does is unchanged); a call made by another (local memory's get_many
    calls get) is part of the same round trip."""
    calls: list[str] = []
    inside = []

    def spy(name):
        real = getattr(cache, name)

        def call(*args, **kwargs):
            if not inside:
                calls.append(name)
            inside.append(name)
            try:
                return real(*args, **kwargs)
            finally:
                inside.pop()

        return call

    names = ("get", "get_many", "set", "add", "incr")
    with mock.patch.multiple(cache, **{name: spy(name) for name in names}):
        yield calls


def test_a_kept_copy_is_read_in_one_round_trip(round_trips):
    shelf = Generation("test-shelf")
    assert shelf.cached(("en",), lambda: ["mug"], timeout=60) == ["mug"]
    round_trips.clear()

    assert shelf.cached(("en",), lambda: ["not read"], timeout=60) == ["mug"]
    assert round_trips == ["get_many"]


def test_a_bump_makes_every_copy_stale_and_each_part_is_its_own():
    shelf = Generation("test-shelf-2")
    shelf.cached(("en",), lambda: "mug", timeout=60)
    shelf.cached(("pt-br",), lambda: "caneca", timeout=60)
    assert shelf.cached(("en",), lambda: "not read", timeout=60) == "mug"

    shelf.bump()

    assert shelf.cached(("en",), lambda: "mug, restocked", timeout=60) == "mug, restocked"
    assert shelf.cached(("pt-br",), lambda: "caneca, reposta", timeout=60) == "caneca, reposta"
    # Another generation's copies are not this one's.
    assert Generation("test-other").cached(("en",), lambda: "cup", timeout=60) == "cup"


def test_a_lost_counter_never_brings_an_old_copy_back():
    shelf = Generation("test-shelf-3")
    shelf.cached(("en",), lambda: "old", timeout=60)
    cache.delete("lojista:generation:test-shelf-3")  # evicted, or Redis restarted

    assert shelf.cached(("en",), lambda: "new", timeout=60) == "new"
