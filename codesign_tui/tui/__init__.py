"""The Textual app: screens, widgets and one stylesheet. Thin: it calls flow/ and plan/."""
