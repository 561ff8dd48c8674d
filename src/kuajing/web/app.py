"""App factory: settings → database → routes; one handler renders every KuajingError."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from kuajing import __version__
from kuajing.config import Settings, get_settings
from kuajing.db.engine import make_engine, make_session_factory
from kuajing.kit.errors import KuajingError
from kuajing.kit.i18n import normalise, translate
from kuajing.kit.redaction import install as install_log_redaction
from kuajing.web.openapi_tags import tag_routes

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
LANGUAGE_COOKIE = "kj_lang"


def request_language(request: Request) -> str:
    return normalise(request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE))


def price_text(value: Any) -> str:
    """A stored amount (NUMERIC with six places) as people read it: at least the cent, sub-fen kept
    (1688 tiers like ¥0.035): 56.480000 → 56.48, 0.035000 → 0.035."""
    if value is None:
        return "–"
    amount = Decimal(str(value)).normalize()
    return f"{amount:.2f}" if -amount.as_tuple().exponent <= 2 else f"{amount:f}"  # type: ignore[operator]


def rate_text(value: Any) -> str:
    """A rate (0.917) as a percentage to one place ("91.7%"); "—" when there is none."""
    return "—" if value is None else f"{value:.1%}"


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.filters["price"] = price_text
    templates.env.globals["percent"] = rate_text  # pages may pass their own ``percent`` instead
    from kuajing.accounts import template_access

    template_access.install(templates.env)  # can_post(url), can_open(url): hide what would be a 403
    return templates


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    language = request_language(request)
    templates: Jinja2Templates = request.app.state.templates
    full = {
        "lang": language,
        "tz": ZoneInfo(request.app.state.settings.timezone),
        "other_lang": "en" if language == "zh-CN" else "zh-CN",
        "t": lambda key, **values: translate(key, language, **values),
        "version": __version__,
        "me": getattr(request.state, "principal", None),  # accounts.web: who is signed in
    }
    full.update(context)
    response = templates.TemplateResponse(request, name, full, status_code=status_code)
    if "lang" in request.query_params:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax")
    return response


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    install_log_redaction(settings)  # secret values and token parameters never reach a log line
    app = FastAPI(
        title="kuajing 跨境", version=__version__, docs_url="/api/docs", openapi_url="/api/openapi.json"
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.session_factory = make_session_factory(app.state.engine)
    app.state.templates = make_templates()
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    from kuajing.accounts.web import SignInMiddleware

    app.add_middleware(SignInMiddleware)  # every request: session or token, CSRF, the role's permission

    @app.exception_handler(KuajingError)
    async def handle_kuajing_error(request: Request, error: KuajingError) -> Response:
        if request.url.path.startswith("/api"):
            return JSONResponse(error.to_dict(), status_code=error.http_status)
        return render(request, "error.html", {"error": error}, status_code=error.http_status)

    @app.get("/api/health", tags=["system"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    from kuajing.fulfilment import routes as fulfilment_routes
    from kuajing.logistics import routes as logistics_routes
    from kuajing.orders import routes as order_routes
    from kuajing.orders import rule_routes
    from kuajing.sourcing import supplier_routes
    from kuajing.web import pages

    app.include_router(pages.router)
    app.include_router(fulfilment_routes.router)
    app.include_router(order_routes.router)
    app.include_router(rule_routes.router)
    app.include_router(logistics_routes.router)
    app.include_router(supplier_routes.router)
    from kuajing.sourcing import lifecycle_routes

    app.include_router(lifecycle_routes.router)
    from kuajing.sourcing import workbench_routes

    app.include_router(workbench_routes.router)
    from kuajing.sourcing import import_routes

    app.include_router(import_routes.router)
    from kuajing.fulfilment import sla_routes

    app.include_router(sla_routes.router)
    from kuajing.reports import routes as report_routes

    app.include_router(report_routes.router)
    from kuajing.aftersales import routes as aftersales_routes

    app.include_router(aftersales_routes.router)
    from kuajing.compliance import pack_routes as compliance_pack_routes

    app.include_router(compliance_pack_routes.router)
    from kuajing.compliance import routes as compliance_routes

    app.include_router(compliance_routes.router)
    from kuajing.compliance import check_routes

    app.include_router(check_routes.router)
    from kuajing.accounts import admin_routes as account_admin_routes
    from kuajing.accounts import routes as account_routes

    app.include_router(account_routes.router)
    app.include_router(account_admin_routes.router)
    tag_routes(app)  # last: every route, whoever included it, in its context's OpenAPI tag
    return app
