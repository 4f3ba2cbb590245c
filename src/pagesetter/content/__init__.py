"""Articles as editors write them: reading, normalising, the content model."""
