"""Export of the report: the official PDF (reportlab) and its fonts. No Qt here."""
