"""The domain: loading, validating and running YAML decision flows. No Textual import, ever."""


class StoreError(Exception):
    """A session that could not be kept; the message says why and what to do. What was kept before stays.

    The store's one error, said with its protocol (flow/store.py) and defined here, in the package every flow
    module loads, so that sessions.py can raise it without loading a flow module: drawing the home screen loads
    none but the catalogue (tests/process/test_catalogue_process.py)."""
