"""A kernel manager for the dashboards' Voila servers that keeps memory bounded.

Every request of a Voila page takes a kernel (the preheated one, or a new one) and keeps
it until it is shut down, even when the client never opens the page's websocket: a link
checker or a health check would start kernels without end (measured: 20 GETs, 24
processes, 9.4 GB). This manager

- refuses to start a kernel beyond ``max_kernels`` (the preheated spare counts): the
  request gets a 503 page saying why, and the server keeps answering;
- keeps the preheated pool filled again whenever a kernel goes away (Voila refills it
  only after handing a kernel out, so a refill refused at the cap would leave it empty);
- counts a pool kernel's idle time from when a page took it, not from when it was
  heated, so that it is not culled before the browser connects.

- shuts a kernel down when its page closed (its last websocket gone for
  ``closed_page_grace`` seconds).

Kernels nobody ever connected to (a plain GET) are culled by the standard
``cull_idle_timeout`` with ``cull_connected=False``. The server is given this class with
``--VoilaConfiguration.multi_kernel_manager_class`` (see
:func:`asyncmon.serving.voila_command`); Voila subclasses it for its pool.
"""

from __future__ import annotations

import asyncio

from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.web import HTTPError
from traitlets import Float, Integer, Unicode

__all__ = ["BoundedKernelManager"]


class BoundedKernelManager(AsyncMappingKernelManager):
    """At most ``max_kernels`` kernels, the pool kept filled, pool kernels not culled
    before their page connects."""

    max_kernels = Integer(
        4, config=True, help="Most kernels alive at once, the preheated one included."
    )
    full_message = Unicode(
        "This dashboard is open in as many pages as it serves at once. Close a page you "
        "no longer use, or try again in a minute.",
        config=True,
        help="What a visitor is told when every kernel is taken (one line).",
    )

    closed_page_grace = Float(
        10,
        config=True,
        help="Seconds a kernel is kept after its page's last connection closed (a network "
        "blip reconnects within them; a reloaded page gets a new kernel anyway).",
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._closing = False
        self._handed_out: dict[str, object] = {}

    def _alive(self) -> int:
        starting = {k for k, task in self._pending_kernels.items() if not task.done()}
        return len(set(self._kernels) | starting)

    async def start_kernel(self, *args, **kwargs):
        # the check and the start happen with no await between them: requests arriving
        # together cannot start more than the cap
        if self.max_kernels > 0 and (self._closing or self._alive() >= self.max_kernels):
            self.log.warning("%d kernels alive, the most allowed: refusing one", self._alive())
            self._leave_pool()
            raise HTTPError(503, "%s", self.full_message, reason=self.full_message)
        return await super().start_kernel(*args, **kwargs)

    def _leave_pool(self) -> None:
        """A refill of the preheated pool refused at the cap takes its task out of the
        pool, so that the next request starts (or is refused) afresh instead of taking a
        failed task."""
        task = asyncio.current_task()
        for pool in (getattr(self, "_pools", None) or {}).values():
            if task is not None and task in pool:
                pool.remove(task)
                task.add_done_callback(lambda t: t.cancelled() or t.exception())

    def notify_disconnect(self, kernel_id):
        # Voila's page asks for its kernel to be shut down when it closes, but that
        # request is refused here for want of an _xsrf cookie; a closed page's kernel is
        # shut once its last connection has been gone for the grace time instead
        super().notify_disconnect(kernel_id)
        if self._closing or self._kernel_connections.get(kernel_id, 0) > 0:
            return
        loop = asyncio.get_running_loop()
        loop.call_later(
            self.closed_page_grace,
            lambda: loop.create_task(self._shut_if_unused(kernel_id)),
        )

    async def _shut_if_unused(self, kernel_id) -> None:
        if (
            not self._closing
            and kernel_id in self._kernels
            and self._kernel_connections.get(kernel_id, 0) == 0
        ):
            self.log.info("Shutting down kernel %s: its page closed", kernel_id)
            await self.shutdown_kernel(kernel_id)

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        result = await super().shutdown_kernel(kernel_id, *args, **kwargs)
        self._handed_out.pop(kernel_id, None)
        self._refill()
        return result

    def _refill(self) -> None:
        pools = getattr(self, "_pools", None)
        if self._closing or not pools:
            return
        for name, pool in list(pools.items()):
            for task in list(pool):
                if task.done() and (task.cancelled() or task.exception() is not None):
                    pool.remove(task)
            self.fill_if_needed(delay=0, notebook_name=name)  # type: ignore[attr-defined]

    async def cull_kernel_if_idle(self, kernel_id):
        # Voila asks this only of kernels out of the pool: the first time is (within a
        # cull interval) when a page took it; idle time counts from then at the earliest
        kernel = self._kernels.get(kernel_id)
        if kernel is not None and hasattr(kernel, "last_activity"):
            taken = self._handed_out.setdefault(kernel_id, utcnow())
            if kernel.last_activity < taken:
                kernel.last_activity = taken
        return await super().cull_kernel_if_idle(kernel_id)

    async def shutdown_all(self, *args, **kwargs):
        self._closing = True
        return await super().shutdown_all(*args, **kwargs)
