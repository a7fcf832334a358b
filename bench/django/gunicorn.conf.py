# gunicorn's settings for the bench's Django shop (bench/README.md, "The seeds' Django stack").
# The bench passes the address (DJBENCH_BIND, port 0: any free port, read back from the
# "Listening at" line) and, for a trial, DJBENCH_WORKERS, DJBENCH_THREADS and
# DJBENCH_WORKER_CLASS from its own environment.
import os

bind = os.environ.get("DJBENCH_BIND", "127.0.0.1:8000")
wsgi_app = "shop.wsgi:application"
# Two processes for the two cores, each with threads to wait on QQ: a sync worker holds
# its process for the whole QQ round trip (two calls), so 2 sync workers serve only 2
# logins at a time. gunicorn's rule of thumb, (2 × cores) + 1 sync workers, still serves
# only 5.
workers = int(os.environ.get("DJBENCH_WORKERS") or 2)
worker_class = os.environ.get("DJBENCH_WORKER_CLASS") or "gthread"
threads = int(os.environ.get("DJBENCH_THREADS") or 8)
keepalive = 5
# The application loads in the master, before the fork, as a production config would do
# to start faster and share memory.
preload_app = True
# No access log (gunicorn's default), errors and startup lines to stderr, nothing on disk.
accesslog = None
errorlog = "-"
loglevel = "info"
