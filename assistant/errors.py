"""Errors grouped by who must act on them.

The CLI prints one Chinese line and exits 2 for the first three; the app shows them as
``gr.Error``. Anything else is a bug and is re-raised when ``ASSISTANT_DEBUG=1``.
"""


class AssistantError(Exception):
    """Base class: ``str(err)`` is a complete Chinese sentence for the user."""


class InputError(AssistantError):
    """The user's input is unusable (missing, empty, corrupt, wrong kind of file)."""


class ConfigError(AssistantError):
    """A setting or data file is wrong; the message names the exact setting or file and line."""


class LLMError(AssistantError):
    """The model endpoint failed after retries, or answered with something unusable."""

    def __init__(self, message: str, status: int | None = None) -> None:
        from assistant.redact import redact

        super().__init__(redact(message))  # shown and saved: nothing key-like, whoever raised it
        self.status = status


def about_file(name: str, err: Exception) -> str:
    """``name：reason`` for a list of files, without the name twice when the message already opens with it."""
    reason = str(err).removeprefix(name).lstrip("：: ") or str(err)
    return f"{name}：{reason}"
