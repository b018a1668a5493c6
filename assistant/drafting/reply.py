"""What the model returns for one scene: the contract ``ask_structured`` renders into the prompt.

The five parts, their order, labels, limits and clauses come from ``corpus/requirements.yaml``
(``assistant.requirements``), so a limit is written once; the word count itself is checked by
the reviewer's own rules afterwards (Word counting, which a schema cannot express).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from assistant.drafting.guards import GAP_MARK
from assistant.requirements import load_requirements


class _Lenient(BaseModel):
    """A null or a number where text belongs is read as the text it stands for, not sent back."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    @field_validator("*", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name is not None:
            return cls.model_fields[info.field_name].get_default(call_default_factory=True)
        return value


class _SceneReplyBase(_Lenient):
    @model_validator(mode="after")
    def _draft_or_refusal(self) -> Any:
        if not self.cannot_draft and getattr(self, "parts", None) is None:
            raise ValueError(
                "缺少 parts（五个部分的正文）；确实无法撰写时把 cannot_draft 设为 true 并说明 reason"
            )
        return self


@lru_cache(maxsize=1)
def scene_reply_model() -> type[BaseModel]:
    """The reply model: a draft of the five parts, or a reasoned refusal (``cannot_draft``)."""
    parts = {
        spec.key: (str, Field("", description=f"{spec.label}，不超过{spec.limit}字。依据：{spec.clause}"))
        for spec in load_requirements().parts
    }
    parts_model = create_model("DraftParts", __base__=_Lenient, **parts)  # type: ignore[call-overload]
    fields: dict[str, Any] = {
        "link": (str, Field("", description="环节，照抄场景归属")),
        "scene": (str, Field("", description="场景，照抄场景归属")),
        "instance": (str, Field("", description="场景实例名称，体现对象与做法，20字以内")),
        "parts": (parts_model | None, Field(None, description="五个部分的正文，每部分以完整的句子结束")),
        "gaps": (
            list[str],
            Field(default_factory=list, description=f"材料缺少、正文中写了“{GAP_MARK}”的信息，每项一个短语"),
        ),
        "questions": (
            list[str],
            Field(default_factory=list, description="向企业追问的具体问题，每条一句"),
        ),
        "cannot_draft": (
            bool,
            Field(
                False,
                description="材料与智能制造场景无关、无法撰写时为 true，并在 reason 写明原因、在 questions 写出追问，不写 parts",
            ),
        ),
        "reason": (str, Field("", description="无法撰写的原因（仅在 cannot_draft 为 true 时填写）")),
    }
    return create_model("SceneReply", __base__=_SceneReplyBase, **fields)
