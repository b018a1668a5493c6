"""The LLM endpoint: any OpenAI-compatible server through langchain-openai's ChatOpenAI."""

from assistant.llm.client import LLMReply, chat, chat_model

__all__ = ["LLMReply", "chat", "chat_model"]
