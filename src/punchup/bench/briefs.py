"""What a writer is sent for one prompt of a pack: system prompt from the profile, brief from the prompt."""

from __future__ import annotations

from punchup.models import Message
from punchup.packs import Pack, PromptSpec
from punchup.bench.writers import WriterProfile

WORDS_PER_SECOND_READ_ALOUD = 2.4


def brief_text(pack: Pack, prompt: PromptSpec) -> str:
    lines = [prompt.text.strip()]
    if prompt.alts:
        lines.append(f"Give exactly {prompt.alts} alts as a numbered list.")
    if prompt.moves:
        lines.append("Required camera moves (name each where you use it): " + ", ".join(prompt.moves) + ".")
    if prompt.target_words:
        lines.append(f"Length: about {prompt.target_words} words.")
    if prompt.seconds:
        words = round(prompt.seconds * WORDS_PER_SECOND_READ_ALOUD)
        lines.append(f"It must fit {prompt.seconds} seconds read aloud (at most about {words} words of voice-over).")
    if pack.output_format:
        lines.append(f"Format: {pack.output_format}.")
    return "\n".join(lines)


def writer_messages(profile: WriterProfile, pack: Pack, prompt: PromptSpec) -> list[Message]:
    system = profile.system_for(pack.craft_notes, pack.system_prompt)
    messages = [Message(role="system", content=system)] if system else []
    return messages + [Message(role="user", content=brief_text(pack, prompt))]
