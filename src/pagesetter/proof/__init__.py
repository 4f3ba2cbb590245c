"""Proofing: reading PDFs back as previews (and, later, overlays, diffs, preflight)."""
