"""Reading PDFs (text layer or scanned) and images into the block stream the 申报书 parser reads."""
