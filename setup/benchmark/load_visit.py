"""A rep's visit, as the web client makes it (see load.py)."""

import time
from datetime import date

import requests

PASSWORD = "bench-load"


class Rep:
    def __init__(self, url, db, login, specs):
        self.url = url
        self.db = db
        self.session = requests.Session()
        self.specs = specs
        self.timings = []  # (label, screen, seconds, ok)
        self.rpc_id = 0
        result = self._rpc(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": PASSWORD},
            label=None,
        )
        self.uid = result["uid"]
        self.context = {
            "lang": "en_US",
            "tz": "UTC",
            "uid": self.uid,
            "allowed_company_ids": [result["user_companies"]["current_company"]],
        }

    def _rpc(self, path, params, label, screen=None):
        self.rpc_id += 1
        start = time.perf_counter()
        ok = False
        result = None
        try:
            response = self.session.post(
                self.url + path,
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": self.rpc_id,
                    "params": params,
                },
                timeout=120,
            )
            if response.status_code == 200:
                body = response.json()
                ok = "error" not in body
                result = body.get("result")
        except requests.RequestException:
            pass
        if label:
            self.timings.append((label, screen, time.perf_counter() - start, ok))
        if label is None and not ok:
            raise RuntimeError(f"{path} failed")
        return result

    def _get(self, path, label, screen):
        start = time.perf_counter()
        ok = False
        try:
            ok = self.session.get(self.url + path, timeout=120).status_code == 200
        except requests.RequestException:
            pass
        self.timings.append((label, screen, time.perf_counter() - start, ok))

    def _kw(self, model, method, args, kwargs, label, screen):
        kwargs = {"context": dict(self.context), **kwargs}
        return self._rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
            label,
            screen,
        )

    def _views(self, model, action, label, screen):
        views = [
            [view_id or False, view_type]
            for view_id, view_type in (action or {}).get("views", [])
        ]
        if action and action.get("search_view_id"):
            views.append([action["search_view_id"][0], "search"])
        else:
            views.append([False, "search"])
        options = {
            "action_id": (action or {}).get("id"),
            "embedded_action_id": False,
            "embedded_parent_res_id": False,
            "load_filters": True,
            "toolbar": True,
            "mobile": True,
        }
        return self._kw(
            model, "get_views", [], {"views": views, "options": options}, label, screen
        )

    def visit(self):
        context = {"context": self.context}
        # 1. My Performance, a fresh page load.
        screen = "home"
        start = time.perf_counter()
        self._get("/odoo/my-performance", "page", screen)
        home = self._rpc(
            "/web/action/load",
            {"action_id": "my-performance", **context},
            "action/load",
            screen,
        )
        self._rpc(
            "/mail/data",
            {
                "init_messaging": {},
                "failures": True,
                "systray_get_activities": True,
                **context,
            },
            "mail/data",
            screen,
        )
        action = self._rpc(
            "/web/action/run",
            {"action_id": (home or {}).get("id"), **context},
            "action/run",
            screen,
        )
        action = action if isinstance(action, dict) else {}
        model = action.get("res_model", "performance.home")
        self._views(model, action, "home/get_views", screen)
        self._kw(
            model,
            "web_read",
            [[action.get("res_id", self.uid)]],
            {"specification": self.specs["home"]},
            "home/web_read",
            screen,
        )
        self.timings.append(("screen", screen, time.perf_counter() - start, True))
        # 2. Targets.
        screen = "targets"
        start = time.perf_counter()
        action = self._rpc(
            "/web/action/load",
            {"action_id": "sales_performance.action_performance_target", **context},
            "action/load",
            screen,
        )
        self._views(
            "performance.target", action, "performance.target/get_views", screen
        )
        today = date.today().isoformat()
        self._kw(
            "performance.target",
            "web_search_read",
            [],
            {
                "specification": self.specs["targets"],
                "offset": 0,
                "order": "",
                "limit": 80,
                "count_limit": 10001,
                "domain": [
                    "&",
                    ["period_id.date_start", "<=", today],
                    ["period_id.date_end", ">=", today],
                ],
            },
            "performance.target/web_search_read",
            screen,
        )
        self.timings.append(("screen", screen, time.perf_counter() - start, True))
        # 3. Statements.
        screen = "statements"
        start = time.perf_counter()
        action = self._rpc(
            "/web/action/load",
            {
                "action_id": "sales_performance_incentive.action_incentive_statement",
                **context,
            },
            "action/load",
            screen,
        )
        self._views(
            "incentive.statement", action, "incentive.statement/get_views", screen
        )
        found = self._kw(
            "incentive.statement",
            "web_search_read",
            [],
            {
                "specification": self.specs["statements"],
                "offset": 0,
                "order": "",
                "limit": 80,
                "count_limit": 10001,
                "domain": [["user_id", "=", self.uid]],
            },
            "incentive.statement/web_search_read",
            screen,
        )
        self.timings.append(("screen", screen, time.perf_counter() - start, True))
        records = (found or {}).get("records") or []
        if not records:
            return
        # 4. The latest statement.
        screen = "statement"
        start = time.perf_counter()
        statement = records[0]["id"]
        self._kw(
            "incentive.statement",
            "web_read",
            [[statement]],
            {"specification": self.specs["statement"]},
            "incentive.statement/web_read",
            screen,
        )
        self._rpc(
            "/mail/thread/data",
            {
                "request_list": [
                    "activities",
                    "attachments",
                    "followers",
                    "scheduledMessages",
                    "suggestedRecipients",
                ],
                "thread_id": statement,
                "thread_model": "incentive.statement",
            },
            "mail/thread/data",
            screen,
        )
        self._rpc(
            "/mail/thread/messages",
            {
                "thread_id": statement,
                "limit": 30,
                "thread_model": "incentive.statement",
            },
            "mail/thread/messages",
            screen,
        )
        self.timings.append(("screen", screen, time.perf_counter() - start, True))
