"""The domain: loading, validating and running YAML decision flows. No Textual import, ever."""
