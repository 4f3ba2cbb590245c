"""Composition: paragraphs and headlines become lines of positioned glyphs (no page positions yet)."""
