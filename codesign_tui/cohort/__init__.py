"""Comparing a room: many people's answers to a flow counted together, as data, Markdown and JSON."""

from .gather import build_cohort
from .model import (MEASURE, Cohort, Count, FlowCohort, HeldBack, LevelCount, Note, NoteGroup, QuestionSpread,
                    Skipped)
from .report import render_json, render_markdown, to_data

__all__ = ["MEASURE", "Cohort", "Count", "FlowCohort", "HeldBack", "LevelCount", "Note", "NoteGroup",
           "QuestionSpread", "Skipped", "build_cohort", "render_json", "render_markdown", "to_data"]
