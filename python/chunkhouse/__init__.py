"""chunkhouse: store and query multimodal recordings (Rerun .rrd files).

The API mirrors Rerun's: code written for `import rerun as rr` runs with
`import chunkhouse as rr` for the parts chunkhouse implements.
"""

import pyarrow as _pyarrow  # noqa: F401  (loads the libarrow our extension links against)

from . import catalog, dataframe, experimental, server

__version__ = "0.1.0"
__all__ = ["catalog", "dataframe", "experimental", "server", "__version__"]
