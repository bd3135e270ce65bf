import pytest

from punchup.errors import ModelError
from punchup.models import GenerateConfig, Message, get_model, list_providers, register_provider, split_model_id
from punchup.models.fake import FakeModel, script


def test_model_ids_name_provider_and_model():
    assert split_model_id("openai/gpt-4o-mini") == ("openai", "gpt-4o-mini")
    assert split_model_id("local//abs/path.gguf") == ("local", "/abs/path.gguf")
    for bad in ("smollm2", "/x", "local/"):
        with pytest.raises(ModelError, match="provider/name"):
            split_model_id(bad)


def test_unknown_provider_lists_the_known_ones():
    with pytest.raises(ModelError) as info:
        get_model("ollama2/llama3")
    assert "unknown model provider 'ollama2'" in str(info.value) and "local" in str(info.value)


def test_missing_optional_dependency_names_the_package():
    register_provider("needsdep", "punchup_missing_backend:create", package="punchup-missing-backend")
    with pytest.raises(ModelError, match="pip install punchup-missing-backend"):
        get_model("needsdep/x")


def test_providers_are_lazy_and_include_the_built_ins():
    assert {"local", "openai", "fake"} <= set(list_providers())


async def test_fake_model_replays_a_script_and_keeps_history():
    model = script("unit", ["one", "two"])
    assert get_model("fake/unit") is model
    first = await model.generate([Message(role="user", content="a")], GenerateConfig(seed=5))
    second = await model.generate([Message(role="user", content="b")], GenerateConfig())
    assert (first.text, second.text) == ("one", "two") and first.seed == 5
    assert [call[0][-1].content for call in model.calls] == ["a", "b"]
    # with the script used up it answers deterministically from the prompt and seed
    third = await model.generate([Message(role="user", content="c")], GenerateConfig(seed=1))
    fourth = await FakeModel("other").generate([Message(role="user", content="c")], GenerateConfig(seed=1))
    assert third.text and third.text != fourth.text  # different fake models write differently


async def test_fake_model_responder_and_errors():
    model = script("responder", lambda messages, config: messages[-1].content.upper())
    assert (await model.generate([Message(role="user", content="shout")], GenerateConfig())).text == "SHOUT"
    script("raiser", [ModelError("scripted failure")])
    with pytest.raises(ModelError, match="scripted failure"):
        await get_model("fake/raiser").generate([Message(role="user", content="x")], GenerateConfig())
