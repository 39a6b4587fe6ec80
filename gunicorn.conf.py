"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Sync workers, one per core: measured here, threads only queue on SQLite's write lock (p99 of
registration rose from 13 ms to over 300 ms with gthread) and PDF rendering holds the GIL.
Every value can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import multiprocessing
import os

bind = os.environ.get("FESTIVAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("FESTIVAL_WORKERS", multiprocessing.cpu_count()))
worker_class = "sync"
# Door scans are short; anything slower than this is stuck, not busy.
timeout = 30
graceful_timeout = 20
keepalive = 5
# Bound slow memory growth (font caches, fragmentation) by recycling workers now and then.
# Not every few thousand requests: at a door peak of 600 scans/s each worker would restart
# every ~17 s, and a restart costs ~1.6 s of CPU (app creation 1.0 s + warm-up 0.6 s, measured
# here) during which the other worker serves alone.
max_requests = 50000
max_requests_jitter = 5000
accesslog = "-"
# The access log line leaves out query strings: manage links and search terms are personal.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FESTIVAL_FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker):
    """Report a crash in C code (Pango, fontconfig, libxml2 under WeasyPrint) with its Python
    traceback in the error log, instead of a bare "was sent SIGSEGV" (issue 7 §6)."""
    import faulthandler

    faulthandler.enable()


def post_worker_init(worker):
    """Warm each worker up before it takes requests: no visitor pays for a cold start."""
    from festival.warmup import warm_up

    warm_up(worker.wsgi)


def worker_exit(server, worker):
    """Close the worker's database connections before the interpreter tears down.

    Left to interpreter shutdown, sockets and C-library objects are freed in whatever order the
    garbage collector picks; closing the pool here makes the exit path short and predictable.
    """
    app = getattr(worker, "wsgi", None)
    if app is None:
        return
    from festival.extensions import db

    with app.app_context():
        db.engine.dispose()
    worker.log.info("Worker %s left cleanly", worker.pid)


# gunicorn 24+ opens a control socket at ~/.gunicorn/gunicorn.ctl, one path shared by every
# instance of the same user (two sites, tests in parallel): they would take over each other's.
control_socket_disable = True
