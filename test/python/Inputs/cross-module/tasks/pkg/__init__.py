# Re-exported: `from pkg import closure` is pkg.tasks.closure.
from .tasks import closure
