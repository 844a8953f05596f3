# The shape of each package's client.py, which a template renders (one method per
# operation, on these bases): what the fixed modules may rely on, for type checking
# them here. Not copied into packages.
from ._base import AsyncBase, SyncBase

class Client(SyncBase): ...
class AsyncClient(AsyncBase): ...
