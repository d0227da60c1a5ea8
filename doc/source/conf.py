# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Sphinx configuration for snapshot_ext's documentation."""

import os
import sys

sys.path.insert(0, os.path.abspath('../..'))

project = 'snapshot_ext'
copyright = 'snapshot_ext developers'
extensions = [
    'sphinx.ext.autodoc',
    'sphinx.ext.intersphinx',
    'sphinx.ext.viewcode',
]
autodoc_default_options = {
    'members': True,
    'show-inheritance': True,
}
autodoc_typehints = 'description'
autodoc_member_order = 'bysource'
# openstacksdk's own docstrings are not all valid reStructuredText; only
# this project's members are documented.
autodoc_inherit_docstrings = False
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}
nitpicky = False
suppress_warnings = ['ref.python']
html_theme = 'alabaster'
master_doc = 'index'
exclude_patterns: list[str] = []
