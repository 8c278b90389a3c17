# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sphinx configuration of the offline documentation site of rockitplay.edge (built by hacking/build_docs.py).

The site is built without network access: there is no intersphinx, so references into the Ansible
documentation that the generated module pages carry stay unresolved (reported, not fatal).
"""

project = 'rockitplay.edge'
copyright = 'ROCKITPLAY'  # pylint: disable=redefined-builtin
title = 'rockitplay.edge documentation'
html_short_title = 'rockitplay.edge'
html_title = 'rockitplay.edge documentation'

extensions = ['sphinx_antsibull_ext', 'myst_parser']

source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
root_doc = 'index'
exclude_patterns = []

pygments_style = 'ansible'
highlight_language = 'YAML+Jinja'

html_theme = 'sphinx_ansible_theme'
html_theme_options = {
    'topbar_links': {
        'Repository': 'https://github.com/rockitplay/ansible-collection-edge',
        'Issues': 'https://github.com/rockitplay/ansible-collection-edge/issues',
        'Galaxy': 'https://galaxy.ansible.com/ui/repo/published/rockitplay/edge/',
    },
    'documentation_home_url': 'https://github.com/rockitplay/ansible-collection-edge',
}
html_show_sphinx = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False
display_version = False

# Offline: nothing is fetched.
intersphinx_mapping = {}

myst_heading_anchors = 3
myst_enable_extensions = ['colon_fence']

default_role = 'any'
nitpicky = False
suppress_warnings = ['misc.highlighting_failure']  # example bodies with '...' placeholders are not strict JSON
