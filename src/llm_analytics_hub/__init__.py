"""LLM Analytics Hub: canonical schemas, generated models and a validator for LLM analytics data."""

from pkgutil import extend_path

# The generated models and TypedDicts live in generated/python/ in a checkout and are merged into
# this package at install time; in a development install both directories are on sys.path.
__path__ = extend_path(__path__, __name__)

__version__ = "1.0.0"

_VALIDATION_API = ("DocumentResult", "Finding", "Validator", "validate", "validate_stream")


def __getattr__(name: str) -> object:
    # Imported on first use, so that importing the generated models stays light.
    if name in _VALIDATION_API:
        from . import validation

        return getattr(validation, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
