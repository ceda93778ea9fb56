"""The reporting fixtures the home page tests read figures from."""

from tests.reporting.conftest import half_form  # noqa: F401  (a fixture)
