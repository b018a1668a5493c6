"""Reading PDFs (text layer or scanned) and images into the block stream the 申报书 parser reads."""

import logging

# pypdf and pdfminer log their repairs of a broken file in English ("EOF marker not found"); the readers
# say in Chinese, once, when a file cannot be read, and that is all a user should see.
for _library in ("pypdf", "pdfminer"):
    logging.getLogger(_library).setLevel(logging.ERROR)


def unreadable_pdf(name: str) -> str:
    """What a user is told of a PDF no library can open: the libraries' own English reasons help nobody."""
    return f"{name} 不是有效的 PDF 文件（文件可能已损坏或未下载完整）"
