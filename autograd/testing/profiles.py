"""Hypothesis profiles for property tests of gradients: "ci" and "deep".

- "ci": deterministic (`derandomize=True`: the same examples on every run, no example
  database), bounded (few examples, no per-example deadline, the too-slow health check off),
  so a CI run takes the same, predictable time and a failure reproduces exactly;
- "deep": many random examples and the example database on, for a search before a release or
  after changing an op (`HYPOTHESIS_PROFILE=deep pytest tests/test_ops_property.py`).

`load_profile()` picks the profile named by the environment variable HYPOTHESIS_PROFILE
("ci" when unset). A project's `conftest.py` needs two lines:

    from autograd.testing import load_profile
    load_profile()

>>> from autograd.testing import PROFILES
>>> sorted(PROFILES), PROFILES["ci"]["derandomize"], PROFILES["deep"]["max_examples"]
(['ci', 'deep'], True, 400)
"""
import os

from hypothesis import HealthCheck, settings

__all__ = ["PROFILES", "register_profiles", "load_profile", "examples"]

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]

PROFILES = {
    "ci": dict(max_examples=20, derandomize=True, database=None, deadline=None,
               suppress_health_check=_SLOW_OK, print_blob=True),
    "deep": dict(max_examples=400, deadline=None, suppress_health_check=_SLOW_OK,
                 print_blob=True),
}


def register_profiles():
    """Register the "ci" and "deep" profiles with hypothesis (loads neither)."""
    for name, options in PROFILES.items():
        settings.register_profile(name, **options)


def load_profile(name=None):
    """Register the profiles and load `name` (default: $HYPOTHESIS_PROFILE, else "ci").
    Returns the name loaded."""
    register_profiles()
    name = name or os.environ.get("HYPOTHESIS_PROFILE") or "ci"
    if name not in PROFILES and name != "default":
        raise ValueError(f"unknown hypothesis profile {name!r} (from HYPOTHESIS_PROFILE); "
                         f"choose one of {sorted(PROFILES)} or 'default'")
    settings.load_profile(name)
    return name


def examples(ci_count):
    """How many examples a test should draw: `ci_count` under a profile with no more than
    the "ci" profile's examples, the active profile's count under a bigger one ("deep").
    Lets a suite of many cheap-to-write but costly-to-run tests stay in budget in CI while
    a deep run still searches hard."""
    current = settings().max_examples
    return ci_count if current <= PROFILES["ci"]["max_examples"] else current
