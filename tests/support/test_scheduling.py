"""pytest-xdist scheduling for ``make test``: each test its own unit of work, but named groups on one worker.

pytest-xdist 3.8's ``--dist loadgroup`` groups by appending the group to ``item._nodeid``, which pytest 9 no longer
reads (``nodeid`` comes from ``item._id``), so its groups spread over every worker; this scheduler groups by
module path instead.
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling


class GroupsOnOneWorker(LoadScopeScheduling):  # type: ignore[misc]
    """Load-scope scheduling whose scope is the group of a test's module (``groups`` maps a module path, or a
    directory ending in ``/``, to a group name), and the test itself for a module in no group."""

    def __init__(self, config: object, log: object, groups: dict[str, str]):
        super().__init__(config, log)
        self.groups = groups

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        for prefix, group in self.groups.items():
            if module == prefix or (prefix.endswith("/") and module.startswith(prefix)):
                return f"group:{group}"
        return nodeid
