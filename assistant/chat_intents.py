"""What a writer's chat message is: new material, a fact (an answer or a correction), a change request
for a part, a scene choice, or a question about the notice. Rules, not a model: they run offline and
the writer is told in one line what the message was taken as (and can undo it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from assistant.scenes import SceneEntry, load_scene_table

Kind = Literal[
    "material",
    "instance",
    "figure",
    "correction",
    "period",
    "change",
    "scene",
    "question",
    "profile",
    "confirm",
]

TAKEN_AS: dict[str, str] = {
    "material": "新材料：并入材料并重新起草（你改过的部分只给建议，不覆盖）",
    "instance": "更正场景实例名称：只改标题，正文不动",
    "figure": "补充数字：记入材料，只更新用到它的句子",
    "correction": "更正数字：在草稿里改掉错的数字，并记入材料",
    "period": "补充统计周期：记入材料，只更新用到它的句子",
    "change": "修改请求：只改你点名的部分",
    "scene": "选择场景：改到该场景并按它重新起草",
    "question": "关于通知的提问：从知识库回答并注明出处",
    "profile": "企业情况：记下供起草“企业简介”，场景草稿不动",
    "confirm": "确认口径：把待确认的数字写入草稿",
}

PART_WORDS = r"(描述|场景描述|实例描述|痛点|技术方案|方案|成效|实施成效|效果|经济性|推广)"
_CN_DIGITS = "一二三四五六七八九"
# "选第3个", "场景选错了，应该是第3个", "用第二个候选".
_PICK = re.compile(
    r"(?:选|选择|用|换成|换到|改成|改为|改到|应该是|应是|应为|是)\s*第?\s*([1-9一二三四五六七八九])\s*(?:个|项|条)"
    r"(?!月|小时|工作日|星期|季度|人|台|班)"  # "都是6个月的月均": a span, no pick
    r"|第\s*([1-9一二三四五六七八九])\s*(?:个|项|条)\s*(?:候选|场景|环节|才对|对)"
)
_SCENE_TALK = re.compile(r"场景|环节|选|换|改|应该|应为|归到|放到|属于|不对|错")
_QUOTED = r"[“‘\"'「『《]?([^“”‘’\"'「」『』《》，。,；;\n]{2,40}?)[”’\"'」』》]?"
_INSTANCE = re.compile(
    r"(?:实例名称|实例名|场景实例|项目名称|名称|名字|标题)\s*(?:应该|应|就|改|要)?\s*"
    r"(?:(?:叫做|叫|是|为|改为|改成|用)\s*[：:]?|[：:])\s*" + _QUOTED + r"\s*(?:[。！!]|$)"
)
_PERIOD = re.compile(r"(?:统计周期|统计期间|统计时间|数据周期|周期|时间段|期间)\s*(?:是|为|：|:)")
_QUESTION = re.compile(r"[？?]$|^(什么|哪些|怎么|如何|是否|能否|要不要|需不需要)")
_INSTRUCTION = re.compile(
    r"^(?:请|帮我|麻烦|把|将|再|重新|改|换|删|去掉|不要|别|写得|调整|润色|精简|改成|改为)"
    r"|(?:写得|改得|改成|改为|换成|润色|正式一些|正式一点|更正式|不要口语|口语化|重写|删掉|去掉)"
)
# (the request follows the part's name closely: "经济性里的“合计…”写错了…减少质量损失" names a figure, asks nothing)
_CHANGE = re.compile(
    PART_WORDS
    + r"[^，。；,;“”\"\d]{0,8}?(?:压缩|缩短|精简|删减|缩减|控制|减少|减|补充|增加|加上|补上|写上|扩写|扩充|展开|写详细|写具体)"
)
# "软件120万那个作废了，实际是100万", "经济性里合计应该是300万": a figure in the draft is wrong.
_CORRECTION = re.compile(r"作废|不对|错了|写错|算错|有误|应该是|应为|改为|改成|更正|实际是|不是\s*\d|为准")
_CORRECTED_PLAIN = re.compile(
    r"\d.{0,12}(?:写错|错了|不对|有误).{0,6}(?:应为|应该是|实际是|改为|改成)\s*\S*\d"
)
_LENGTH = re.compile(r"\d+\s*字(?:左右|以内|以上)?")  # "扩写到300字左右" asks for a length, states no fact
PROFILE_SHARE = 0.6  # of a message's sentences about the company as a whole: a company profile
SHORT = 120  # longer messages are material, whatever words they contain
MAX_INSTRUCTION_CHARS = 80


@dataclass
class Intent:
    kind: Kind
    value: str = ""  # the instance name, the figure or period text
    index: int | None = None  # a 1-based candidate number
    entries: list[SceneEntry] = field(default_factory=list)  # scenes named in the message

    @property
    def taken_as(self) -> str:
        return TAKEN_AS[self.kind]


def _digit(token: str) -> int:
    return int(token) if token.isdigit() else _CN_DIGITS.index(token) + 1


def _named_links(text: str) -> list[SceneEntry]:
    """Scenes of a 环节 the message names (the first scene of each), when it names no scene."""
    table = load_scene_table()
    links = dict.fromkeys(e.link for e in table.entries if e.link in text and e.link != e.domain)
    return [table.by_link(link)[0] for link in links]


# "口径没问题，可以写入": the writer answers the assistant's own question about a doubted figure.
CONFIRM_WORDS = re.compile(
    r"(?:口径|数据|数字|这个|这些|以上)?\s*(?:没问题|没有问题|无误|已确认|确认了|确认无误|可以写入|可以写进|可以写|可以用|能写|写入吧|照写)"
)


def classify(text: str, has_draft: bool, awaiting_confirmation: bool = False) -> Intent:
    from assistant.knowledge.mapping import named_scenes
    from assistant.text import has_metric

    text = text.strip()
    short = len(text) <= SHORT
    if not text:
        return Intent("material")
    if awaiting_confirmation and len(text) <= SHORT * 4 and CONFIRM_WORDS.search(text[:40]):
        return Intent("confirm", value=text)
    if short and (pick := _PICK.search(text)):
        return Intent("scene", index=_digit(pick.group(1) or pick.group(2)))
    if short and has_draft and (named := _INSTANCE.search(text)):
        return Intent("instance", value=named.group(1).strip())
    if short and (_SCENE_TALK.search(text) or len(text) <= 12):
        entries = named_scenes(text) or _named_links(text)
        if entries and not has_metric(text):
            return Intent("scene", entries=entries)
    if short and _QUESTION.search(text) and len(text) < 60:
        return Intent("question")
    if has_draft and len(text) <= MAX_INSTRUCTION_CHARS * 2 and _CHANGE.search(text):
        return Intent("change")
    if _about_company(text):
        return Intent("profile")
    if has_draft and short and _PERIOD.search(text):
        return Intent("period", value=text)
    if (
        has_draft
        and len(text) <= MAX_INSTRUCTION_CHARS
        and not has_metric(_LENGTH.sub("", text))
        and _INSTRUCTION.search(text)
    ):
        return Intent("change")
    if (
        has_draft
        and short
        and _CORRECTION.search(text)
        and (has_metric(text) or _CORRECTED_PLAIN.search(text))
    ):
        return Intent("correction", value=text)  # "经济性里的1460写错了，应为730": bare numbers say it too
    if has_draft and short and has_metric(text):
        return Intent("figure", value=text)
    return Intent("material")


def _about_company(text: str) -> bool:
    """A company profile ("公司成立于…，员工…，主要产品…，市场占有率…"): most of its sentences speak of
    the firm as a whole and none states a before/after change of a scene."""
    from assistant.drafting.application import patterns
    from assistant.drafting.extract import fact_words
    from assistant.text import extract_changes

    topics = patterns()["企业简介"]["topics"].values()
    cue = re.compile("|".join([*fact_words().profile, *topics]))
    clauses = [c for c in re.split(r"[。！？!?；;，,\n]+", text) if len(c.strip()) >= 4]
    if len(clauses) < 2 or extract_changes(text):
        return False
    return sum(bool(cue.search(c)) for c in clauses) / len(clauses) >= PROFILE_SHARE
