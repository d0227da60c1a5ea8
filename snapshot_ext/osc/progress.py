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

"""A progress bar on standard error, only when it is a terminal."""

from typing import TextIO

#: Characters of the bar between the brackets.
WIDTH = 30


class Progress:
    """A callback for snapshot_ext's waits that draws a progress bar.

    Nothing is written unless ``stream`` is a terminal, so output piped
    or redirected to a file stays clean.

    :param stream: Where to draw (standard error).
    :param label: Text before the bar.
    """

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        isatty = getattr(stream, 'isatty', None)
        #: Whether anything is drawn.
        self.enabled = bool(isatty and isatty())
        self._drawn = False

    def __call__(self, percent: int) -> None:
        """Draw the bar at ``percent`` (0 to 100).

        :param percent: The overall progress.
        :returns: ``None``
        """
        if not self.enabled:
            return
        percent = max(0, min(100, int(percent)))
        filled = WIDTH * percent // 100
        bar = '#' * filled + '-' * (WIDTH - filled)
        self.stream.write(f'\r{self.label} [{bar}] {percent:3d}%')
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line, if one was drawn.

        :returns: ``None``
        """
        if self._drawn:
            self.stream.write('\n')
            self.stream.flush()
            self._drawn = False
