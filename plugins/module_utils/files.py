# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files the collection writes (API keys, exports, reports): replaced atomically, never seen half-written."""

import os
import tempfile


def replace_atomically(path, text, mode):
    """Write ``text`` to a temporary file beside ``path`` (with ``mode``), flush it to disk, then rename it over ``path``.

    A reader sees the old file or the new one, never a part; the temporary file is removed when anything fails.
    """
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, 'w') as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
