"""Text measures used everywhere: Word's 字数 and the figures a text states."""

from assistant.text.quantities import Change, Quantity, extract_changes, extract_quantities, has_metric
from assistant.text.wordcount import count, count_chars, count_words

__all__ = [
    "Change",
    "Quantity",
    "count",
    "count_chars",
    "count_words",
    "extract_changes",
    "extract_quantities",
    "has_metric",
]
