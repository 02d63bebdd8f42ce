"""The registry of the caches each process keeps in its memory, so that one call forgets them all.

Every per-process cache registers here when it is created: the ``LocalLRU`` instances (the directory's
searches, matches and rows, the Jinja2 fragments, the page cache's local tier), the dictionaries and the
``functools.lru_cache`` functions of the kernel and the apps. :func:`clear_process_caches` empties
them: the tests call it before each test (one fixture, ``tests/conftest.py``), so that no test sees
what another one left; nothing else needs to, since every entry is bounded in time and keyed on the
public data version.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

_clears: list[Callable[[], None]] = []
_instances: weakref.WeakSet = weakref.WeakSet()


def register(clear: Callable[[], None]) -> Callable[[], None]:
    """Call ``clear`` (a dict's ``clear``, an ``lru_cache``'s ``cache_clear``…) on every reset."""
    if clear not in _clears:
        _clears.append(clear)
    return clear


def register_lru(function):
    """Decorator, under ``functools.lru_cache``: the function's memory is forgotten on every reset."""
    register(function.cache_clear)
    return function


def track(instance) -> None:
    """Call ``instance.clear()`` on every reset, for as long as the instance lives (a weak reference)."""
    _instances.add(instance)


def clear_process_caches() -> None:
    """Empty every registered per-process cache."""
    for clear in list(_clears):
        clear()
    for instance in list(_instances):
        instance.clear()
