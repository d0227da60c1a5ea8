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

"""The ``location`` of resources, computed once per connection and token.

openstacksdk computes a location (cloud, region, project, zone) from the
connection's configuration and the token's project for every object it
builds, which also checks the token's expiry.  :class:`Locations` keeps,
per connection and token, the location of the token's project and of
each other project seen; the objects of one project share one location
object, as they share the cloud, region and project it describes.  This
module depends on nothing of snapshot_ext.
"""

from __future__ import annotations

import threading
from typing import Any
import weakref

#: Locations kept per connection or listing (by project and zone), at most.
MAX_LOCATIONS = 1024


def _auth_ref(conn: Any) -> Any:
    auth = getattr(getattr(conn, 'session', None), 'auth', None)
    return getattr(auth, 'auth_ref', None)


class Locations:
    """The ``location`` values of one connection, made once per token.

    openstacksdk computes a location (cloud, region, project, zone) from
    the connection's configuration and the token's project for every
    object.  Here openstacksdk's own methods compute it once per token,
    project and zone, and the same object is handed to every resource of
    that project.  Without a token (or with an authentication plugin that
    keeps none) nothing is kept.
    """

    def __init__(self) -> None:
        self._ref: Any = None
        self._current: Any = None
        self._by_project: dict[tuple[Any, Any], Any] = {}

    def current(self, conn: Any) -> Any:
        """``conn.current_location``.

        :param conn: The connection.
        :returns: The location of the token's project.
        """
        ref = _auth_ref(conn)
        if ref is not None and ref is self._ref:
            return self._current
        current = conn.current_location
        self._by_project = {}
        self._current = current
        # Computing it may have fetched a token.
        self._ref = _auth_ref(conn)
        return current

    def get(self, conn: Any, **kwargs: Any) -> Any:
        """``conn._get_current_location(**kwargs)``.

        :param conn: The connection.
        :param kwargs: ``project_id`` and/or ``zone``.
        :returns: The location; the current one when they are equal.
        """
        current = self.current(conn)
        if self._ref is None:
            return conn._get_current_location(**kwargs)
        key = (kwargs.get('project_id'), kwargs.get('zone'))
        try:
            return self._by_project[key]
        except KeyError:
            pass
        except TypeError:
            return conn._get_current_location(**kwargs)
        location = conn._get_current_location(**kwargs)
        if location == current:
            location = current
        if len(self._by_project) < MAX_LOCATIONS:
            self._by_project[key] = location
        return location


_locations: weakref.WeakKeyDictionary[Any, Locations] = (
    weakref.WeakKeyDictionary()
)
_locations_lock = threading.Lock()


def locations(conn: Any) -> Locations:
    """Return the :class:`Locations` of a connection.

    :param conn: The connection.
    :returns: Its locations, made on first use and dropped with it.
    """
    try:
        return _locations[conn]
    except KeyError:
        pass
    with _locations_lock:
        found = _locations.get(conn)
        if found is None:
            found = _locations[conn] = Locations()
        return found
