"""The default brain: a chat model of our own that reads the message (chat/understanding.py),
decides on a tool call or an answer (chat/policy.py) and words the answer from the tools'
results (chat/replies.py): no language model, no network, the same answer every time. It is a
langchain-core chat model, so the agent graph is the same for it and for an LLM."""

import json
import uuid

import structlog
from django.conf import settings
from django.utils.module_loading import import_string
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from chat import policy, understanding
from chat.tools import TOOLS

log = structlog.get_logger(__name__)

# LLM_PROVIDER -> the langchain chat model class (its package installed beside the shop).
PROVIDERS = {
    "openai": "langchain_openai.ChatOpenAI",
    "anthropic": "langchain_anthropic.ChatAnthropic",
    "ollama": "langchain_ollama.ChatOllama",
}
INSTRUCTIONS = (
    "You are the shop's sales assistant. Use the tools for every fact about products, stock, the "
    "cart, coupons, points and orders; never invent one. Ask which color or size when a product "
    "needs one. Before cancelling an order or starting a return, call the tool without "
    "confirmed, show its question, and only confirm after the shopper says yes. A result with "
    "'confirm' and 'pending' is a question too: call the pending tool with its args only after a "
    "yes (a product in stock after all goes to the cart; a sold-out one gets a notice when it's "
    "back). A system message starting with 'state:' lists what the conversation showed last."
)


class OfflineShopModel(BaseChatModel):
    @property
    def _llm_type(self) -> str:
        return "shop-offline"

    def bind_tools(self, tools, **kwargs):
        return self  # it knows the shop's tools by name

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        last = messages[-1]
        state = _state(messages)
        expecting = (state.get("asking") or {}).get("missing", "")
        if isinstance(last, ToolMessage):
            results = _results_since_question(messages)
            step = policy.relax(results) or policy.follow_up(
                lambda: understanding.read(_question(messages), expecting=expecting), state, results
            )
            message = _tool_call(step) if step else answer(results)
        else:
            reading = understanding.read(str(last.content), expecting=expecting)
            decision = policy.decide(reading, state)
            message = _tool_call(decision) if decision.tool else AIMessage(content=decision.reply)
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        """One chunk: the tool calls (as tool-call chunks) or the whole answer."""
        message = self._generate(messages, stop=stop).generations[0].message
        chunks = [
            {"name": call["name"], "args": json.dumps(call["args"]), "id": call["id"], "index": i}
            for i, call in enumerate(message.tool_calls)
        ]
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content=message.content,
                tool_call_chunks=chunks,
                additional_kwargs=message.additional_kwargs,
            )
        )


class TurnPlanner:
    """The configured model, with the offline brain behind it for the rest of a turn once the
    model has failed in it (an error, a timeout, or tool calls whose arguments are not valid
    JSON): a turn costs at most one model timeout, never one per planning step."""

    def __init__(self, model, offline):
        self.model, self.offline, self.failed = model, offline, False

    def start_turn(self) -> None:
        self.failed = False

    def invoke(self, messages):
        if not self.failed:
            try:
                message = self.model.invoke(messages)
            except Exception as exc:  # noqa: BLE001 - any model failure: the offline brain answers
                log.warning("llm_failed", error=f"{type(exc).__name__}: {exc}")
            else:
                if not (message.invalid_tool_calls and not message.tool_calls):
                    return message
                log.warning("llm_invalid_tool_calls", calls=len(message.invalid_tool_calls))
            self.failed = True
        return self.offline.invoke(messages)


def planner_for(tools, model=None):
    """The chat model that plans: the configured LLM with our tools bound, the offline brain
    taking over when it fails; the offline brain alone when none is configured."""
    offline = OfflineShopModel().bind_tools(tools)
    model = model or _configured_llm()
    if model is None:
        return TurnPlanner(offline, offline)
    return TurnPlanner(model.bind_tools(tools), offline)


def _configured_llm():
    provider = settings.LLM_PROVIDER.strip().lower()
    if not provider:
        return None
    try:
        model_class = import_string(PROVIDERS[provider])
    except (KeyError, ImportError):
        log.warning("llm_unavailable", provider=provider, using="offline brain")
        return None
    # No retries: a model that fails once in a turn hands the turn to the offline brain.
    return model_class(
        model=settings.LLM_MODEL, timeout=settings.LLM_TIMEOUT_SECONDS, max_retries=0
    )


def _state(messages) -> dict:
    for message in messages:
        if isinstance(message, SystemMessage) and message.content.startswith("state:"):
            return json.loads(message.content.removeprefix("state:"))
    return {}


def _question(messages) -> str:
    return next(str(m.content) for m in reversed(messages) if isinstance(m, HumanMessage))


def _results_since_question(messages) -> list[tuple[str, dict]]:
    results = []
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            break
        if isinstance(message, ToolMessage):
            results.append((message.name, json.loads(message.content)))
    return list(reversed(results))


def _tool_call(decision: policy.Decision) -> AIMessage:
    call = {
        "name": decision.tool,
        "args": decision.args,
        "id": f"call_{uuid.uuid4().hex[:12]}",
        "type": "tool_call",
    }
    return AIMessage(content="", tool_calls=[call])


def answer(results: list[tuple[str, dict]]) -> AIMessage:
    tool, data = results[-1]
    extra: dict = {}
    lead = policy.relaxed_lead(results)
    if "confirm" in data:
        text = data["confirm"]
    elif "error" in data:
        text = data["error"]
        if data.get("fields"):
            text = " ".join(m for ms in data["fields"].values() for m in ms)
    elif tool in TOOLS:
        text, extra = TOOLS[tool].reply(data)
    else:
        text = "Done."
    return AIMessage(content=lead + text, additional_kwargs=extra)
