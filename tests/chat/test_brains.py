"""The agent graph is the same for the offline brain and for an LLM: a fake tool-calling chat
model drives it here, and an LLM that fails hands over to the offline brain."""

import time

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from chat.agent import build_agent, run
from chat.brain import OfflineShopModel
from tests.catalog import builders

pytestmark = pytest.mark.django_db


class FakeToolCallingModel(GenericFakeChatModel):
    def bind_tools(self, tools, **kwargs):
        return self


class BrokenModel(FakeToolCallingModel):
    def _generate(self, *args, **kwargs):
        raise TimeoutError("the provider did not answer")


@pytest.fixture
def shop(db):
    builders.location()
    return builders.product(
        "Glacier Jacket", brand_name="Patagonia", category_name="Jackets", price="199.00"
    )


def test_an_llm_drives_the_same_graph_and_tools(user, shop):
    model = FakeToolCallingModel(
        messages=iter(
            [
                AIMessage(
                    content="",
                    tool_calls=[
                        {"name": "search_products", "args": {"query": "jacket"}, "id": "c1"}
                    ],
                ),
                AIMessage(content="The Glacier Jacket is $199.00."),
            ]
        )
    )
    steps = list(run(build_agent(user, model=model), "a warm jacket?", {}))
    assert [s[0] for s in steps] == ["tool_call", "tool_result", "assistant"]
    assert steps[1][2]["products"][0]["name"] == "Glacier Jacket"
    assert steps[2][1] == "The Glacier Jacket is $199.00."


def test_a_failing_llm_falls_back_to_the_offline_brain(user, shop):
    steps = list(run(build_agent(user, model=BrokenModel(messages=iter([]))), "jacket", {}))
    assert [s[0] for s in steps] == ["tool_call", "tool_result", "assistant"]
    assert "Glacier Jacket" in steps[2][1]


def test_the_offline_brain_streams_tool_call_chunks(user):
    from langchain_core.messages import HumanMessage

    chunks = list(OfflineShopModel().stream([HumanMessage(content="show my cart")]))
    assert chunks[0].tool_call_chunks[0]["name"] == "show_cart"


def test_an_unknown_provider_uses_the_offline_brain(user, shop, settings):
    settings.LLM_PROVIDER = "no-such-provider"
    steps = list(run(build_agent(user), "hello", {}))
    assert steps == [("assistant", steps[0][1], {})] and "I can find products" in steps[0][1]


class SlowModel(FakeToolCallingModel):
    """A model that takes its time, then answers in words."""

    seconds: float = 1.0

    def _generate(self, *args, **kwargs):
        time.sleep(self.seconds)
        return super()._generate(*args, **kwargs)


class HungModel(FakeToolCallingModel):
    calls: list = []

    def _generate(self, *args, **kwargs):
        self.calls.append(time.monotonic())
        time.sleep(0.3)
        raise TimeoutError("no answer within the timeout")


def test_a_model_that_fails_once_leaves_the_rest_of_the_turn_to_the_offline_brain(user, shop):
    hung = HungModel(messages=iter([]))
    hung.calls = []
    agent = build_agent(user, model=hung)
    started = time.monotonic()
    steps = list(run(agent, "jacket", {}))
    assert [s[0] for s in steps] == ["tool_call", "tool_result", "assistant"]
    assert len(hung.calls) == 1  # one timeout for the turn, not one per planning step
    assert time.monotonic() - started < 0.3 + 0.5
    list(run(agent, "jacket", {}))
    assert len(hung.calls) == 2  # the next turn tries the model again


def test_tool_calls_with_broken_arguments_are_answered_by_the_offline_brain(user, shop):
    broken = AIMessage(
        content="",
        invalid_tool_calls=[
            {"name": "search_products", "args": '{"query": "jack', "id": "c1", "error": "bad JSON"}
        ],
    )
    model = FakeToolCallingModel(messages=iter([broken]))
    steps = list(run(build_agent(user, model=model), "jacket", {}))
    assert steps[-1][0] == "assistant" and "Glacier Jacket" in steps[-1][1]


def test_provider_keys_stay_out_of_the_answer(user, shop):
    said = AIMessage(content="Hello!", additional_kwargs={"refusal": None, "products": []})
    model = FakeToolCallingModel(messages=iter([said]))
    [answer] = list(run(build_agent(user, model=model), "hi", {}))
    assert answer == ("assistant", "Hello!", {"products": []})
