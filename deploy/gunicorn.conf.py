"""gunicorn settings for Tawsim (`make serve`, `make run`, deploy/tawsim-web.service).

Pre-fork sync workers: each process serves one request at a time with one database
connection of its own, so persistent connections are safe here (see CONN_MAX_AGE in
tawsim/settings.py) and a burst queues in the listen backlog instead of opening a
connection per request. The app is loaded once in the master before forking
(preload_app): the workers share its memory, and a settings error stops the start at
once with its message instead of in every worker.
"""
import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tawsim.settings")
# One connection per worker process, kept for ten minutes and checked before reuse.
os.environ.setdefault("CONN_MAX_AGE", "600")

wsgi_app = "tawsim.wsgi:application"
bind = os.environ.get("BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))  # a large export or import upload may take a while
graceful_timeout = 30
# The app logs one line per request itself (tawsim.middleware.RequestLogMiddleware).
accesslog = None
errorlog = "-"
# Behind the reverse proxy on the same host (deploy/nginx.conf); set FORWARDED_ALLOW_IPS
# to the proxy's address when it runs elsewhere.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No runtime control socket: its default path is one per user, which several servers on
# one machine would share; signals (systemd, tawsim.serve) control the server.
control_socket_disable = True


def pre_fork(server, worker):
    # No connection opened while loading the app may be shared by the workers.
    from django.db import connections

    connections.close_all()
    # Objects made while loading stay where they are: the workers' collections do not
    # touch (and so copy) the pages they share with the master.
    gc.freeze()
