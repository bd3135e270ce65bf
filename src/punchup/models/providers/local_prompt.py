"""Chat messages to prompt tokens and stop strings, exactly as llama-cpp-python's chat handler makes them.

The batching engine decodes tokens itself, but the prompt must be the one
`Llama.create_chat_completion` built (the GGUF's chat template or a named chat
format, special tokens, BOS handling), or a seed would no longer give the text
it gave before. So the model's own chat handler runs, against a stand-in that
records the completion request instead of generating.
"""

from __future__ import annotations

from typing import Any

from llama_cpp import llama_chat_format


class _Recorder:
    """Looks enough like a Llama to a chat handler: tokenizes for real, records the completion call."""

    verbose = False

    def __init__(self, llm: Any):
        self._llm = llm
        self.prompt: list[int] = []
        self.stop: list[str] = []

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]:
        return self._llm.tokenize(text, add_bos=add_bos, special=special)

    def create_completion(self, prompt: Any, stop: Any = None, **_ignored: Any) -> dict[str, Any]:
        if not isinstance(prompt, list):  # a handler that passes text: tokenize it as create_completion would
            prompt = self._llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
        self.prompt = list(prompt)
        self.stop = [stop] if isinstance(stop, str) else list(stop or [])
        return {"id": "c", "object": "text_completion", "created": 0, "model": "recorded",
                "choices": [{"text": "", "index": 0, "logprobs": None, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": len(self.prompt), "completion_tokens": 0, "total_tokens": len(self.prompt)}}


class ChatPrompter:
    def __init__(self, llm: Any):
        self.llm = llm
        self.handler = (llm.chat_handler or llm._chat_handlers.get(llm.chat_format)
                        or llama_chat_format.get_chat_completion_handler(llm.chat_format))

    def tokens(self, messages: list[dict[str, str]]) -> tuple[list[int], list[str]]:
        """The prompt tokens and the chat format's own stop strings (its end-of-turn marker)."""
        recorder = _Recorder(self.llm)
        self.handler(llama=recorder, messages=messages)
        return recorder.prompt, recorder.stop
