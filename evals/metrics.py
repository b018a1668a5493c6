"""Agreement measures between the tool's grades and the human ones."""

from __future__ import annotations

from collections.abc import Sequence


def agreement(pairs: Sequence[tuple[str, str]], scale: Sequence[str]) -> tuple[float, float]:
    """(exact agreement, agreement within one step of the ordered scale)."""
    if not pairs:
        return 1.0, 1.0
    pos = {label: i for i, label in enumerate(scale)}
    exact = sum(1 for a, b in pairs if a == b) / len(pairs)
    within = sum(1 for a, b in pairs if abs(pos[a] - pos[b]) <= 1) / len(pairs)
    return exact, within


def weighted_kappa(pairs: Sequence[tuple[str, str]], scale: Sequence[str]) -> float:
    """Cohen's kappa with quadratic weights over an ordered scale."""
    k = len(scale)
    n = len(pairs)
    if n == 0 or k < 2:
        return 1.0
    pos = {label: i for i, label in enumerate(scale)}
    observed = [[0.0] * k for _ in range(k)]
    for a, b in pairs:
        observed[pos[a]][pos[b]] += 1
    rows = [sum(observed[i]) for i in range(k)]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = ((i - j) / (k - 1)) ** 2
            num += w * observed[i][j]
            den += w * rows[i] * cols[j] / n
    return 1.0 if den == 0 else 1 - num / den
