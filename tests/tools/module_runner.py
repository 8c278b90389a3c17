"""Run a module's main() in-process for unit tests, on a scripted HTTP transport, and return its result."""
import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.rockitplay.edge.plugins.module_utils import client as client_mod

CONN = dict(edge_url='http://edge.test', edge_org='ExampleOrg', edge_username='adminPrincipal', edge_api_key='k-secret-123')


class Exit(Exception):
    pass


def run_module(module, fake, monkeypatch, sleeps=None, check_mode=False, diff=True, **args):
    """Run ``module.main()`` with these options (and CONN) on ``fake``, recording sleeps; return its result (or failure)."""
    original = client_mod.EdgeClient.__init__
    sleeps = [] if sleeps is None else sleeps

    def init(self, *a, **kw):
        original(self, *a, **kw)
        self.session.mount('http://', fake)
        self.sleep = sleeps.append

    monkeypatch.setattr(client_mod.EdgeClient, '__init__', init)
    results = []

    def leave(failed):
        def handler(self, **kwargs):
            if failed:
                kwargs['failed'] = True
            results.append(kwargs)
            raise Exit()
        return handler

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', leave(False))
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', leave(True))
    with patch_module_args(dict(CONN, _ansible_check_mode=check_mode, _ansible_diff=diff, **args)):
        with pytest.raises(Exit):
            module.main()
    return results[0]
