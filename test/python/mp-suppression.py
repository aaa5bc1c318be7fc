# RUN: not %check --checks=-mp-pool-not-joined %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# Python's suppression comments: noqa with our codes or none, NOLINT(...), NOLINTNEXTLINE(...);
# another tool's noqa code or a '# noqa' inside a string silences nothing.
from multiprocessing import Pool

a = Pool()  # noqa: mp-unguarded-spawn
b = Pool()  # noqa
c = Pool()  # NOLINT(mp-unguarded-spawn)
# NOLINTNEXTLINE(mp-*)
d = Pool()
e = Pool()  # NOLINT(mp-unpicklable-task)
# CHECK: mp-suppression.py:[[@LINE-1]]:5: warning: Pool created
f = Pool()  # noqa: E501
# CHECK: mp-suppression.py:[[@LINE-1]]:5: warning: Pool created
g = (Pool(), "# noqa")
# CHECK: mp-suppression.py:[[@LINE-1]]:6: warning: Pool created
