import pytest

from assistant.errors import ConfigError
from assistant.prompts import all_prompts, load_prompt


@pytest.mark.parametrize("prompt", all_prompts(), ids=lambda p: p.id)
def test_every_prompt_renders_with_its_declared_variables(prompt) -> None:
    values = {name: f"<{name}>" for name in prompt.variables}
    system, user = prompt.render(**values)
    for name in prompt.variables:
        assert f"<{name}>" in system + user


@pytest.mark.parametrize("prompt", all_prompts(), ids=lambda p: p.id)
def test_a_missing_variable_is_an_error(prompt) -> None:
    values = {name: "x" for name in prompt.variables[1:]}
    with pytest.raises(ConfigError, match="缺少"):
        prompt.render(**values)


def test_an_unknown_variable_is_an_error() -> None:
    prompt = load_prompt("ask")
    with pytest.raises(ConfigError, match="多余"):
        prompt.render(question="q", passages="p", no_answer="n", extra="typo")
