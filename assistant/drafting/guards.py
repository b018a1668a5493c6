"""Checks run on every generated scene: the reviewer's own rules plus the figure guard.

The drafter and the reviewer share these rules, so a draft that passes its guards does not come
back from review with errors its content does not deserve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.drafting.extract import DOCUMENT_NUMBER
from assistant.drafting.facts import NGRAM, SceneFacts
from assistant.drafting.figures import FigureCheck, FigureGuard
from assistant.models import PART_KEYS, Application, Finding, PartKey, Scene, Severity
from assistant.requirements import load_requirements
from assistant.review.engine import review_application
from assistant.review.rulebook import Rule, rules_in
from assistant.text import extract_quantities

GAP_MARK = "【待补充】"


@dataclass
class Violation:
    rule: str
    part: PartKey | None
    message: str  # precise feedback, in Chinese, for the model and the writer
    fixable: bool = True
    figure: FigureCheck | None = None


def guard_rules() -> list[Rule]:
    """The scene rules that say so in their ``drafting.guards``."""
    return [r for r in rules_in("scene") if r.drafting.guards]


def rule_findings(scene: Scene) -> list[Finding]:
    report = review_application(Application(scenes=[scene]), rules=guard_rules())
    return [f for f in report.findings if f.scene_index == 1]


def check_scene(scene: Scene, guard: FigureGuard, facts: SceneFacts) -> list[Violation]:
    violations: list[Violation] = []
    # A material that itself lacks these cannot yield them; asking the model again would only invite invention.
    material_has = {"supplier": facts.has_supplier, "results": facts.has_results, "money": facts.has_money}
    guarding = {r.id: r.drafting for r in guard_rules()}
    for f in rule_findings(scene):
        use = guarding[f.rule]
        if use.guards == "errors" and f.severity != Severity.error:
            continue  # e.g. near the length limit is fine for a draft
        fixable = material_has[use.needs] if use.needs else True
        part = f.section if f.section in PART_KEYS else None
        violations.append(Violation(f.rule, part, f"{f.message}。{f.suggestion}", fixable))  # type: ignore[arg-type]
    for key, text in scene.parts.items():
        for number in dict.fromkeys(DOCUMENT_NUMBER.findall(text)):
            violations.append(
                Violation(
                    "document-number",
                    key,
                    f"“{key}”写了文件编号“{number}”（合同、报告、签报的编号不是场景内容）：删去编号，保留所说的事",
                )
            )
        for phrase, note in set_aside_phrases(text, facts):
            violations.append(
                Violation(
                    "set-aside-content",
                    key,
                    f"“{key}”写到了材料注明不用的内容“{phrase}”（材料原话：{note[:40]}）：删去这一说法",
                )
            )
        for check in guard.invented(text):
            violations.append(
                Violation(
                    "invented-figure",
                    key,
                    f"“{key}”中的“{check.value}”在材料中找不到来源，也不能由材料中相关的一对数字算出：删除它，或改用材料中的数字",
                    figure=check,
                )
            )
    return violations


MIN_HITS = 2  # two four-character runs in a row (five characters or more): one alone matches by chance


def set_aside_phrases(text: str, facts: SceneFacts) -> list[tuple[str, str]]:
    """Words of ``text`` that only a line the writer marked not to use says ("余热回收那个是另外一个项目，
    别写进来"): (phrase, the line it came from)."""
    found: list[tuple[str, str]] = []
    for note in facts.excluded:
        if not note.terms:
            continue
        terms = set(note.terms)
        for run in _CJK_RUN.findall(text):
            hits = [i for i in range(len(run) - NGRAM + 1) if run[i : i + NGRAM] in terms]
            if len(hits) >= MIN_HITS and hits[1] == hits[0] + 1:
                found.append((run[hits[0] : hits[-1] + NGRAM], note.text))
                break
    return found


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")


def sentences_of(text: str) -> list[str]:
    return [s for s in (m.group(0).strip() for m in _SENTENCE.finditer(text)) if s]


def fit_to_limit(text: str, limit: int) -> tuple[str, list[str]]:
    """Whole sentences from the start while they fit; returns (text, dropped sentences)."""
    from assistant.text import count_words

    kept: list[str] = []
    dropped: list[str] = []
    for sentence in sentences_of(text):
        if not dropped and count_words("".join([*kept, sentence])) <= limit:
            kept.append(sentence)
        else:
            dropped.append(sentence)
    return "".join(kept), dropped


_CLAUSE = re.compile(r"[^，,；;]+[，,；;]?")
_END = "。！？!?"


def without_unsourced_clauses(sentence: str, guard: FigureGuard) -> str:
    """The sentence without the clauses that carry an unsourced figure, or "" when too little is left.

    One invented figure should not take the writer's sourced figures in the same sentence with it;
    a clause of its own goes, the rest of the sentence stays.
    """
    end = sentence[-1] if sentence and sentence[-1] in _END else ""
    body = sentence[: len(sentence) - len(end)]
    clauses = [m.group(0) for m in _CLAUSE.finditer(body)]
    good = [c for c in clauses if not guard.invented(c)]
    if len(clauses) < 2 or not good or len(good) == len(clauses):
        return ""
    kept = "".join(good).rstrip("，,；;")
    if not any(q.is_metric for q in extract_quantities(kept)) and len(kept) < MIN_KEPT_CLAUSE_CHARS:
        return ""
    return kept + (end or "。")


MIN_KEPT_CLAUSE_CHARS = 8


def enforce(scene: Scene, guard: FigureGuard, facts: SceneFacts | None = None) -> list[str]:
    """Last resort after repairs: drop sentences with invented figures or with what the writer marked
    not to use, and cut over-long parts at a sentence end. Returns what was removed, to be shown to the
    writer — nothing is cut mid-sentence."""
    notes: list[str] = []
    req = load_requirements()
    for spec in req.parts:
        key = spec.key
        text = scene.parts.get(key)  # type: ignore[arg-type]
        kept = []
        for sentence in sentences_of(text):
            if numbers := DOCUMENT_NUMBER.findall(sentence):
                sentence = re.sub(r"[（(]\s*[）)]", "", DOCUMENT_NUMBER.sub("", sentence))
                notes.append(f"已从“{key}”删去文件编号：{'、'.join(numbers)}")
            if facts is not None and (unused := set_aside_phrases(sentence, facts)):
                notes.append(f"已从“{key}”删去写到材料注明不用内容（{unused[0][0]}）的句子：{sentence}")
                continue
            bad = guard.invented(sentence)
            if not bad:
                kept.append(sentence)
                continue
            figures = "、".join(b.value for b in bad)
            rest = without_unsourced_clauses(sentence, guard)
            if rest:
                kept.append(rest)
                notes.append(f"已从“{key}”删去含无来源数字（{figures}）的分句，保留：{rest}")
            else:
                notes.append(f"已从“{key}”删去含无来源数字（{figures}）的句子：{sentence}")
        text = "".join(kept)
        fitted, dropped = fit_to_limit(text, spec.limit)
        if dropped:
            notes.append(f"“{key}”超过{spec.limit}字，已在句末截断，删去：{''.join(dropped)}")
        setattr(scene.parts, key, fitted)
    return notes
