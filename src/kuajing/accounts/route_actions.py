"""Which action each web route needs: the permission table for routes, as data.

Every GET is ``read`` unless listed; every other method must be listed here — an unlisted one is
refused to everyone but an owner (a test checks that every mutating route of the app is listed, so a
new route cannot slip through unguarded). ``/exceptions/{verb}``: approving a held purchase needs
``purchase.approve``, the other verbs ``exception.resolve``.
"""

from __future__ import annotations

from kuajing.accounts.model import Action

ROUTE_ACTIONS: dict[tuple[str, str], Action] = {
    # orders, the exception queue, SKU mapping rules
    ("POST", "/exceptions/{verb}"): Action.EXCEPTION_RESOLVE,
    ("POST", "/api/exceptions/{verb}"): Action.EXCEPTION_RESOLVE,
    ("POST", "/rules"): Action.MAPPING_EDIT,
    ("POST", "/rules/preview"): Action.MAPPING_EDIT,
    ("POST", "/rules/import"): Action.MAPPING_EDIT,
    ("POST", "/api/rules"): Action.MAPPING_EDIT,
    # logistics: a quote changes nothing
    ("POST", "/api/logistics/quote"): Action.READ,
    # sourcing
    ("POST", "/lifecycle/move"): Action.LIFECYCLE_MOVE,
    ("POST", "/api/lifecycle/{offer_id}/move"): Action.LIFECYCLE_MOVE,
    ("POST", "/sourcing/screen"): Action.SOURCING_EDIT,
    ("POST", "/sourcing/move"): Action.SOURCING_EDIT,
    ("POST", "/sourcing/import/upload"): Action.OFFERS_IMPORT,
    ("POST", "/sourcing/import/{token}/confirm"): Action.OFFERS_IMPORT,
    ("POST", "/sourcing/import/fetch"): Action.OFFERS_IMPORT,
    # 售后
    ("POST", "/aftersales/returns"): Action.RETURNS_MANAGE,
    ("POST", "/aftersales/intake"): Action.RETURNS_MANAGE,
    ("POST", "/aftersales/cases/{case_id}/classify"): Action.RETURNS_MANAGE,
    ("POST", "/aftersales/claims/{claim_id}/evidence"): Action.CLAIMS_MANAGE,
    ("POST", "/aftersales/claims/{claim_id}/submit"): Action.CLAIMS_MANAGE,
    ("POST", "/aftersales/claims/{claim_id}/settle"): Action.CLAIMS_MANAGE,
    # 合规
    ("POST", "/compliance/hs/opinions"): Action.COMPLIANCE_EDIT,
    ("POST", "/compliance/epr"): Action.COMPLIANCE_EDIT,
    ("POST", "/compliance/epr/{registration_id}"): Action.COMPLIANCE_EDIT,
    ("POST", "/compliance/epr/{registration_id}/delete"): Action.COMPLIANCE_EDIT,
    ("POST", "/compliance/qc"): Action.COMPLIANCE_EDIT,
    ("POST", "/compliance/qc/{document_id}/delete"): Action.COMPLIANCE_EDIT,
    ("POST", "/compliance/recheck"): Action.COMPLIANCE_EDIT,
    ("POST", "/compliance/listings"): Action.COMPLIANCE_EDIT,
    ("POST", "/compliance/listings/import"): Action.COMPLIANCE_EDIT,
    ("POST", "/compliance/listings/{listing_id}/markets"): Action.COMPLIANCE_EDIT,
    ("POST", "/compliance/listings/{listing_id}/delete"): Action.COMPLIANCE_EDIT,
    ("POST", "/compliance/check/confirm"): Action.COMPLIANCE_EDIT,
    ("POST", "/api/compliance/check-text"): Action.READ,
    # accounts (accounts.routes)
    ("POST", "/logout"): Action.READ,
    ("POST", "/api/auth/logout"): Action.READ,
    ("POST", "/account/password"): Action.READ,
    ("GET", "/admin/users"): Action.USERS_MANAGE,
    ("POST", "/admin/users"): Action.USERS_MANAGE,
    ("POST", "/admin/users/{user_id}"): Action.USERS_MANAGE,
    ("GET", "/audit"): Action.AUDIT_READ,
    ("GET", "/audit.xlsx"): Action.AUDIT_READ,
    ("GET", "/api/audit"): Action.AUDIT_READ,
}

# The 1688 push receiver is verified by its own signature (fulfilment.push), not by a user.
PUBLIC_PATHS = frozenset({"/login", "/api/health", "/api/auth/login", "/hooks/1688"})
PUBLIC_PREFIXES = ("/static/",)
VERB_ACTIONS = {"approve": Action.PURCHASE_APPROVE}
VERB_ROUTES = frozenset({"/exceptions/{verb}", "/api/exceptions/{verb}"})


def action_for(method: str, template: str | None, path_params: dict[str, str]) -> Action:
    method = "GET" if method == "HEAD" else method
    if template is not None:
        if template in VERB_ROUTES and path_params.get("verb") in VERB_ACTIONS:
            return VERB_ACTIONS[path_params["verb"]]
        listed = ROUTE_ACTIONS.get((method, template))
        if listed is not None:
            return listed
    return Action.READ if method == "GET" else Action.USERS_MANAGE


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


__all__ = ["PUBLIC_PATHS", "ROUTE_ACTIONS", "action_for", "is_public"]
