"""Texts of the sign-in, account, user admin and audit pages (zh-CN first, then English)."""

from __future__ import annotations

ACCOUNT_MESSAGES: dict[str, dict[str, str]] = {
    "nav.account": {"zh-CN": "我的账号", "en": "My account"},
    "nav.users": {"zh-CN": "用户", "en": "Users"},
    "nav.audit": {"zh-CN": "操作日志", "en": "Audit log"},
    "nav.logout": {"zh-CN": "退出", "en": "Sign out"},
    "login.title": {"zh-CN": "登录", "en": "Sign in"},
    "login.username": {"zh-CN": "用户名", "en": "Username"},
    "login.password": {"zh-CN": "密码", "en": "Password"},
    "login.submit": {"zh-CN": "登录", "en": "Sign in"},
    "login.first_user": {
        "zh-CN": "还没有账号?管理员用 "
        "`kuajing user create --username U --role owner --password-stdin` 创建第一个。",
        "en": "No account yet? An administrator creates the first with "
        "`kuajing user create --username U --role owner --password-stdin`.",
    },
    "account.title": {"zh-CN": "我的账号", "en": "My account"},
    "account.role": {"zh-CN": "角色", "en": "Role"},
    "account.stores": {"zh-CN": "可见店铺", "en": "Stores"},
    "account.all_stores": {"zh-CN": "全部店铺", "en": "All stores"},
    "account.change_password": {"zh-CN": "修改密码", "en": "Change password"},
    "account.current_password": {"zh-CN": "当前密码", "en": "Current password"},
    "account.new_password": {"zh-CN": "新密码(至少 10 个字符)", "en": "New password (10 characters or more)"},
    "account.password_changed": {"zh-CN": "密码已修改", "en": "Password changed"},
    "account.save": {"zh-CN": "保存", "en": "Save"},
    "users.title": {"zh-CN": "用户与权限", "en": "Users and permissions"},
    "users.intro": {
        "zh-CN": "老板看全部店铺;其他人只看分配给他们的店铺(不分配 = 全部)。选品:选品台、生命周期;"
        "采购:订单、异常、SKU 映射、采购、索赔;客服:订单只读、退货;只读:仅查看。",
        "en": "Owners see every store; others see the stores given to them (none given = all). Buyers: "
        "sourcing, lifecycle; purchasers: orders, exceptions, SKU mapping, purchases, claims; customer "
        "service: orders (read), returns; viewers: read only.",
    },
    "users.create": {"zh-CN": "新建用户", "en": "New user"},
    "users.display_name": {"zh-CN": "显示名", "en": "Display name"},
    "users.active": {"zh-CN": "状态", "en": "Status"},
    "users.enabled": {"zh-CN": "启用", "en": "active"},
    "users.disabled": {"zh-CN": "已停用", "en": "disabled"},
    "users.locked": {"zh-CN": "锁定至", "en": "locked until"},
    "users.disable": {"zh-CN": "停用", "en": "Disable"},
    "users.enable": {"zh-CN": "启用", "en": "Enable"},
    "users.unlock": {"zh-CN": "解锁", "en": "Unlock"},
    "users.set_role": {"zh-CN": "设角色", "en": "Set role"},
    "users.set_stores": {"zh-CN": "设店铺", "en": "Set stores"},
    "users.reset_password": {"zh-CN": "重设密码", "en": "Reset password"},
    "users.saved": {"zh-CN": "已保存", "en": "Saved"},
    "role.owner": {"zh-CN": "老板/管理员", "en": "Owner"},
    "role.buyer": {"zh-CN": "选品", "en": "Buyer (sourcing)"},
    "role.purchaser": {"zh-CN": "采购", "en": "Purchaser"},
    "role.service": {"zh-CN": "客服/售后", "en": "Customer service"},
    "role.viewer": {"zh-CN": "只读", "en": "Viewer"},
    "audit.title": {"zh-CN": "操作日志", "en": "Audit log"},
    "audit.intro": {
        "zh-CN": "谁在何时改了什么:SKU 映射、异常处理与审批、合规、生命周期、用户。",
        "en": "Who changed what, when: SKU mapping, exception resolutions and approvals, compliance, "
        "lifecycle, users.",
    },
    "audit.at": {"zh-CN": "时间", "en": "When"},
    "audit.who": {"zh-CN": "操作人", "en": "Who"},
    "audit.action": {"zh-CN": "操作", "en": "Action"},
    "audit.object": {"zh-CN": "对象", "en": "Object"},
    "audit.before": {"zh-CN": "之前", "en": "Before"},
    "audit.after": {"zh-CN": "之后", "en": "After"},
    "audit.since": {"zh-CN": "从", "en": "From"},
    "audit.until": {"zh-CN": "到", "en": "To"},
    "audit.filter": {"zh-CN": "筛选", "en": "Filter"},
    "audit.export": {"zh-CN": "导出 xlsx", "en": "Export xlsx"},
    "audit.none": {"zh-CN": "没有记录", "en": "No entries"},
}

__all__ = ["ACCOUNT_MESSAGES"]
