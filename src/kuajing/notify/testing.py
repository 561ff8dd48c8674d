"""A local robot receiver for tests and demos: DingTalk, Feishu and WeCom webhooks on 127.0.0.1.

It checks each request as the platform does — the access token or key, the timestamp within an hour
and the HMAC recomputed here from the platform's documentation (not with ``signing.py``, so a
mistake there cannot verify itself) — and answers the platform's success or error JSON.
``fail_first`` answers that many requests with HTTP 500 first, to exercise retries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ONE_HOUR_MS = 3_600_000


@dataclass
class RobotReceiver:
    secret: str = "SECtest-secret"
    token: str = "robot-token"  # DingTalk access_token, WeCom key, Feishu hook id
    fail_first: int = 0
    accepted: list[dict[str, Any]] = field(default_factory=list)  # {"platform": …, "body": …}
    requests: int = 0

    def __post_init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, platform: str) -> str:
        return {
            "dingtalk": f"{self.base_url}/robot/send?access_token={self.token}",
            "feishu": f"{self.base_url}/open-apis/bot/v2/hook/{self.token}",
            "wecom": f"{self.base_url}/cgi-bin/webhook/send?key={self.token}",
        }[platform]

    def __enter__(self) -> RobotReceiver:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests += 1
            if self.requests <= self.fail_first:
                return 500, {"error": "internal error"}
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/robot/send":
            status, reply = 200, self._dingtalk(query)
        elif parts.path.startswith("/open-apis/bot/v2/hook/"):
            status, reply = 200, self._feishu(parts.path.rsplit("/", 1)[1], body)
        elif parts.path == "/cgi-bin/webhook/send":
            ok = query.get("key") == self.token
            status, reply = (
                200,
                {"errcode": 0, "errmsg": "ok"} if ok else {"errcode": 93000, "errmsg": "invalid webhook url"},
            )
        else:
            return 404, {"error": "not found"}
        if reply.get("errcode", reply.get("code")) == 0:
            platform = {"/robot/send": "dingtalk", "/cgi-bin/webhook/send": "wecom"}.get(parts.path, "feishu")
            with self._lock:
                self.accepted.append({"platform": platform, "body": body})
        return status, reply

    def _dingtalk(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("access_token") != self.token:
            return {"errcode": 300001, "errmsg": "token is not exist"}
        timestamp, sign = query.get("timestamp", ""), query.get("sign", "")
        if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > ONE_HOUR_MS:
            return {"errcode": 310000, "errmsg": "timestamp is not within one hour"}
        key = self.secret.encode()
        expected = base64.b64encode(
            hmac.new(key, f"{timestamp}\n{self.secret}".encode(), hashlib.sha256).digest()
        )
        if not hmac.compare_digest(expected.decode(), sign):
            return {
                "errcode": 310000,
                "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]",
            }
        return {"errcode": 0, "errmsg": "ok"}

    def _feishu(self, hook: str, body: dict[str, Any]) -> dict[str, Any]:
        if hook != self.token:
            return {"code": 19001, "msg": "param invalid: incoming webhook access token invalid"}
        timestamp, sign = str(body.get("timestamp", "")), str(body.get("sign", ""))
        fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) <= ONE_HOUR_MS / 1000
        key = f"{timestamp}\n{self.secret}".encode()
        expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        if not fresh or not hmac.compare_digest(expected, sign):
            return {
                "code": 19021,
                "msg": "sign match fail or timestamp is not within one hour from current time",
            }
        return {"code": 0, "msg": "success", "data": {}}


def _handler(receiver: RobotReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                body = {}
            status, reply = receiver.answer(self.path, body)
            data = json.dumps(reply, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler
