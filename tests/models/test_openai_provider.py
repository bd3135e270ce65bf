import asyncio
import json
import time

import pytest

from punchup.errors import ModelError
from punchup.models import GenerateConfig, Message, get_model
from tests.conftest import free_port
from tests.scripted_server import ScriptedServer, completion

HELLO = [Message(role="user", content="Say hello.")]


async def test_retries_500_and_429_with_retry_after_then_succeeds():
    with ScriptedServer() as server:
        server.plan.extend([(500, {"error": "boom"}, {}), (429, {"error": "slow down"}, {"Retry-After": "0.2"})])
        model = get_model("openai/scripted", base_url=server.base_url, backoff_s=0.01)
        started = time.perf_counter()
        generation = await model.generate(HELLO, GenerateConfig())
        assert generation.text == "reply 3"
        assert len(server.requests) == 3
        assert time.perf_counter() - started >= 0.15  # Retry-After was honoured, not the 10 ms backoff
        await model.aclose()


async def test_gives_up_after_max_retries_with_one_line():
    with ScriptedServer() as server:
        server.plan.extend([(503, {"error": "down"}, {})] * 10)
        model = get_model("openai/scripted", base_url=server.base_url, backoff_s=0.001, max_retries=2)
        with pytest.raises(ModelError) as info:
            await model.generate(HELLO, GenerateConfig())
        assert "gave up after 3 attempts" in str(info.value) and "\n" not in str(info.value)
        assert len(server.requests) == 3


async def test_client_errors_are_not_retried():
    with ScriptedServer() as server:
        server.plan.append((401, {"error": "bad key"}, {}))
        model = get_model("openai/scripted", base_url=server.base_url)
        with pytest.raises(ModelError, match="401"):
            await model.generate(HELLO, GenerateConfig())
        assert len(server.requests) == 1


async def test_server_down_is_a_clear_error():
    url = f"http://127.0.0.1:{free_port()}/v1"
    model = get_model("openai/x", base_url=url, backoff_s=0.001, max_retries=1)
    with pytest.raises(ModelError) as info:
        await model.generate(HELLO, GenerateConfig())
    assert "unreachable" in str(info.value) and url in str(info.value)
    assert (await model.check()).startswith("unreachable")


async def test_concurrency_limit_per_endpoint():
    with ScriptedServer(delay_s=0.05) as server:
        model = get_model("openai/scripted", base_url=server.base_url, concurrency=3)
        await asyncio.gather(*(model.generate(HELLO, GenerateConfig(seed=i)) for i in range(12)))
        assert server.max_in_flight == 3
        await model.aclose()


async def test_pool_spreads_calls_and_routes_around_a_dead_endpoint():
    with ScriptedServer(delay_s=0.02) as first, ScriptedServer(delay_s=0.02) as second:
        dead = f"http://127.0.0.1:{free_port()}/v1"
        model = get_model("openai/scripted", base_url=f"{dead},{first.base_url},{second.base_url}", backoff_s=0.001, concurrency=2)
        results = await asyncio.gather(*(model.generate(HELLO, GenerateConfig(seed=i)) for i in range(16)))
        assert len(results) == 16
        assert first.requests and second.requests  # both live endpoints took work
        assert len(first.requests) + len(second.requests) == 16
        await model.aclose()


async def test_json_schema_falls_back_to_json_object_when_rejected():
    schema = {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]}
    with ScriptedServer() as server:
        server.plan.extend([(400, {"error": "unknown response_format"}, {}), (200, completion('{"x": 1}'), {})])
        model = get_model("openai/scripted", base_url=server.base_url)
        generation = await model.generate(HELLO, GenerateConfig(json_schema=schema))
        assert json.loads(generation.text) == {"x": 1}
        assert server.requests[0]["response_format"]["type"] == "json_schema"
        assert server.requests[1]["response_format"] == {"type": "json_object", "schema": schema}


def test_bad_base_url_is_rejected():
    with pytest.raises(ModelError, match="must start with http"):
        get_model("openai/x", base_url="localhost:8000")


@pytest.mark.server
async def test_real_llama_cpp_server(llama_server):
    model = get_model("openai/smollm2", base_url=llama_server)
    config = GenerateConfig(temperature=0.0, max_tokens=24, seed=1)
    first = await model.generate([Message(role="user", content="Name a colour.")], config)
    second = await model.generate([Message(role="user", content="Name a colour.")], config)
    assert first.text.strip() and first.completion_tokens > 0 and first.prompt_tokens > 0
    assert first.text == second.text  # temperature 0 on the same server is reproducible
    schema = {
        "type": "object",
        "properties": {"score": {"type": "integer", "enum": [1, 2, 3, 4, 5]}, "why": {"type": "string", "maxLength": 40}},
        "required": ["score", "why"],
    }
    reply = await model.generate([Message(role="user", content="Rate the word 'cat' from 1 to 5 as JSON.")], config.model_copy(update={"json_schema": schema, "max_tokens": 60}))
    parsed = json.loads(reply.text)
    assert parsed["score"] in range(1, 6)
    await model.aclose()
