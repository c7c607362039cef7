"""Shared test set-up: the round-trip mission search runs once per input and process.

A plan, a report and the ``plan``/``missions`` commands all search the same few
opportunities (the examples' 2033, 2035 and 2037 conjunctions): each search
costs seconds, and the suite asked for the same ones dozens of times. Within
one test process (one pytest-xdist worker), :func:`_memoized` keeps the result
of the two pure, deterministic steps of that search, keyed by every argument:

- ``marsplan.transfer.windows.windows``: the launch windows, which anchor each
  mission search and frame the report's porkchop (every caller imports it
  from its module when called, so all see the memo);
- ``marsplan.transfer.missions.search_opportunity``: one opportunity's grid
  search and refinement.

The first call with given arguments runs the real code; a later call with the
same arguments (the same ephemeris object, equal options) gets the same
immutable result (an ``Opportunity`` and a ``Window`` are frozen dataclasses;
the ``Windows`` list comes back as a fresh list). Input checks, errors, the plan built on the trajectory
and every edge's wording still run in every test. Keys hold their arguments,
so an ephemeris cannot be collected and its id reused.

Tests of the search itself (``tests/transfer``, ``tests/kernels``) always run
it: the memo is not installed for their modules.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

_TESTS = Path(__file__).resolve().parent
#: Modules under these folders test the search: they never see the memo.
_SEARCH_UNDER_TEST = (_TESTS / "transfer", _TESTS / "kernels")
_MEMO: dict = {}
_ORIGINAL: dict = {}  # the functions themselves, never a wrapper left by another module


def _memoized(name: str, func, copy):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if kwargs.get("progress") is not None:  # a callback is a side effect: run it
            return func(*args, **kwargs)
        key = (name, args, tuple(sorted(kwargs.items())))
        try:
            hash(key)
        except TypeError:  # an unhashable argument: no memo
            return func(*args, **kwargs)
        if key not in _MEMO:
            _MEMO[key] = func(*args, **kwargs)  # an exception is raised, never stored
        return copy(_MEMO[key])

    return wrapper


@pytest.fixture(autouse=True, scope="module")
def _search_once(request):
    """Memoize the mission search for this module (autouse: before its other fixtures)."""
    path = Path(str(request.module.__file__)).resolve()
    if any(path.is_relative_to(folder) for folder in _SEARCH_UNDER_TEST):
        yield
        return
    import marsplan
    from marsplan.transfer import missions, windows

    with pytest.MonkeyPatch.context() as patch:
        for module, name, copy in ((windows, "windows", _fresh_list),
                                   (missions, "search_opportunity", _same)):
            original = _ORIGINAL.setdefault(name, getattr(module, name))
            patch.setattr(module, name, _memoized(name, original, copy))
        # ``marsplan.windows`` is bound on first access (marsplan._lazy): bind it to
        # the memo here, and unbind it after, so that no wrapper outlives the module.
        patch.setattr(marsplan, "windows", windows.windows, raising=False)
        yield


def _same(value):
    return value


def _fresh_list(value):
    return type(value)(value)  # Windows(list): a caller may sort or extend its own
