"""Helpers shared by the ROCKIT Edge emulator tests (imported by conftest.py and the test modules)."""

ORG = "ExampleOrg"
ADMIN = "adminPrincipal"
API_KEY = "rockit-demo-api-key"
PASSWORD = "rockit-demo-password"
ADMIN_TOKEN = "emulator-admin-token"
START = "2025-06-01T00:00:00Z"
START_EPOCH = 1748736000
ADMIN_HEADERS = {"Accept": "application/json", "x-rockit-orgname": ORG, "x-rockit-username": ADMIN,
                 "x-rockit-api-key": API_KEY}
ADMIN_TOKEN_HEADERS = {"Accept": "application/json", "x-rockit-admin-token": ADMIN_TOKEN}


class Api:
    """The Flask test client with the admin API key headers by default."""

    def __init__(self, app) -> None:
        self.app = app
        self.client = app.test_client()
        self.headers = dict(ADMIN_HEADERS)

    @property
    def state(self):
        """The emulator state behind the app."""
        return self.app.extensions["edge_emulator"]["state"]

    def call(self, method: str, path: str, json=None, headers=None, query=None, auth=True, data=None):
        """One request; ``headers`` are added to (or, with auth=False, replace) the admin headers."""
        sent = dict(self.headers) if auth else {"Accept": "application/json"}
        sent.update(headers or {})
        sent = {key: value for key, value in sent.items() if value is not None}
        return self.client.open(path, method=method, json=json, headers=sent, query_string=query, data=data)

    def get(self, path, **kwargs):
        """GET."""
        return self.call("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        """POST."""
        return self.call("POST", path, json=json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        """PATCH."""
        return self.call("PATCH", path, json=json, **kwargs)

    def delete(self, path, **kwargs):
        """DELETE."""
        return self.call("DELETE", path, **kwargs)

    def ok(self, method: str, path: str, **kwargs) -> dict:
        """A request that must succeed; returns the JSON body."""
        response = self.call(method, path, **kwargs)
        assert response.status_code == 200, (method, path, response.status_code, response.get_json())
        body = response.get_json()
        assert body["status"] == "success"
        return body

    def advance(self, seconds: float) -> dict:
        """Move the emulator clock forward."""
        response = self.client.post("/_emulator/clock", json={"advance": seconds})
        assert response.status_code == 200
        return response.get_json()

    def machine_user(self, name: str, roles: list, **permissions) -> dict:
        """A role with the given permissions plus a machine user holding it; returns its API key headers."""
        if permissions:
            self.ok("POST", "/be/v1/roles", json={"name": roles[0], "permissions": permissions})
        key = self.ok("POST", "/be/v1/users", json={"username": name, "label": name, "roles": roles})["apiKey"]
        return {"x-rockit-username": name, "x-rockit-api-key": key}


def error_of(response, status: int, error: str) -> dict:
    """Assert an API error answer and return its body."""
    body = response.get_json()
    assert response.status_code == status, body
    assert body["status"] == "failed" and body["error"] == error, body
    return body
