"""Collection metadata: every module is in the action group, has its fast path, and versions agree."""
import os

import yaml

from ansible_collections.rockitplay.edge.plugins.module_utils.client import COLLECTION_VERSION

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _names(folder):
    path = os.path.join(ROOT, 'plugins', folder)
    return sorted(f[:-3] for f in os.listdir(path) if f.endswith('.py') and not f.startswith('_'))


def _runtime():
    with open(os.path.join(ROOT, 'meta', 'runtime.yml')) as handle:
        return yaml.safe_load(handle)


def test_every_module_is_in_the_rockit_action_group():
    group = _runtime()['action_groups']['rockit']
    assert sorted(group) == _names('modules'), 'meta/runtime.yml action_groups.rockit must list every module'


def test_every_module_has_a_fast_path_action_plugin():
    assert _names('action') == _names('modules')


def test_versions_agree():
    with open(os.path.join(ROOT, 'galaxy.yml')) as handle:
        galaxy = yaml.safe_load(handle)
    assert galaxy['version'] == COLLECTION_VERSION
    assert galaxy['namespace'] == 'rockitplay' and galaxy['name'] == 'edge'
