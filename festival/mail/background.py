"""Deliver mail on one background thread per process, so no request renders an email.

Without Redis, rendering a confirmation (text and the PDF tickets) cost ~110 ms of CPU inside
the request that registered (measured here). ``submit`` hands the committed message ids to one
daemon thread per process instead; it delivers them with ``delivery.deliver``, whose
conditional UPDATE keeps the exactly-once claim (a message another process or ``mail-retry``
holds is skipped).

- It yields to requests: it starts a message only once the process has served no request for
  ``QUIET_SECONDS``, or when the message has waited ``MAIL_MAX_DELAY_SECONDS``. A render holds
  the GIL for ~0.1 s; started beside a request, it made that request wait for the GIL at each
  of its database round trips (p50 of the bench 0.55 s, measured here). Under a burst the
  emails thus leave after it, within the delay.
- Started lazily, on the first message of a process.
- After a fork (gunicorn forks its workers) the parent's thread does not exist in the child:
  the child starts its own on its first message.
- At exit, the thread is given ``MAIL_EXIT_WAIT_SECONDS`` to finish its queue; whatever is left
  stays pending in the outbox, where ``flask mail-retry`` (or the next process) sends it.
"""

import atexit
import os
import queue
import threading
import time

from flask import Flask, request_started, request_tearing_down

QUIET_SECONDS = 0.02
_lock = threading.Lock()
_sender = None


class _Sender:
    def __init__(self):
        self.pid = os.getpid()
        self.jobs: queue.Queue = queue.Queue()
        self.exit_wait = 0.0
        self.max_delay = 0.0
        # Requests in flight in this process, and when one last started or ended.
        self.activity = threading.Condition()
        self.busy = 0
        self.last_activity = 0.0
        self.hurry = False  # at exit: no more waiting for quiet
        self.thread = threading.Thread(target=self._run, name="festival-mail", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from festival.db import utcnow
        from festival.mail import delivery

        while True:
            app, message_ids, submitted_at = self.jobs.get()
            self._wait_for_quiet(submitted_at + self.max_delay)
            try:
                with app.app_context():
                    for message_id in message_ids:
                        try:
                            delivery.deliver(message_id, utcnow())
                        except Exception:  # recorded by deliver; the retry sends it later
                            app.logger.exception("Mail %s not sent; it will be retried", message_id)
            except Exception:  # never let one bad job end the thread of the whole process
                app.logger.exception("Mail thread failed on %s", message_ids)
            finally:
                self.jobs.task_done()

    def request_activity(self, change: int) -> None:
        with self.activity:
            self.busy = max(self.busy + change, 0)
            self.last_activity = time.monotonic()
            self.activity.notify_all()

    def _wait_for_quiet(self, deadline: float) -> None:
        with self.activity:
            while not self.hurry:
                now = time.monotonic()
                quiet_for = now - self.last_activity
                if now >= deadline or (self.busy == 0 and quiet_for >= QUIET_SECONDS):
                    return
                wait = deadline - now if self.busy else min(deadline - now, QUIET_SECONDS)
                self.activity.wait(wait)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every submitted message was handled; False if ``timeout`` ran out."""
        deadline = time.monotonic() + timeout
        with self.jobs.all_tasks_done:
            while self.jobs.unfinished_tasks:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.jobs.all_tasks_done.wait(left)
        return True


def _current() -> _Sender:
    global _sender
    with _lock:
        if _sender is None or _sender.pid != os.getpid():
            _sender = _Sender()
        return _sender


def submit(app: Flask, message_ids: list[int]) -> None:
    """Deliver these committed messages soon, on this process's mail thread."""
    sender = _current()
    sender.exit_wait = float(app.config["MAIL_EXIT_WAIT_SECONDS"])  # one app per process
    sender.max_delay = float(app.config["MAIL_MAX_DELAY_SECONDS"])
    sender.jobs.put((app, list(message_ids), time.monotonic()))


def _this_process_sender() -> _Sender | None:
    sender = _sender
    return sender if sender is not None and sender.pid == os.getpid() else None


def wait_idle(timeout: float) -> bool:
    """Wait for this process's mail thread to empty its queue (True at once if it has none)."""
    sender = _this_process_sender()
    return True if sender is None else sender.wait_idle(timeout)


def _request_started(app, **extra) -> None:
    sender = _this_process_sender()
    if sender is not None:
        sender.request_activity(+1)


def _request_ended(app, **extra) -> None:
    sender = _this_process_sender()
    if sender is not None:
        sender.request_activity(-1)


def _forget_after_fork() -> None:
    # The child has neither the thread nor, maybe, a usable lock (another thread may have held
    # it at the fork): start afresh.
    global _lock, _sender
    _lock = threading.Lock()
    _sender = None


def _drain_at_exit() -> None:
    sender = _this_process_sender()
    if sender is not None:
        with sender.activity:
            sender.hurry = True
            sender.activity.notify_all()
        sender.wait_idle(sender.exit_wait)


request_started.connect(_request_started, weak=False)
request_tearing_down.connect(_request_ended, weak=False)
os.register_at_fork(after_in_child=_forget_after_fork)
atexit.register(_drain_at_exit)
