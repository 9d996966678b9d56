"""LLM_PROVIDER=openai with the real langchain-openai client, against an OpenAI-compatible server
the test runs: a tool call then an answer; a 500, a hung server and a tool call with broken
JSON arguments each hand the turn to the offline brain, at the cost of one request."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chat import understanding
from chat.agent import build_agent, run
from tests.catalog import builders

pytestmark = pytest.mark.django_db


class FakeOpenAI(ThreadingHTTPServer):
    """Answers POST /v1/chat/completions from a queue of (status, body or seconds to hang)."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.replies: list = []
        self.requests: list[dict] = []


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)
        status, reply = self.server.replies.pop(0)
        if status == "hang":
            time.sleep(reply)
            return
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def completion(*, content=None, tool_calls=None) -> dict:
    message = {"role": "assistant", "content": content, "refusal": None}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "test-model",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def tool_call(name: str, arguments: str) -> dict:
    return {"id": "call_1", "type": "function", "function": {"name": name, "arguments": arguments}}


@pytest.fixture
def server(settings, monkeypatch):
    fake = FakeOpenAI()
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{fake.server_port}/v1")
    settings.LLM_PROVIDER, settings.LLM_MODEL, settings.LLM_TIMEOUT_SECONDS = "openai", "m", 1
    yield fake
    fake.shutdown()


@pytest.fixture
def shop(db):
    builders.location()
    builders.product("Glacier Jacket", brand_name="Patagonia", category_name="Jackets")


def test_the_model_plans_with_the_shops_tools(user, shop, server):
    server.replies = [
        (200, completion(tool_calls=[tool_call("search_products", '{"query": "jacket"}')])),
        (200, completion(content="The Glacier Jacket is warm.")),
    ]
    steps = list(run(build_agent(user), "a warm jacket?", {}))
    assert [s[0] for s in steps] == ["tool_call", "tool_result", "assistant"]
    assert steps[1][2]["products"][0]["name"] == "Glacier Jacket"
    assert steps[2][1:] == ("The Glacier Jacket is warm.", {})  # no "refusal" key
    offered = {tool["function"]["name"] for tool in server.requests[0]["tools"]}
    assert {"search_products", "add_to_cart", "cancel_order"} <= offered


@pytest.mark.parametrize(
    "reply",
    [
        (500, {"error": {"message": "boom", "type": "server_error"}}),
        ("hang", 3),
        (200, completion(tool_calls=[tool_call("search_products", '{"query": "jack')])),
    ],
    ids=["server error", "hung", "broken tool arguments"],
)
def test_a_failing_model_costs_one_request_and_the_offline_brain_answers(user, shop, server, reply):
    server.replies = [reply]
    understanding.classifier()  # trained once a process: not part of the turn timed here
    started = time.monotonic()
    steps = list(run(build_agent(user), "jacket", {}))
    assert steps[-1][0] == "assistant" and "Glacier Jacket" in steps[-1][1]
    assert len(server.requests) == 1
    assert time.monotonic() - started < 1 + 1.5  # one timeout, then the offline answer
