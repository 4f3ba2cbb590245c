"""Drawing the page tree into a PDF: the only stage that touches reportlab."""
