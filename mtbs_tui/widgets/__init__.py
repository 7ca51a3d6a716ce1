"""Reusable form widgets for the visit forms: one-key answer fields, sections, the live panel.

Light custom widgets (one ``render()`` each) instead of dozens of ``Input``/``Select`` widgets: a
form screen with 40 default Inputs costs about 2.5x a bare app to open, and these fields take one
key per answer, which an ``Input`` cannot.
"""
