"""chunkhouse: store and query multimodal recordings (Rerun .rrd files).

The API mirrors Rerun's: code written for `import rerun as rr` runs with
`import chunkhouse as rr` for the parts chunkhouse implements.
"""

import pyarrow as _pyarrow  # noqa: F401  (loads the libarrow our extension links against)

from . import errors
from ._core import __version__
from . import catalog, dataframe, experimental, server

__all__ = ["catalog", "dataframe", "errors", "experimental", "server", "__version__"]
