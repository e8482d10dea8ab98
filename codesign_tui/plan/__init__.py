"""Rendering a finished session into a plan and exporting it. No Textual import."""


class MissingExtra(Exception):
    """python-docx is not installed; the message gives the command that installs it. (Here rather than in
    plan/word.py, so that a command catching it need not import the Word export.)"""
