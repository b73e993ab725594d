"""The Swagger UI page, served with ninja's own bundled assets: nothing loads from a CDN.

ninja renders its local template only when "ninja" is in INSTALLED_APPS and otherwise
falls back to a page that loads Swagger UI from a CDN. chibo keeps member data on the
committee's own server, so this page renders its own template and serves the few asset
files from ninja's package through a fixed list.
"""

from pathlib import Path

import ninja
from django.http import FileResponse, Http404
from django.shortcuts import render
from ninja.openapi.docs import Swagger

ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.png": "image/png",
}


class LocalSwagger(Swagger):
    # validatorUrl: Swagger UI would otherwise fetch a badge from validator.swagger.io.
    default_settings = {**Swagger.default_settings, "validatorUrl": None}

    def render_page(self, request, api, **kwargs):
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": settings})


def docs_asset(request, name: str):
    """One of ninja's Swagger UI files, by name from a fixed list; anything else is 404."""
    if name not in ASSETS:
        raise Http404
    response = FileResponse((ASSET_DIR / name).open("rb"), content_type=ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response
