"""/ws/chat/{session_id}: the sales agent's socket (API.md). It only routes: the agent, its
tools and the session's persistence are in chat.agent, chat.tools and chat.services."""

import asyncio

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection
from django.utils import timezone

from catalog.consumers import InventoryStream
from chat import lexicon, services, understanding
from chat.agent import build_agent, run
from core.consumers import LiveConsumer
from core.ratelimit import RateLimit, hit

FORBIDDEN = 4403
MAX_MESSAGE = 2000


class ChatConsumer(InventoryStream, LiveConsumer):
    require_user = True

    async def connect(self):
        user = self.scope.get("user")
        if not self.scope.get("auth_failed") and user is not None and user.is_authenticated:
            self.session = await database_sync_to_async(services.open_session)(
                session_id=self.scope["url_route"]["kwargs"]["session_id"], user=user
            )
            if self.session is None:
                await self.close(code=FORBIDDEN)
                return
            self.agent = build_agent(user)
        await super().connect()

    async def on_connected(self):
        await self.send_event(
            "system",
            content="Hi! Ask me about products, your cart, coupons, points or orders.",
            session_id=self.session.session_id,
            history=await database_sync_to_async(services.history)(self.session),
        )
        # The offline brain's classifier and the catalog's words, ready before the first message
        # is read: built once a process, which takes seconds. After the handshake, which daphne
        # aborts when it is not answered within 5 s.
        await asyncio.get_running_loop().run_in_executor(None, understanding.classifier)
        await database_sync_to_async(lexicon.current)()

    async def handle(self, content: dict):
        message = content.get("message")
        if not isinstance(message, str) or not message.strip():
            await self.send_error('Send {"message": "your question"}.')
            return
        if len(message) > MAX_MESSAGE:
            await self.send_error(f"Messages are at most {MAX_MESSAGE} characters.")
            return
        rate = RateLimit("chat", settings.CHAT_MESSAGES_PER_MINUTE, 60)
        verdict = await database_sync_to_async(hit)(rate, str(self.scope["user"].pk))
        if not verdict.allowed:
            await self.send_error(
                f"You're sending messages quickly; try again in {verdict.retry_after} s."
            )
            return
        await self.send_event("user", content=message)
        await self.send_event("thinking", content="Looking into it…")
        await self._answer(message.strip())

    async def _answer(self, message: str) -> None:
        # A thread of its own, not the process's one sync thread: a turn waiting seconds on a
        # model must not hold up other shoppers' turns or sockets signing in.
        await database_sync_to_async(self._turn, thread_sensitive=False)(message)

    def _turn(self, message: str) -> None:
        """Run one turn, sending each tool step and the answer as it happens (a model may take
        seconds per step), then keep the turn in the session."""
        send = async_to_sync(self.send_json)
        session = self.session
        session.refresh_from_db(fields=["state"])
        seen, steps, pending = session.state, [{"type": "user", "content": message}], {}
        state = services.next_turn(seen)
        for kind, name, data in run(self.agent, message, seen):
            now = timezone.now().isoformat()
            if kind == "tool_call":
                pending[name] = data
                send(
                    {
                        "type": "tool_call",
                        "tool": name,
                        "args": data,
                        "content": "",
                        "timestamp": now,
                    }
                )
                steps.append({"type": "tool_call", "content": name, "data": data})
            elif kind == "tool_result":
                state = services.remember(state, tool=name, args=pending.get(name, {}), result=data)
                send(
                    {
                        "type": "tool_result",
                        "tool": name,
                        "data": data,
                        "content": "",
                        "timestamp": now,
                    }
                )
                steps.append({"type": "tool_result", "content": name, "data": data})
            else:
                send({"type": "assistant", "content": name, **data, "timestamp": now})
                steps.append({"type": "assistant", "content": name, "data": data})
        try:
            services.record_turn(session=session, steps=steps, state=state)
        finally:
            connection.close()  # the pool thread's own connection, not kept between turns
