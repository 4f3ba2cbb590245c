"""Font faces by role: the manifest, shaping and metrics (HarfBuzz), subsetting (HarfBuzz, fontTools)."""
