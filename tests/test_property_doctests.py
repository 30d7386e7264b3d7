"""The examples in autograd.testing's and gradcheck's docstrings run and show what they say."""
import doctest
import importlib
import warnings

import pytest
from hypothesis.errors import NonInteractiveExampleWarning

MODULES = ["autograd.testing.strategies", "autograd.testing.check_op",
           "autograd.testing.profiles", "autograd.testing.torch_parity", "autograd.gradcheck"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
    if name != "autograd.testing.torch_parity":
        assert result.attempted > 0, f"{name} has no docstring examples"
