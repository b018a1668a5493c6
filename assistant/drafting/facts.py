"""Typed facts of one scene: what the writer's material says, read once.

Everything downstream — the offline composer, the figure guard, the model's prompt, the chat's
corrections and the drafting eval — reads a ``SceneFacts`` instead of parsing the material again.
Each fact keeps its source (file and line). Reading the material into facts is ``extract.py``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Model):
    file: str = ""
    line: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file or "材料"
        return f"{self.file}第{self.line}行" if self.file else f"材料第{self.line}行"


class Implementer(_Model):
    """Who built or supplied one piece of the solution: a supplier, an integrator, or the firm itself."""

    system: str = Field("", description="设备、软件或工作内容")
    name: str = Field(description="供应商/集成商全称，或企业自有部门")
    in_house: bool = False
    source: Source = Field(default_factory=Source)


class MetricPair(_Model):
    """One indicator before and after, as the material states it (figures as written)."""

    metric: str
    before: str
    after: str
    source: Source = Field(default_factory=Source)


class Amount(_Model):
    item: str = ""
    amount: str  # as written: 172万元, 40万
    source: Source = Field(default_factory=Source)


class Statement(_Model):
    """A sentence of the material that says something a part can use, with the part it serves."""

    text: str
    role: str = ""  # 描述/痛点/技术方案/成效/经济性, or "" when it serves none
    fit: dict[str, float] = Field(
        default_factory=dict
    )  # how well it suits each part (cue words + similarity)
    source: Source = Field(default_factory=Source)


# Why a line of material was set aside, where the draft must not say what it says either.
MARKED_UNUSED = "作者注明不用"
ANOTHER_PROJECT = "材料中其他项目或整体情况"
ONE_OFF = "一次性收益，不计入年收益"  # kept out of the yearly returns, yet it still supports its figures
SERIES = (
    "逐月数据，对比口径请企业确认"  # a month is no before or after value; the writer says which comparison
)
REQUIREMENT = "招标或采购文件中的要求，不是实施结果"  # a tender says what must be reached, not what was
QUOTE_VOID = "报价单为初版，价格以合同为准"  # its prices are void, its specifications still stand
NGRAM = 4  # a Note's terms are runs of four characters: "余热回收", "热处理线"; fewer match common words


class Note(_Model):
    """A line kept out of the draft, and why (unrelated, do-not-use, superseded, uncertain)."""

    text: str
    reason: str
    source: Source = Field(default_factory=Source)
    # Words only this line says (four-character runs no usable line has): a draft that says them says
    # what the writer kept out. Filled for lines the writer marked not to use.
    terms: list[str] = Field(default_factory=list)


class Derived(_Model):
    """A figure the tool computed from facts that belong together, with its derivation."""

    value: str
    how: str


class SceneFacts(_Model):
    instance_name: str = Field("", description="材料明确给出的场景实例名称（项目名称：…）")
    title: str = Field("", description="材料自身的标题；没有明确名称时离线草稿用它命名")
    company: str = ""
    product: str = ""
    implementers: list[Implementer] = Field(default_factory=list)
    pairs: list[MetricPair] = Field(default_factory=list)
    period: str = ""
    go_live: str = ""
    investment_total: Amount | None = None
    investment_items: list[Amount] = Field(default_factory=list)
    returns: list[Amount] = Field(default_factory=list)
    returns_total: Amount | None = None
    payback: str = ""
    statements: list[Statement] = Field(default_factory=list)
    caveats: list[Note] = Field(default_factory=list)
    excluded: list[Note] = Field(default_factory=list)
    superseded: list[str] = Field(default_factory=list, description="被更正或作废的数字（原文写法）")
    corrected: dict[str, str] = Field(default_factory=dict, description="更正：原写法 → 应为")

    def statements_for(self, role: str) -> list[Statement]:
        return [s for s in self.statements if s.role == role]

    @property
    def has_supplier(self) -> bool:
        return bool(self.implementers)

    @property
    def has_results(self) -> bool:
        return bool(self.pairs)

    @property
    def has_money(self) -> bool:
        return bool(self.investment_total or self.investment_items or self.returns or self.returns_total)

    def summary_lines(self) -> list[str]:
        """The facts as short lines for the model's prompt and the chat: what the tool read."""
        lines: list[str] = []
        if self.instance_name:
            lines.append(f"场景实例名称：{self.instance_name}")
        for imp in self.implementers:
            who = f"{imp.name}（自主实施）" if imp.in_house else imp.name
            lines.append(f"实施方：{imp.system + '——' if imp.system else ''}{who}（{imp.source}）")
        for pair in self.pairs:
            lines.append(f"指标：{pair.metric}，前{pair.before}，后{pair.after}（{pair.source}）")
        if self.period:
            lines.append(f"统计周期：{self.period}")
        if self.go_live:
            lines.append(f"投用时间：{self.go_live}")
        if self.investment_total:
            lines.append(f"总投资：{self.investment_total.amount}（{self.investment_total.source}）")
        for item in self.investment_items:
            lines.append(f"投资明细：{item.item}{item.amount}（{item.source}）")
        for item in self.returns:
            lines.append(f"年收益：{item.item}{item.amount}（{item.source}）")
        if self.returns_total:
            lines.append(f"年收益合计：{self.returns_total.amount}（{self.returns_total.source}）")
        if self.payback:
            lines.append(f"投资回收期：{self.payback}")
        for note in self.caveats:
            lines.append(f"存疑（不要当作事实写入）：{note.text}（{note.reason}）")
        for figure in self.superseded:
            lines.append(f"已作废的数字（不要使用）：{figure}")
        return lines
