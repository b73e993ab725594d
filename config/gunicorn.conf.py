"""gunicorn's settings for `chibo serve` (passed with -c; flags on the command line win).

gunicorn writes a `Server: gunicorn` header on every response and has no setting to leave it
out; chibo tells nobody what serves it, so the header is dropped here, in the master before the
workers fork. nginx in front adds its own unless `server_tokens off` and `proxy_hide_header`.
"""

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server(self):
    return [h for h in _default_headers(self) if not h.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server
