"""Fixtures of the fault-injection tests."""
import pytest
from faultkit import run_cli


@pytest.fixture
def cli():
    return run_cli
