"""Account errors, each a ``KuajingError`` rendered as JSON (``/api``), a page or a CLI line."""

from __future__ import annotations

from datetime import datetime

from kuajing.kit.errors import KuajingError


class Unauthorized(KuajingError):
    code = "unauthorized"
    http_status = 401

    def __init__(self) -> None:
        super().__init__("sign in first (a session or an API token)", "请先登录(会话或 API 令牌)")


class Forbidden(KuajingError):
    code = "forbidden"
    http_status = 403

    def __init__(self, action: str, role: str) -> None:
        super().__init__(
            f"your role ({role}) may not do this ({action})",
            f"你的角色({role})无权进行此操作({action})",
            details={"action": action, "role": role},
        )


class CsrfRefused(KuajingError):
    code = "csrf_refused"
    http_status = 403

    def __init__(self) -> None:
        super().__init__(
            "the form's security token is missing or stale: reload the page and try again",
            "表单安全令牌缺失或已过期:请刷新页面后重试",
        )


class LoginRefused(KuajingError):
    """Unknown user, wrong password or a disabled account: one message, so names cannot be probed."""

    code = "login_refused"
    http_status = 401

    def __init__(self) -> None:
        super().__init__("wrong username or password", "用户名或密码错误")


class AccountLocked(KuajingError):
    code = "account_locked"
    http_status = 423

    def __init__(self, until: datetime) -> None:
        stamp = until.strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(
            f"too many failed sign-ins: locked until {stamp}",
            f"登录失败次数过多,账号锁定至 {stamp}",
            details={"locked_until": until.isoformat()},
        )


class AccountInvalid(KuajingError):
    """A bad username, a weak password, a duplicate name, an unknown role or user."""

    code = "account_invalid"
    http_status = 422


class NoUsers(KuajingError):
    code = "no_users"
    http_status = 500

    def __init__(self) -> None:
        super().__init__(
            "sign-in is on (KUAJING_AUTH_REQUIRED) and there is no user yet: create the first owner with "
            "`kuajing user create --username U --role owner --password-stdin`",
            "已开启登录(KUAJING_AUTH_REQUIRED),但还没有用户:请先运行 "
            "`kuajing user create --username U --role owner --password-stdin` 创建第一个管理员",
        )


__all__ = [
    "AccountInvalid",
    "AccountLocked",
    "CsrfRefused",
    "Forbidden",
    "LoginRefused",
    "NoUsers",
    "Unauthorized",
]
