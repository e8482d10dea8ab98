"""Rendering a finished session into a plan and exporting it. No Textual import."""
