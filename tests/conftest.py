"""Shared pytest setup: the hypothesis profile ("ci" unless HYPOTHESIS_PROFILE says otherwise).

"ci" is deterministic and bounded; "deep" draws many more examples:
    HYPOTHESIS_PROFILE=deep python -m pytest tests/test_ops_property.py
"""
from autograd.testing import load_profile

load_profile()
