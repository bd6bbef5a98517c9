"""The tests, as one package: tests.helpers and tests.references import by name."""
