"""Putting the web application on the API's FastAPI app: its pages, its static files and
its configuration. The runtime calls ``install_web`` after ``api.app.create_app``, so both
faces share one process, one service layer and the same middleware."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.guards import allow_upload
from web.config import WebConfig
from web.routes import (
    appraisal,
    audit,
    dashboard,
    exports,
    extensions,
    home,
    login,
    organisation,
    penilaian,
    periods,
    team,
    tindak_lanjut,
    units,
    wawancara,
)
from web.routes.login import oidc_app
from web.templating import STATIC


def install_web(app: FastAPI, config: WebConfig) -> FastAPI:
    app.state.web = config
    app.state.web_oidc = oidc_app(config.oidc) if config.oidc is not None else None
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    pages = (appraisal, wawancara, penilaian, tindak_lanjut)
    for router in (
        login.router,
        home.router,
        *(page.router for page in pages),
        team.router,
        units.router,
        periods.router,
        organisation.router,
        extensions.router,
        audit.router,
        exports.router,
        dashboard.router,
    ):
        app.include_router(router)
    limits = app.state.context.roster_limits
    allow_upload(app, organisation.IMPORT_PATH, limits.max_file_bytes)
    return app
