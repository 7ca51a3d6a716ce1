"""Kalakarya: practice and assessment mode for MTBS training (issue 19).

``library`` reads the practice cases of ``data/latihan`` (a story and the findings it implies, in
the case-file format); ``scoring`` compares a trainee's answer with the engine's; ``store`` is the
practice register (a separate SQLite file that can never be opened as a clinical register, nor a
clinical register as a practice one). None of them imports Textual, reportlab or openpyxl.
"""
