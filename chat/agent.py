"""The sales agent: a LangGraph graph of a planner (a chat model that emits tool calls) and a
tools node that runs them, looping until the planner answers.

The tools node runs the calls one after another in the graph's own thread, where prebuilt
ToolNode would hand them to a thread pool: Django's database connections belong to a thread,
and a pool thread's connection would be opened outside the request and never returned."""

import json

import structlog
from langchain_core.messages import HumanMessage, SystemMessage, ToolMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import tools_condition

from chat.brain import INSTRUCTIONS, planner_for
from chat.tools import ShopTools

MAX_STEPS = 8
log = structlog.get_logger(__name__)


def build_agent(user, model=None):
    tools = ShopTools(user).as_langchain_tools()
    planner = planner_for(tools, model)

    by_name = {tool.name: tool for tool in tools}

    def plan(state: MessagesState):
        return {"messages": [planner.invoke(state["messages"])]}

    def run_tools(state: MessagesState):
        results = []
        for call in state["messages"][-1].tool_calls:
            tool = by_name.get(call["name"])
            try:
                data = (
                    tool.invoke(call["args"])
                    if tool
                    else {"error": f"There is no tool {call['name']}."}
                )
            except Exception:
                log.exception("agent_tool_failed", tool=call["name"])
                data = {"error": "Something went wrong on our side; please try again."}
            results.append(
                ToolMessage(
                    content=json.dumps(data, default=str),
                    name=call["name"],
                    tool_call_id=call["id"],
                )
            )
        return {"messages": results}

    graph = StateGraph(MessagesState)
    graph.add_node("planner", plan)
    graph.add_node("tools", run_tools)
    graph.add_edge(START, "planner")
    graph.add_conditional_edges("planner", tools_condition, {"tools": "tools", END: END})
    graph.add_edge("tools", "planner")
    agent = graph.compile()
    agent.planner = planner  # run() starts each turn afresh on it
    return agent


def run(agent, text: str, state: dict):
    """Yield the graph's steps for one shopper message: ("tool_call", name, args),
    ("tool_result", name, data) and finally ("assistant", content, extras)."""
    agent.planner.start_turn()
    messages = [
        SystemMessage(content=INSTRUCTIONS),
        SystemMessage(content="state:" + json.dumps(state)),
        HumanMessage(content=text),
    ]
    for update in agent.stream(
        {"messages": messages}, {"recursion_limit": MAX_STEPS * 2}, stream_mode="updates"
    ):
        for node, change in update.items():
            for message in change["messages"]:
                if node == "tools":
                    yield ("tool_result", message.name, json.loads(message.content))
                elif message.tool_calls:
                    for call in message.tool_calls:
                        yield ("tool_call", call["name"], call["args"])
                else:
                    yield ("assistant", _text(message.content), _shown(message))


# What an answer may carry to the socket besides its text: a provider's own keys stay out.
SHOWN = ("products", "cart")


def _shown(message) -> dict:
    return {k: v for k, v in message.additional_kwargs.items() if k in SHOWN}


def _text(content) -> str:
    """A model's content as text (some providers answer with a list of parts)."""
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return content
