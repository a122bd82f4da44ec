"""chunkhouse: store and query multimodal recordings (Rerun .rrd files).

The API mirrors Rerun's: code written for `import rerun as rr` runs with
`import chunkhouse as rr` for the parts chunkhouse implements.
"""

import pyarrow as _pyarrow  # noqa: F401  (loads the libarrow our extension links against)

from . import errors
from ._core import __version__
from . import catalog, components, dataframe, experimental, server
from ._archetypes import Points3D, Scalars, TextLog, Transform3D
from ._columns import ComponentColumn, ComponentColumnList, ComponentDescriptor, TimeColumn
from ._convert import Angle, Quaternion, RerunWarning, RotationAxisAngle
from ._dynamic import AnyBatchValue, AnyValues, DescribedComponentBatch, DynamicArchetype
from .experimental._chunk import AUTO_INDEX
from ._recording_stream import (
    RecordingStream, connect_grpc, disconnect, get_application_id, get_data_recording, get_global_data_recording,
    get_recording_id, get_thread_local_data_recording, init, is_enabled, save, set_global_data_recording,
    set_thread_local_data_recording,
)

__all__ = [
    "AUTO_INDEX", "Angle", "AnyBatchValue", "AnyValues", "ComponentColumn", "ComponentColumnList", "ComponentDescriptor",
    "DescribedComponentBatch", "DynamicArchetype", "Points3D", "Quaternion", "RecordingStream", "RerunWarning",
    "RotationAxisAngle", "Scalars", "TextLog", "TimeColumn", "Transform3D", "__version__", "catalog", "components",
    "connect_grpc", "dataframe", "disconnect", "errors", "experimental", "get_application_id", "get_data_recording",
    "get_global_data_recording", "get_recording_id", "get_thread_local_data_recording", "init", "is_enabled", "save",
    "server", "set_global_data_recording", "set_thread_local_data_recording",
]
