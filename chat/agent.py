"""The sales agent: a LangGraph graph of a planner (a chat model that emits tool calls) and a
ToolNode that runs them, looping until the planner answers."""

import json

from langchain_core.messages import HumanMessage, SystemMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, tools_condition

from chat.brain import OfflineShopModel
from chat.tools import ShopTools

MAX_STEPS = 8


def build_agent(user, model=None):
    tools = ShopTools(user).as_langchain_tools()
    planner = (model or OfflineShopModel()).bind_tools(tools)

    def plan(state: MessagesState):
        return {"messages": [planner.invoke(state["messages"])]}

    graph = StateGraph(MessagesState)
    graph.add_node("planner", plan)
    graph.add_node("tools", ToolNode(tools))
    graph.add_edge(START, "planner")
    graph.add_conditional_edges("planner", tools_condition, {"tools": "tools", END: END})
    graph.add_edge("tools", "planner")
    return graph.compile()


def run(agent, text: str, state: dict):
    """Yield the graph's steps for one shopper message: ("tool_call", name, args),
    ("tool_result", name, data) and finally ("assistant", content, extras)."""
    messages = [SystemMessage(content="state:" + json.dumps(state)), HumanMessage(content=text)]
    for update in agent.stream({"messages": messages}, {"recursion_limit": MAX_STEPS * 2}, stream_mode="updates"):
        for node, change in update.items():
            for message in change["messages"]:
                if node == "tools":
                    yield ("tool_result", message.name, json.loads(message.content))
                elif message.tool_calls:
                    for call in message.tool_calls:
                        yield ("tool_call", call["name"], call["args"])
                else:
                    yield ("assistant", message.content, message.additional_kwargs)
