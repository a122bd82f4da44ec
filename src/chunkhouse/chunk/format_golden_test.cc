// The golden examples of /work/notes/format.md §3: each chunk built here as Rerun builds it, and
// the text rerun-sdk 0.36.2 printed for it, copied from the notes.
#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <arrow/util/float16.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "chunkhouse/chunk/format.h"

namespace chunkhouse {
namespace {

// G1. Spec snapshot: static chunk, 2 columns, default width (240)
constexpr std::string_view kG1 = R"golden(┌─────────────────────────────────────────────────────────────────────────────────────────────────────┐
│ METADATA:                                                                                           │
│ * entity_path: /test/entity                                                                         │
│ * id: [**REDACTED**]                                                                                │
│ * version: [**REDACTED**]                                                                           │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌───────────────────────────────────────────────┬─────────────────────────────────────────────────┐ │
│ │ RowId                                         ┆ Points3D:positions                              │ │
│ │ ---                                           ┆ ---                                             │ │
│ │ type: non-null FixedSizeBinary(16)            ┆ type: List(FixedSizeList(3 x non-null Float32)) │ │
│ │ ARROW:extension:metadata: {"namespace":"row"} ┆ archetype: Points3D                             │ │
│ │ ARROW:extension:name: TUID                    ┆ component: Points3D:positions                   │ │
│ │ is_sorted: true                               ┆ component_type: Position3D                      │ │
│ │ kind: control                                 ┆ kind: data                                      │ │
│ ╞═══════════════════════════════════════════════╪═════════════════════════════════════════════════╡ │
│ │ row_[**REDACTED**]                            ┆ [[1.0, 2.0, 3.0]]                               │ │
│ ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤ │
│ │ row_[**REDACTED**]                            ┆ [[4.0, 5.0, 6.0]]                               │ │
│ └───────────────────────────────────────────────┴─────────────────────────────────────────────────┘ │
└─────────────────────────────────────────────────────────────────────────────────────────────────────┘)golden";

// G2. Temporal Points3D, width=80 (header wrapping, hard cut of long word)
constexpr std::string_view kG2 = R"golden(┌───────────────────────────────────────────────────────────────────────────┐
│ METADATA:                                                                 │
│ * entity_path: /test/entity                                               │
│ * id: [**REDACTED**]                                                      │
│ * version: [**REDACTED**]                                                 │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌─────────────────────────┬───────────────────┬─────────────────────────┐ │
│ │ RowId                   ┆ frame             ┆ Points3D:positions      │ │
│ │ ---                     ┆ ---               ┆ ---                     │ │
│ │ type: non-null          ┆ type: Int64       ┆ type:                   │ │
│ │ FixedSizeBinary(16)     ┆ index_name: frame ┆ List(FixedSizeList(3 x  │ │
│ │ ARROW:extension:metadat ┆ is_sorted: true   ┆ non-null Float32))      │ │
│ │ a: {"namespace":"row"}  ┆ kind: index       ┆ archetype: Points3D     │ │
│ │ ARROW:extension:name:   ┆                   ┆ component:              │ │
│ │ TUID                    ┆                   ┆ Points3D:positions      │ │
│ │ is_sorted: true         ┆                   ┆ component_type:         │ │
│ │ kind: control           ┆                   ┆ Position3D              │ │
│ │                         ┆                   ┆ kind: data              │ │
│ ╞═════════════════════════╪═══════════════════╪═════════════════════════╡ │
│ │ row_[**REDACTED**]      ┆ 1                 ┆ [[1.0, 2.0, 3.0]]       │ │
│ ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤ │
│ │ row_[**REDACTED**]      ┆ 2                 ┆ [[4.0, 5.0, 6.0]]       │ │
│ └─────────────────────────┴───────────────────┴─────────────────────────┘ │
└───────────────────────────────────────────────────────────────────────────┘)golden";

// G3. Same chunk, width=40
constexpr std::string_view kG3 = R"golden(┌───────────────────────────────────────┐
│ METADATA:                             │
│ * entity_path: /test/entity           │
│ * id: [**REDACTED**]                  │
│ * version: [**REDACTED**]             │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌───────────┬───────────┬───────────┐ │
│ │ RowId     ┆ frame     ┆ Points3D: │ │
│ │ ---       ┆ ---       ┆ positions │ │
│ │ type:     ┆ type:     ┆ ---       │ │
│ │ non-null  ┆ Int64     ┆ type: Lis │ │
│ │ FixedSize ┆ index_nam ┆ t(FixedSi │ │
│ │ Binary(16 ┆ e: frame  ┆ zeList(3  │ │
│ │ )         ┆ is_sorted ┆ x         │ │
│ │ ARROW:ext ┆ : true    ┆ non-null  │ │
│ │ ension:me ┆ kind:     ┆ Float32)) │ │
│ │ tadata:   ┆ index     ┆ archetype │ │
│ │ {"namespa ┆           ┆ :         │ │
│ │ ce":"row" ┆           ┆ Points3D  │ │
│ │ }         ┆           ┆ component │ │
│ │ ARROW:ext ┆           ┆ : Points3 │ │
│ │ ension:na ┆           ┆ D:positio │ │
│ │ me: TUID  ┆           ┆ ns        │ │
│ │ is_sorted ┆           ┆ component │ │
│ │ : true    ┆           ┆ _type:    │ │
│ │ kind:     ┆           ┆ Position3 │ │
│ │ control   ┆           ┆ D         │ │
│ │           ┆           ┆ kind:     │ │
│ │           ┆           ┆ data      │ │
│ ╞═══════════╪═══════════╪═══════════╡ │
│ │ row_[**RE ┆ 1         ┆ [[1.0,    │ │
│ │ DACTED**] ┆           ┆ 2.0,      │ │
│ │           ┆           ┆ 3.0]]     │ │
│ ├╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌┤ │
│ │ row_[**RE ┆ 2         ┆ [[4.0,    │ │
│ │ DACTED**] ┆           ┆ 5.0,      │ │
│ │           ┆           ┆ 6.0]]     │ │
│ └───────────┴───────────┴───────────┘ │
└───────────────────────────────────────┘)golden";

// G4. Same chunk, width=1000 (nothing capped)
constexpr std::string_view kG4 = R"golden(┌─────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┐
│ METADATA:                                                                                                               │
│ * entity_path: /test/entity                                                                                             │
│ * id: [**REDACTED**]                                                                                                    │
│ * version: [**REDACTED**]                                                                                               │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌───────────────────────────────────────────────┬───────────────────┬─────────────────────────────────────────────────┐ │
│ │ RowId                                         ┆ frame             ┆ Points3D:positions                              │ │
│ │ ---                                           ┆ ---               ┆ ---                                             │ │
│ │ type: non-null FixedSizeBinary(16)            ┆ type: Int64       ┆ type: List(FixedSizeList(3 x non-null Float32)) │ │
│ │ ARROW:extension:metadata: {"namespace":"row"} ┆ index_name: frame ┆ archetype: Points3D                             │ │
│ │ ARROW:extension:name: TUID                    ┆ is_sorted: true   ┆ component: Points3D:positions                   │ │
│ │ is_sorted: true                               ┆ kind: index       ┆ component_type: Position3D                      │ │
│ │ kind: control                                 ┆                   ┆ kind: data                                      │ │
│ ╞═══════════════════════════════════════════════╪═══════════════════╪═════════════════════════════════════════════════╡ │
│ │ row_[**REDACTED**]                            ┆ 1                 ┆ [[1.0, 2.0, 3.0]]                               │ │
│ ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤ │
│ │ row_[**REDACTED**]                            ┆ 2                 ┆ [[4.0, 5.0, 6.0]]                               │ │
│ └───────────────────────────────────────────────┴───────────────────┴─────────────────────────────────────────────────┘ │
└─────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘)golden";

// G5. trim_metadata_keys=False (static, 3 columns)
constexpr std::string_view kG5 = R"golden(┌───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┐
│ METADATA:                                                                                                                             │
│ * rerun:entity_path: /test/static                                                                                                     │
│ * rerun:id: [**REDACTED**]                                                                                                            │
│ * sorbet:version: [**REDACTED**]                                                                                                      │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌───────────────────────────────────────────────┬─────────────────────────────────────────────────┬─────────────────────────────────┐ │
│ │ RowId                                         ┆ Points3D:positions                              ┆ Points3D:radii                  │ │
│ │ ---                                           ┆ ---                                             ┆ ---                             │ │
│ │ type: non-null FixedSizeBinary(16)            ┆ type: List(FixedSizeList(3 x non-null Float32)) ┆ type: List(Float32)             │ │
│ │ ARROW:extension:metadata: {"namespace":"row"} ┆ rerun:archetype: Points3D                       ┆ rerun:archetype: Points3D       │ │
│ │ ARROW:extension:name: TUID                    ┆ rerun:component: Points3D:positions             ┆ rerun:component: Points3D:radii │ │
│ │ rerun:is_sorted: true                         ┆ rerun:component_type: Position3D                ┆ rerun:component_type: Radius    │ │
│ │ rerun:kind: control                           ┆ rerun:kind: data                                ┆ rerun:kind: data                │ │
│ ╞═══════════════════════════════════════════════╪═════════════════════════════════════════════════╪═════════════════════════════════╡ │
│ │ row_[**REDACTED**]                            ┆ [[1.0, 2.0, 3.0]]                               ┆ [0.5]                           │ │
│ └───────────────────────────────────────────────┴─────────────────────────────────────────────────┴─────────────────────────────────┘ │
└───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘)golden";

// G6. Non-redacted with pinned ids, width=100; str(chunk) with pinned ids
constexpr std::string_view kG6 = R"golden(┌───────────────────────────────────────────────────────────────────────────────────────┐
│ METADATA:                                                                             │
│ * entity_path: /e                                                                     │
│ * id: chunk_18ECF949D06D38DA0166149c843b396e                                          │
│ * version: 0.1.3                                                                      │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌───────────────────────────────┬───────────────────┬───────────────────────────────┐ │
│ │ RowId                         ┆ frame             ┆ Points3D:positions            │ │
│ │ ---                           ┆ ---               ┆ ---                           │ │
│ │ type: non-null                ┆ type: Int64       ┆ type: List(FixedSizeList(3 x  │ │
│ │ FixedSizeBinary(16)           ┆ index_name: frame ┆ non-null Float32))            │ │
│ │ ARROW:extension:metadata:     ┆ is_sorted: true   ┆ archetype: Points3D           │ │
│ │ {"namespace":"row"}           ┆ kind: index       ┆ component: Points3D:positions │ │
│ │ ARROW:extension:name: TUID    ┆                   ┆ component_type: Position3D    │ │
│ │ is_sorted: true               ┆                   ┆ kind: data                    │ │
│ │ kind: control                 ┆                   ┆                               │ │
│ ╞═══════════════════════════════╪═══════════════════╪═══════════════════════════════╡ │
│ │ row_18ECF949D06D38DA0166149c8 ┆ 1                 ┆ [[1.0, 2.0, 3.0]]             │ │
│ │ 43b396f                       ┆                   ┆                               │ │
│ ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤ │
│ │ row_18ECF949D06D38DA0166149c8 ┆ 2                 ┆ [[4.0, 5.0, 6.0]]             │ │
│ │ 43b3970                       ┆                   ┆                               │ │
│ └───────────────────────────────┴───────────────────┴───────────────────────────────┘ │
└───────────────────────────────────────────────────────────────────────────────────────┘

┌─────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┐
│ METADATA:                                                                                                               │
│ * entity_path: /e                                                                                                       │
│ * id: chunk_18ECF949D06D38DA0166149c843b396e                                                                            │
│ * version: 0.1.3                                                                                                        │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌───────────────────────────────────────────────┬───────────────────┬─────────────────────────────────────────────────┐ │
│ │ RowId                                         ┆ frame             ┆ Points3D:positions                              │ │
│ │ ---                                           ┆ ---               ┆ ---                                             │ │
│ │ type: non-null FixedSizeBinary(16)            ┆ type: Int64       ┆ type: List(FixedSizeList(3 x non-null Float32)) │ │
│ │ ARROW:extension:metadata: {"namespace":"row"} ┆ index_name: frame ┆ archetype: Points3D                             │ │
│ │ ARROW:extension:name: TUID                    ┆ is_sorted: true   ┆ component: Points3D:positions                   │ │
│ │ is_sorted: true                               ┆ kind: index       ┆ component_type: Position3D                      │ │
│ │ kind: control                                 ┆                   ┆ kind: data                                      │ │
│ ╞═══════════════════════════════════════════════╪═══════════════════╪═════════════════════════════════════════════════╡ │
│ │ row_18ECF949D06D38DA0166149c843b396f          ┆ 1                 ┆ [[1.0, 2.0, 3.0]]                               │ │
│ ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤ │
│ │ row_18ECF949D06D38DA0166149c843b3970          ┆ 2                 ┆ [[4.0, 5.0, 6.0]]                               │ │
│ └───────────────────────────────────────────────┴───────────────────┴─────────────────────────────────────────────────┘ │
└─────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘)golden";

// G7. 8 columns at width 240 (P=12)
constexpr std::string_view kG7 = R"golden(┌─────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┐
│ METADATA:                                                                                                                                                                                                               │
│ * entity_path: /robot/arm                                                                                                                                                                                               │
│ * id: [**REDACTED**]                                                                                                                                                                                                    │
│ * version: [**REDACTED**]                                                                                                                                                                                               │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌───────────────────────────┬───────────────────┬─────────────────────────┬───────────────────────────┬───────────────────────────┬───────────────────────────┬───────────────────────────┬───────────────────────────┐ │
│ │ RowId                     ┆ frame             ┆ time                    ┆ Points3D:class_ids        ┆ Points3D:colors           ┆ Points3D:labels           ┆ Points3D:positions        ┆ Points3D:radii            │ │
│ │ ---                       ┆ ---               ┆ ---                     ┆ ---                       ┆ ---                       ┆ ---                       ┆ ---                       ┆ ---                       │ │
│ │ type: non-null            ┆ type: Int64       ┆ type: Timestamp(ns)     ┆ type: List(UInt16)        ┆ type: List(UInt32)        ┆ type: List(Utf8)          ┆ type:                     ┆ type: List(Float32)       │ │
│ │ FixedSizeBinary(16)       ┆ index_name: frame ┆ index_name: time        ┆ archetype: Points3D       ┆ archetype: Points3D       ┆ archetype: Points3D       ┆ List(FixedSizeList(3 x    ┆ archetype: Points3D       │ │
│ │ ARROW:extension:metadata: ┆ is_sorted: true   ┆ is_sorted: true         ┆ component:                ┆ component:                ┆ component:                ┆ non-null Float32))        ┆ component: Points3D:radii │ │
│ │ {"namespace":"row"}       ┆ kind: index       ┆ kind: index             ┆ Points3D:class_ids        ┆ Points3D:colors           ┆ Points3D:labels           ┆ archetype: Points3D       ┆ component_type: Radius    │ │
│ │ ARROW:extension:name:     ┆                   ┆                         ┆ component_type: ClassId   ┆ component_type: Color     ┆ component_type: Text      ┆ component:                ┆ kind: data                │ │
│ │ TUID                      ┆                   ┆                         ┆ kind: data                ┆ kind: data                ┆ kind: data                ┆ Points3D:positions        ┆                           │ │
│ │ is_sorted: true           ┆                   ┆                         ┆                           ┆                           ┆                           ┆ component_type:           ┆                           │ │
│ │ kind: control             ┆                   ┆                         ┆                           ┆                           ┆                           ┆ Position3D                ┆                           │ │
│ │                           ┆                   ┆                         ┆                           ┆                           ┆                           ┆ kind: data                ┆                           │ │
│ ╞═══════════════════════════╪═══════════════════╪═════════════════════════╪═══════════════════════════╪═══════════════════════════╪═══════════════════════════╪═══════════════════════════╪═══════════════════════════╡ │
│ │ row_[**REDACTED**]        ┆ 7                 ┆ 1970-01-01T00:00:01.500 ┆ [3]                       ┆ [4278190335]              ┆ [a label with several     ┆ [[1.0, 2.0, 3.0]]         ┆ [0.5]                     │ │
│ │                           ┆                   ┆                         ┆                           ┆                           ┆ words]                    ┆                           ┆                           │ │
│ └───────────────────────────┴───────────────────┴─────────────────────────┴───────────────────────────┴───────────────────────────┴───────────────────────────┴───────────────────────────┴───────────────────────────┘ │
└─────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘)golden";

// G8. Cell longer than 100 chars: cut to 99 chars + '…', then wrapped
constexpr std::string_view kG8 = R"golden(┌──────────────────────────────────────────────────────────────────────────────────────────────────────────────┐
│ METADATA:                                                                                                    │
│ * entity_path: /e                                                                                            │
│ * id: [**REDACTED**]                                                                                         │
│ * version: [**REDACTED**]                                                                                    │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌───────────────────────────────────────────────┬──────────────────────────────────────────────────────────┐ │
│ │ RowId                                         ┆ text                                                     │ │
│ │ ---                                           ┆ ---                                                      │ │
│ │ type: non-null FixedSizeBinary(16)            ┆ type: List(Utf8)                                         │ │
│ │ ARROW:extension:metadata: {"namespace":"row"} ┆ component: text                                          │ │
│ │ ARROW:extension:name: TUID                    ┆ kind: data                                               │ │
│ │ is_sorted: true                               ┆                                                          │ │
│ │ kind: control                                 ┆                                                          │ │
│ ╞═══════════════════════════════════════════════╪══════════════════════════════════════════════════════════╡ │
│ │ row_[**REDACTED**]                            ┆ [word00, word01, word02, word03, word04, word05, word06, │ │
│ │                                               ┆ word07, word08, word09, word10, word11, wo…              │ │
│ └───────────────────────────────────────────────┴──────────────────────────────────────────────────────────┘ │
└──────────────────────────────────────────────────────────────────────────────────────────────────────────────┘)golden";

// G9. Word wrapping details: long word split, double spaces, newline inside a value (4 rows)
constexpr std::string_view kG9 = R"golden(┌───────────────────────────────────────────────────┐
│ METADATA:                                         │
│ * entity_path: /e                                 │
│ * id: [**REDACTED**]                              │
│ * version: [**REDACTED**]                         │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌───────────────────────┬───────────────────────┐ │
│ │ RowId                 ┆ s                     │ │
│ │ ---                   ┆ ---                   │ │
│ │ type: non-null        ┆ type: List(Utf8)      │ │
│ │ FixedSizeBinary(16)   ┆ component: s          │ │
│ │ ARROW:extension:metad ┆ kind: data            │ │
│ │ ata:                  ┆                       │ │
│ │ {"namespace":"row"}   ┆                       │ │
│ │ ARROW:extension:name: ┆                       │ │
│ │ TUID                  ┆                       │ │
│ │ is_sorted: true       ┆                       │ │
│ │ kind: control         ┆                       │ │
│ ╞═══════════════════════╪═══════════════════════╡ │
│ │ row_[**REDACTED**]    ┆ [aaaaaaaaaaaaaaaaaaaa │ │
│ │                       ┆ aaaaaaaaaaaaaaaaaaa   │ │
│ │                       ┆ tail]                 │ │
│ ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤ │
│ │ row_[**REDACTED**]    ┆ [two  spaces  here    │ │
│ │                       ┆ and  more  words]     │ │
│ ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤ │
│ │ row_[**REDACTED**]    ┆ [line1                │ │
│ │                       ┆ line2 wraps here too  │ │
│ │                       ┆ ok]                   │ │
│ ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤ │
│ │ row_[**REDACTED**]    ┆ [xxxxxxxxxxxxxxxxxx   │ │
│ │                       ┆ yy zz]                │ │
│ └───────────────────────┴───────────────────────┘ │
└───────────────────────────────────────────────────┘)golden";

// G10. Temporal index types (timestamp/duration/sequence timelines) + bool/binary/string components
constexpr std::string_view kG10 = R"golden(┌───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┐
│ METADATA:                                                                                                                                                         │
│ * entity_path: /e                                                                                                                                                 │
│ * id: [**REDACTED**]                                                                                                                                              │
│ * version: [**REDACTED**]                                                                                                                                         │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌────────────────────────────────┬────────────────────┬─────────────────┬─────────────────────────┬────────────────────┬─────────────────────┬──────────────────┐ │
│ │ RowId                          ┆ dur                ┆ seq             ┆ ts                      ┆ blob               ┆ flag                ┆ name             │ │
│ │ ---                            ┆ ---                ┆ ---             ┆ ---                     ┆ ---                ┆ ---                 ┆ ---              │ │
│ │ type: non-null                 ┆ type: Duration(ns) ┆ type: Int64     ┆ type: Timestamp(ns)     ┆ type: List(Binary) ┆ type: List(Boolean) ┆ type: List(Utf8) │ │
│ │ FixedSizeBinary(16)            ┆ index_name: dur    ┆ index_name: seq ┆ index_name: ts          ┆ component: blob    ┆ component: flag     ┆ component: name  │ │
│ │ ARROW:extension:metadata:      ┆ is_sorted: true    ┆ is_sorted: true ┆ is_sorted: true         ┆ kind: data         ┆ kind: data          ┆ kind: data       │ │
│ │ {"namespace":"row"}            ┆ kind: index        ┆ kind: index     ┆ kind: index             ┆                    ┆                     ┆                  │ │
│ │ ARROW:extension:name: TUID     ┆                    ┆                 ┆                         ┆                    ┆                     ┆                  │ │
│ │ is_sorted: true                ┆                    ┆                 ┆                         ┆                    ┆                     ┆                  │ │
│ │ kind: control                  ┆                    ┆                 ┆                         ┆                    ┆                     ┆                  │ │
│ ╞════════════════════════════════╪════════════════════╪═════════════════╪═════════════════════════╪════════════════════╪═════════════════════╪══════════════════╡ │
│ │ row_[**REDACTED**]             ┆ PT0.000000001S     ┆ 10              ┆ 1970-01-01T00:00:00.500 ┆ [00ff6162, ]       ┆ [true, null]        ┆ [hello world]    │ │
│ ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤ │
│ │ row_[**REDACTED**]             ┆ PT1.5S             ┆ 20              ┆ 1970-01-01T00:16:40     ┆ []                 ┆ null                ┆ [null]           │ │
│ └────────────────────────────────┴────────────────────┴─────────────────┴─────────────────────────┴────────────────────┴─────────────────────┴──────────────────┘ │
└───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘)golden";

// G11. Nested types: struct, list of lists, FixedSizeList (nullable / non-null items), FixedSizeBinary
constexpr std::string_view kG11 = R"golden(┌────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┐
│ METADATA:                                                                                                                                                                              │
│ * entity_path: /e                                                                                                                                                                      │
│ * id: [**REDACTED**]                                                                                                                                                                   │
│ * version: [**REDACTED**]                                                                                                                                                              │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌──────────────────────────────┬──────────────────────────────┬──────────────────────────────┬──────────────────────────────┬─────────────────────────┬──────────────────────────────┐ │
│ │ RowId                        ┆ fsb                          ┆ fsl                          ┆ fslnn                        ┆ nested                  ┆ st                           │ │
│ │ ---                          ┆ ---                          ┆ ---                          ┆ ---                          ┆ ---                     ┆ ---                          │ │
│ │ type: non-null               ┆ type:                        ┆ type: List(FixedSizeList(3 x ┆ type: List(FixedSizeList(2 x ┆ type: List(List(Int16)) ┆ type: List(Struct("x":       │ │
│ │ FixedSizeBinary(16)          ┆ List(FixedSizeBinary(2))     ┆ Float32))                    ┆ non-null Float32))           ┆ component: nested       ┆ Float64, "y": non-null       │ │
│ │ ARROW:extension:metadata:    ┆ component: fsb               ┆ component: fsl               ┆ component: fslnn             ┆ kind: data              ┆ Int32, "name": Utf8))        │ │
│ │ {"namespace":"row"}          ┆ kind: data                   ┆ kind: data                   ┆ kind: data                   ┆                         ┆ component: st                │ │
│ │ ARROW:extension:name: TUID   ┆                              ┆                              ┆                              ┆                         ┆ kind: data                   │ │
│ │ is_sorted: true              ┆                              ┆                              ┆                              ┆                         ┆                              │ │
│ │ kind: control                ┆                              ┆                              ┆                              ┆                         ┆                              │ │
│ ╞══════════════════════════════╪══════════════════════════════╪══════════════════════════════╪══════════════════════════════╪═════════════════════════╪══════════════════════════════╡ │
│ │ row_[**REDACTED**]           ┆ [0102]                       ┆ [[1.0, null, 3.0]]           ┆ [[1.0, 2.0]]                 ┆ [[1, 2], [3]]           ┆ [{x: 1.0, y: 2, name: a b},  │ │
│ │                              ┆                              ┆                              ┆                              ┆                         ┆ null]                        │ │
│ ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤ │
│ │ row_[**REDACTED**]           ┆ [null]                       ┆ []                           ┆ null                         ┆ [[], null]              ┆ [{x: null, y: 3, name:       │ │
│ │                              ┆                              ┆                              ┆                              ┆                         ┆ null}]                       │ │
│ └──────────────────────────────┴──────────────────────────────┴──────────────────────────────┴──────────────────────────────┴─────────────────────────┴──────────────────────────────┘ │
└────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘)golden";

// G12. Float/int formatting (ryu shortest round-trip; f32 vs f64 thresholds)
constexpr std::string_view kG12 = R"golden(┌─────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┐
│ METADATA:                                                                                                                                                                                                       │
│ * entity_path: /e                                                                                                                                                                                               │
│ * id: [**REDACTED**]                                                                                                                                                                                            │
│ * version: [**REDACTED**]                                                                                                                                                                                       │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌───────────────────────────────────────────────┬────────────────────────────────────────────────────┬─────────────────────────────────────────────────────────────────────────┬──────────────────────────────┐ │
│ │ RowId                                         ┆ f32                                                ┆ f64                                                                     ┆ i64                          │ │
│ │ ---                                           ┆ ---                                                ┆ ---                                                                     ┆ ---                          │ │
│ │ type: non-null FixedSizeBinary(16)            ┆ type: List(Float32)                                ┆ type: List(Float64)                                                     ┆ type: List(Int64)            │ │
│ │ ARROW:extension:metadata: {"namespace":"row"} ┆ component: f32                                     ┆ component: f64                                                          ┆ component: i64               │ │
│ │ ARROW:extension:name: TUID                    ┆ kind: data                                         ┆ kind: data                                                              ┆ kind: data                   │ │
│ │ is_sorted: true                               ┆                                                    ┆                                                                         ┆                              │ │
│ │ kind: control                                 ┆                                                    ┆                                                                         ┆                              │ │
│ ╞═══════════════════════════════════════════════╪════════════════════════════════════════════════════╪═════════════════════════════════════════════════════════════════════════╪══════════════════════════════╡ │
│ │ row_[**REDACTED**]                            ┆ [1.0, 0.1, 1000000000000.0, 1e13, 1e14]            ┆ [1.0, 1e20, NaN, inf, -inf, -0.0, 0.1]                                  ┆ [0, -1, 9223372036854775807] │ │
│ ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤ │
│ │ row_[**REDACTED**]                            ┆ [0.00001, 0.000001, 3.4028235e38, 16777216.0, 1.5] ┆ [1000000000000000.0, 1e16, 0.0001, 0.00001, 3e-7, 123456789.123,        ┆ [-9223372036854775808]       │ │
│ │                                               ┆                                                    ┆ 5e-324]                                                                 ┆                              │ │
│ └───────────────────────────────────────────────┴────────────────────────────────────────────────────┴─────────────────────────────────────────────────────────────────────────┴──────────────────────────────┘ │
└─────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘)golden";

// G13. Timestamps with/without timezone, durations in several units
constexpr std::string_view kG13 = R"golden(┌───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┐
│ METADATA:                                                                                                                                                                                                         │
│ * entity_path: /e                                                                                                                                                                                                 │
│ * id: [**REDACTED**]                                                                                                                                                                                              │
│ * version: [**REDACTED**]                                                                                                                                                                                         │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌────────────────────────────────────────┬──────────────────────────┬─────────────────────────┬────────────────────────────────────────┬─────────────────────────────────────┬──────────────────────────────────┐ │
│ │ RowId                                  ┆ dur                      ┆ dur_s                   ┆ ts                                     ┆ ts_off                              ┆ ts_utc                           │ │
│ │ ---                                    ┆ ---                      ┆ ---                     ┆ ---                                    ┆ ---                                 ┆ ---                              │ │
│ │ type: non-null FixedSizeBinary(16)     ┆ type: List(Duration(ns)) ┆ type: List(Duration(s)) ┆ type: List(Timestamp(ns))              ┆ type: List(Timestamp(ms, "+01:00")) ┆ type: List(Timestamp(ns, "UTC")) │ │
│ │ ARROW:extension:metadata:              ┆ component: dur           ┆ component: dur_s        ┆ component: ts                          ┆ component: ts_off                   ┆ component: ts_utc                │ │
│ │ {"namespace":"row"}                    ┆ kind: data               ┆ kind: data              ┆ kind: data                             ┆ kind: data                          ┆ kind: data                       │ │
│ │ ARROW:extension:name: TUID             ┆                          ┆                         ┆                                        ┆                                     ┆                                  │ │
│ │ is_sorted: true                        ┆                          ┆                         ┆                                        ┆                                     ┆                                  │ │
│ │ kind: control                          ┆                          ┆                         ┆                                        ┆                                     ┆                                  │ │
│ ╞════════════════════════════════════════╪══════════════════════════╪═════════════════════════╪════════════════════════════════════════╪═════════════════════════════════════╪══════════════════════════════════╡ │
│ │ row_[**REDACTED**]                     ┆ [P0D, -PT1.5S]           ┆ [P0D, PT5S]             ┆ [1970-01-01T00:00:00,                  ┆ [1970-01-01T01:00:00+01:00]         ┆ [1970-01-01T00:00:00Z]           │ │
│ │                                        ┆                          ┆                         ┆ 1970-01-01T00:00:00.000000001,         ┆                                     ┆                                  │ │
│ │                                        ┆                          ┆                         ┆ 1970-01-01T00:00:01.500]               ┆                                     ┆                                  │ │
│ ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤ │
│ │ row_[**REDACTED**]                     ┆ [PT86400S, PT0.000001S]  ┆ [-PT3S, null]           ┆ [1969-12-31T23:59:59.999999999,        ┆ [1970-01-01T01:16:40+01:00]         ┆ [1970-01-01T00:00:01.500Z]       │ │
│ │                                        ┆                          ┆                         ┆ 1970-01-01T00:00:00.001,               ┆                                     ┆                                  │ │
│ │                                        ┆                          ┆                         ┆ 1970-01-01T00:00:00.000001]            ┆                                     ┆                                  │ │
│ └────────────────────────────────────────┴──────────────────────────┴─────────────────────────┴────────────────────────────────────────┴─────────────────────────────────────┴──────────────────────────────────┘ │
└───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘)golden";

// G14. Strings, booleans, Null type, Float16, Date32
constexpr std::string_view kG14 = R"golden(┌─────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┐
│ METADATA:                                                                                                                               │
│ * entity_path: /e                                                                                                                       │
│ * id: [**REDACTED**]                                                                                                                    │
│ * version: [**REDACTED**]                                                                                                               │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌──────────────────────────────┬─────────────────────┬────────────────────┬─────────────────────┬──────────────────┬──────────────────┐ │
│ │ RowId                        ┆ bool                ┆ date               ┆ f16                 ┆ nulls            ┆ str              │ │
│ │ ---                          ┆ ---                 ┆ ---                ┆ ---                 ┆ ---              ┆ ---              │ │
│ │ type: non-null               ┆ type: List(Boolean) ┆ type: List(Date32) ┆ type: List(Float16) ┆ type: List(Null) ┆ type: List(Utf8) │ │
│ │ FixedSizeBinary(16)          ┆ component: bool     ┆ component: date    ┆ component: f16      ┆ component: nulls ┆ component: str   │ │
│ │ ARROW:extension:metadata:    ┆ kind: data          ┆ kind: data         ┆ kind: data          ┆ kind: data       ┆ kind: data       │ │
│ │ {"namespace":"row"}          ┆                     ┆                    ┆                     ┆                  ┆                  │ │
│ │ ARROW:extension:name: TUID   ┆                     ┆                    ┆                     ┆                  ┆                  │ │
│ │ is_sorted: true              ┆                     ┆                    ┆                     ┆                  ┆                  │ │
│ │ kind: control                ┆                     ┆                    ┆                     ┆                  ┆                  │ │
│ ╞══════════════════════════════╪═════════════════════╪════════════════════╪═════════════════════╪══════════════════╪══════════════════╡ │
│ │ row_[**REDACTED**]           ┆ [true, null]        ┆ [2020-01-02]       ┆ [1, 0.5]            ┆ [null, null]     ┆ [a, , null]      │ │
│ ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤ │
│ │ row_[**REDACTED**]           ┆ []                  ┆ [null]             ┆ [10000]             ┆ null             ┆ [héllo wörld]    │ │
│ └──────────────────────────────┴─────────────────────┴────────────────────┴─────────────────────┴──────────────────┴──────────────────┘ │
└─────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘)golden";

// G15. Narrow width 30 with 2 columns (n=2, cap 11)
constexpr std::string_view kG15 = R"golden(┌───────────────────────────────┐
│ METADATA:                     │
│ * entity_path: /e             │
│ * id: [**REDACTED**]          │
│ * version: [**REDACTED**]     │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌─────────────┬─────────────┐ │
│ │ RowId       ┆ v           │ │
│ │ ---         ┆ ---         │ │
│ │ type:       ┆ type:       │ │
│ │ non-null    ┆ List(Utf8)  │ │
│ │ FixedSizeBi ┆ component:  │ │
│ │ nary(16)    ┆ v           │ │
│ │ ARROW:exten ┆ kind: data  │ │
│ │ sion:metada ┆             │ │
│ │ ta: {"names ┆             │ │
│ │ pace":"row" ┆             │ │
│ │ }           ┆             │ │
│ │ ARROW:exten ┆             │ │
│ │ sion:name:  ┆             │ │
│ │ TUID        ┆             │ │
│ │ is_sorted:  ┆             │ │
│ │ true        ┆             │ │
│ │ kind:       ┆             │ │
│ │ control     ┆             │ │
│ ╞═════════════╪═════════════╡ │
│ │ row_[**REDA ┆ [abc def    │ │
│ │ CTED**]     ┆ ghi jkl mno │ │
│ │             ┆ pqr]        │ │
│ └─────────────┴─────────────┘ │
└───────────────────────────────┘)golden";

// G16. Name/value prefix trimming (field names and metadata values)
constexpr std::string_view kG16 = R"golden(┌───────────────────────────────────────────────────────────────────────────────────────────┐
│ METADATA:                                                                                 │
│ * entity_path: /rerun.chunk.e                                                             │
│ * id: [**REDACTED**]                                                                      │
│ * version: [**REDACTED**]                                                                 │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌───────────────────────────────────────────────┬───────────────────┬───────────────────┐ │
│ │ RowId                                         ┆ x                 ┆ Foo               │ │
│ │ ---                                           ┆ ---               ┆ ---               │ │
│ │ type: non-null FixedSizeBinary(16)            ┆ type: List(Int64) ┆ type: List(Int64) │ │
│ │ ARROW:extension:metadata: {"namespace":"row"} ┆ component: x      ┆ component: Foo    │ │
│ │ ARROW:extension:name: TUID                    ┆ kind: data        ┆ kind: data        │ │
│ │ is_sorted: true                               ┆                   ┆                   │ │
│ │ kind: control                                 ┆                   ┆                   │ │
│ ╞═══════════════════════════════════════════════╪═══════════════════╪═══════════════════╡ │
│ │ row_[**REDACTED**]                            ┆ [2]               ┆ [1]               │ │
│ └───────────────────────────────────────────────┴───────────────────┴───────────────────┘ │
└───────────────────────────────────────────────────────────────────────────────────────────┘)golden";

// G17. Very small width (14): cap 3 per column
constexpr std::string_view kG17 = R"golden(┌───────────────────────────┐
│ METADATA:                 │
│ * entity_path: /x         │
│ * id: [**REDACTED**]      │
│ * version: [**REDACTED**] │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌─────┬─────┐             │
│ │ Row ┆ v   │             │
│ │ Id  ┆ --- │             │
│ │ --- ┆ typ │             │
│ │ typ ┆ e:  │             │
│ │ e:  ┆ Lis │             │
│ │ non ┆ t(U │             │
│ │ -nu ┆ tf8 │             │
│ │ ll  ┆ )   │             │
│ │ Fix ┆ com │             │
│ │ edS ┆ pon │             │
│ │ ize ┆ ent │             │
│ │ Bin ┆ : v │             │
│ │ ary ┆ kin │             │
│ │ (16 ┆ d:  │             │
│ │ )   ┆ dat │             │
│ │ ARR ┆ a   │             │
│ │ OW: ┆     │             │
│ │ ext ┆     │             │
│ │ ens ┆     │             │
│ │ ion ┆     │             │
│ │ :me ┆     │             │
│ │ tad ┆     │             │
│ │ ata ┆     │             │
│ │ :   ┆     │             │
│ │ {"n ┆     │             │
│ │ ame ┆     │             │
│ │ spa ┆     │             │
│ │ ce" ┆     │             │
│ │ :"r ┆     │             │
│ │ ow" ┆     │             │
│ │ }   ┆     │             │
│ │ ARR ┆     │             │
│ │ OW: ┆     │             │
│ │ ext ┆     │             │
│ │ ens ┆     │             │
│ │ ion ┆     │             │
│ │ :na ┆     │             │
│ │ me: ┆     │             │
│ │ TUI ┆     │             │
│ │ D   ┆     │             │
│ │ is_ ┆     │             │
│ │ sor ┆     │             │
│ │ ted ┆     │             │
│ │ :   ┆     │             │
│ │ tru ┆     │             │
│ │ e   ┆     │             │
│ │ kin ┆     │             │
│ │ d:  ┆     │             │
│ │ con ┆     │             │
│ │ tro ┆     │             │
│ │ l   ┆     │             │
│ ╞═════╪═════╡             │
│ │ row ┆ [ab │             │
│ │ _[* ┆ c]  │             │
│ │ *RE ┆     │             │
│ │ DAC ┆     │             │
│ │ TED ┆     │             │
│ │ **] ┆     │             │
│ └─────┴─────┘             │
└───────────────────────────┘)golden";

// G18. Zero-row chunk
constexpr std::string_view kG18 = R"golden(┌────────────────────────────────────────────────────────────────────────────────────┐
│ METADATA:                                                                          │
│ * entity_path: /e                                                                  │
│ * id: [**REDACTED**]                                                               │
│ * version: [**REDACTED**]                                                          │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌───────────────────────────────┬───────────────────┬────────────────────────────┐ │
│ │ RowId                         ┆ frame             ┆ Scalars:scalars            │ │
│ │ ---                           ┆ ---               ┆ ---                        │ │
│ │ type: non-null                ┆ type: Int64       ┆ type: List(Float64)        │ │
│ │ FixedSizeBinary(16)           ┆ index_name: frame ┆ archetype: Scalars         │ │
│ │ ARROW:extension:metadata:     ┆ is_sorted: true   ┆ component: Scalars:scalars │ │
│ │ {"namespace":"row"}           ┆ kind: index       ┆ component_type: Scalar     │ │
│ │ ARROW:extension:name: TUID    ┆                   ┆ kind: data                 │ │
│ │ is_sorted: true               ┆                   ┆                            │ │
│ │ kind: control                 ┆                   ┆                            │ │
│ ╞═══════════════════════════════╪═══════════════════╪════════════════════════════╡ │
│ └───────────────────────────────┴───────────────────┴────────────────────────────┘ │
└────────────────────────────────────────────────────────────────────────────────────┘)golden";

// G19. Long entity path: outer table grows past `width` (outer column = content width)
constexpr std::string_view kG19 = R"golden(┌─────────────────────────────────────────────────────────────────────────────────────────────────┐
│ METADATA:                                                                                       │
│ * entity_path: /segment_0/segment_1/segment_2/segment_3/segment_4/segment_5/segment_6/segment_7 │
│ * id: [**REDACTED**]                                                                            │
│ * version: [**REDACTED**]                                                                       │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌──────────────────┬──────────────────┐                                                         │
│ │ RowId            ┆ v                │                                                         │
│ │ ---              ┆ ---              │                                                         │
│ │ type: non-null   ┆ type: List(Utf8) │                                                         │
│ │ FixedSizeBinary( ┆ component: v     │                                                         │
│ │ 16)              ┆ kind: data       │                                                         │
│ │ ARROW:extension: ┆                  │                                                         │
│ │ metadata: {"name ┆                  │                                                         │
│ │ space":"row"}    ┆                  │                                                         │
│ │ ARROW:extension: ┆                  │                                                         │
│ │ name: TUID       ┆                  │                                                         │
│ │ is_sorted: true  ┆                  │                                                         │
│ │ kind: control    ┆                  │                                                         │
│ ╞══════════════════╪══════════════════╡                                                         │
│ │ row_[**REDACTED* ┆ [x]              │                                                         │
│ │ *]               ┆                  │                                                         │
│ └──────────────────┴──────────────────┘                                                         │
└─────────────────────────────────────────────────────────────────────────────────────────────────┘)golden";

// G20. Wide (CJK) characters: widths measured in terminal columns
constexpr std::string_view kG20 = R"golden(┌─────────────────────────────────────────┐
│ METADATA:                               │
│ * entity_path: /e                       │
│ * id: [**REDACTED**]                    │
│ * version: [**REDACTED**]               │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌──────────────────┬──────────────────┐ │
│ │ RowId            ┆ jp               │ │
│ │ ---              ┆ ---              │ │
│ │ type: non-null   ┆ type: List(Utf8) │ │
│ │ FixedSizeBinary( ┆ component: jp    │ │
│ │ 16)              ┆ kind: data       │ │
│ │ ARROW:extension: ┆                  │ │
│ │ metadata: {"name ┆                  │ │
│ │ space":"row"}    ┆                  │ │
│ │ ARROW:extension: ┆                  │ │
│ │ name: TUID       ┆                  │ │
│ │ is_sorted: true  ┆                  │ │
│ │ kind: control    ┆                  │ │
│ ╞══════════════════╪══════════════════╡ │
│ │ row_[**REDACTED* ┆ [日本語のテキス  │ │
│ │ *]               ┆ ト 日本語のテキ  │ │
│ │                  ┆ スト, 混合 mixed │ │
│ │                  ┆ テキスト text]   │ │
│ └──────────────────┴──────────────────┘ │
└─────────────────────────────────────────┘)golden";

// G21. 5 columns at width 60 (P=20)
constexpr std::string_view kG21 = R"golden(┌──────────────────────────────────────────────────────────┐
│ METADATA:                                                │
│ * entity_path: /e                                        │
│ * id: [**REDACTED**]                                     │
│ * version: [**REDACTED**]                                │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│ ┌──────────┬──────────┬──────────┬──────────┬──────────┐ │
│ │ RowId    ┆ frame    ┆ alpha    ┆ beta     ┆ gamma    │ │
│ │ ---      ┆ ---      ┆ ---      ┆ ---      ┆ ---      │ │
│ │ type:    ┆ type:    ┆ type:    ┆ type:    ┆ type:    │ │
│ │ non-null ┆ Int64    ┆ List(Flo ┆ List(Utf ┆ List(Boo │ │
│ │ FixedSiz ┆ index_na ┆ at64)    ┆ 8)       ┆ lean)    │ │
│ │ eBinary( ┆ me:      ┆ componen ┆ componen ┆ componen │ │
│ │ 16)      ┆ frame    ┆ t: alpha ┆ t: beta  ┆ t: gamma │ │
│ │ ARROW:ex ┆ is_sorte ┆ kind:    ┆ kind:    ┆ kind:    │ │
│ │ tension: ┆ d: true  ┆ data     ┆ data     ┆ data     │ │
│ │ metadata ┆ kind:    ┆          ┆          ┆          │ │
│ │ : {"name ┆ index    ┆          ┆          ┆          │ │
│ │ space":" ┆          ┆          ┆          ┆          │ │
│ │ row"}    ┆          ┆          ┆          ┆          │ │
│ │ ARROW:ex ┆          ┆          ┆          ┆          │ │
│ │ tension: ┆          ┆          ┆          ┆          │ │
│ │ name:    ┆          ┆          ┆          ┆          │ │
│ │ TUID     ┆          ┆          ┆          ┆          │ │
│ │ is_sorte ┆          ┆          ┆          ┆          │ │
│ │ d: true  ┆          ┆          ┆          ┆          │ │
│ │ kind:    ┆          ┆          ┆          ┆          │ │
│ │ control  ┆          ┆          ┆          ┆          │ │
│ ╞══════════╪══════════╪══════════╪══════════╪══════════╡ │
│ │ row_[**R ┆ 1        ┆ [1.5]    ┆ [some    ┆ [true]   │ │
│ │ EDACTED* ┆          ┆          ┆ text     ┆          │ │
│ │ *]       ┆          ┆          ┆ value]   ┆          │ │
│ └──────────┴──────────┴──────────┴──────────┴──────────┘ │
└──────────────────────────────────────────────────────────┘)golden";

std::shared_ptr<arrow::Array> Json(const std::shared_ptr<arrow::DataType>& type, const std::string& json) {
  auto array = arrow::json::ArrayFromJSONString(type, json);
  EXPECT_TRUE(array.ok()) << array.status().ToString();
  return *array;
}

std::shared_ptr<arrow::DataType> ListOf(std::shared_ptr<arrow::DataType> type) { return arrow::list(std::move(type)); }

// List arrays built from a flat child and per-row offsets (a negative length marks a null row).
std::shared_ptr<arrow::Array> Lists(const std::vector<int>& lengths, const std::shared_ptr<arrow::Array>& values) {
  arrow::Int32Builder offsets;
  arrow::TypedBufferBuilder<bool> validity;
  int32_t at = 0;
  int64_t nulls = 0;
  for (int len : lengths) {
    EXPECT_TRUE(offsets.Append(at).ok());
    EXPECT_TRUE(validity.Append(len >= 0).ok());
    if (len < 0) ++nulls;
    at += std::max(len, 0);
  }
  EXPECT_TRUE(offsets.Append(at).ok());
  auto offset_array = offsets.Finish().ValueOrDie();
  auto bitmap = validity.Finish().ValueOrDie();
  return std::make_shared<arrow::ListArray>(ListOf(values->type()), static_cast<int64_t>(lengths.size()),
                                            offset_array->data()->buffers[1], values, nulls > 0 ? bitmap : nullptr,
                                            nulls);
}

ComponentDescriptor Plain(const std::string& name) { return {std::nullopt, name, std::nullopt}; }
ComponentDescriptor Points3D(const std::string& field, const std::string& type) {
  return {"rerun.archetypes.Points3D", "Points3D:" + field, "rerun.components." + type};
}

const std::shared_ptr<arrow::DataType> kPositionType =
    ListOf(arrow::fixed_size_list(arrow::field("item", arrow::float32(), false), 3));

std::shared_ptr<arrow::Array> Positions(const std::string& json) { return Json(kPositionType, json); }

std::shared_ptr<Chunk> Build(ChunkBuilder& builder) {
  auto chunk = builder.Build();
  EXPECT_TRUE(chunk.ok()) << chunk.status().ToString();
  return *chunk;
}

std::string Redacted(const Chunk& chunk, int width = 240, bool trim_keys = true) {
  return FormatChunk(chunk, FormatOptions{width, true, trim_keys});
}

std::shared_ptr<Chunk> PointsChunk(bool with_frame) {
  ChunkBuilder b("/test/entity");
  if (with_frame) b.AddIndex({"frame", TimeType::kSequence}, {1, 2});
  b.AddComponent(Points3D("positions", "Position3D"), Positions("[[[1, 2, 3]], [[4, 5, 6]]]"));
  return Build(b);
}

TEST(FormatGolden, G1StaticTwoColumns) { EXPECT_EQ(Redacted(*PointsChunk(false)), kG1); }
TEST(FormatGolden, G2Width80) { EXPECT_EQ(Redacted(*PointsChunk(true), 80), kG2); }
TEST(FormatGolden, G3Width40) { EXPECT_EQ(Redacted(*PointsChunk(true), 40), kG3); }
TEST(FormatGolden, G4Width1000) { EXPECT_EQ(Redacted(*PointsChunk(true), 1000), kG4); }

TEST(FormatGolden, G5UntrimmedKeys) {
  ChunkBuilder b("/test/static");
  b.AddComponent(Points3D("positions", "Position3D"), Positions("[[[1, 2, 3]]]"))
      .AddComponent(Points3D("radii", "Radius"), Json(ListOf(arrow::float32()), "[[0.5]]"));
  EXPECT_EQ(Redacted(*Build(b), 240, false), kG5);
}

TEST(FormatGolden, G6PinnedIds) {
  ChunkBuilder b("/e");
  b.WithId(*Tuid::Parse("chunk_18ECF949D06D38DA0166149c843b396e", "chunk"))
      .WithRowIds({*Tuid::Parse("18ECF949D06D38DA0166149C843B396F", "row"),
                   *Tuid::Parse("18ECF949D06D38DA0166149C843B3970", "row")})
      .AddIndex({"frame", TimeType::kSequence}, {1, 2})
      .AddComponent(Points3D("positions", "Position3D"), Positions("[[[1, 2, 3]], [[4, 5, 6]]]"));
  auto chunk = Build(b);
  FormatOptions narrow;
  narrow.width = 100;
  EXPECT_EQ(FormatChunk(*chunk, narrow) + "\n\n" + FormatChunk(*chunk), kG6);
}

TEST(FormatGolden, G7EightColumns) {
  ChunkBuilder b("/robot/arm");
  b.AddIndex({"frame", TimeType::kSequence}, {7})
      .AddIndex({"time", TimeType::kTimestamp}, {1500000000})
      .AddComponent(Points3D("positions", "Position3D"), Positions("[[[1, 2, 3]]]"))
      .AddComponent(Points3D("radii", "Radius"), Json(ListOf(arrow::float32()), "[[0.5]]"))
      .AddComponent(Points3D("colors", "Color"), Json(ListOf(arrow::uint32()), "[[4278190335]]"))
      .AddComponent(Points3D("labels", "Text"), Json(ListOf(arrow::utf8()), R"([["a label with several words"]])"))
      .AddComponent(Points3D("class_ids", "ClassId"), Json(ListOf(arrow::uint16()), "[[3]]"));
  EXPECT_EQ(Redacted(*Build(b)), kG7);
}

std::shared_ptr<Chunk> StaticChunk(const std::vector<std::pair<std::string, std::shared_ptr<arrow::Array>>>& columns,
                                   const std::string& entity_path = "/e") {
  ChunkBuilder b(entity_path);
  for (const auto& [name, array] : columns) b.AddComponent(Plain(name), array);
  return Build(b);
}

TEST(FormatGolden, G8LongCellIsCut) {
  std::string words = "[[";
  for (int i = 0; i < 30; ++i) words += fmt::format("{}\"word{:02}\"", i ? ", " : "", i);
  words += "]]";
  EXPECT_EQ(Redacted(*StaticChunk({{"text", Json(ListOf(arrow::utf8()), words)}}), 120), kG8);
}

TEST(FormatGolden, G9Wrapping) {
  auto s = Json(ListOf(arrow::utf8()),
                R"([["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa tail"], ["two  spaces  here  and  more  words"],
                    ["line1\nline2 wraps here too ok"], ["xxxxxxxxxxxxxxxxxx yy zz"]])");
  EXPECT_EQ(Redacted(*StaticChunk({{"s", s}}), 50), kG9);
}

TEST(FormatGolden, G10IndexTypes) {
  arrow::BinaryBuilder blob_values;
  ASSERT_TRUE(blob_values.Append(std::string("\x00\xff" "ab", 4)).ok());
  ASSERT_TRUE(blob_values.Append("").ok());
  ChunkBuilder b("/e");
  b.AddIndex({"ts", TimeType::kTimestamp}, {500000000, 1000000000000})
      .AddIndex({"dur", TimeType::kDuration}, {1, 1500000000})
      .AddIndex({"seq", TimeType::kSequence}, {10, 20})
      .AddComponent(Plain("flag"), Json(ListOf(arrow::boolean()), "[[true, null], null]"))
      .AddComponent(Plain("blob"), Lists({2, 0}, blob_values.Finish().ValueOrDie()))
      .AddComponent(Plain("name"), Json(ListOf(arrow::utf8()), R"([["hello world"], [null]])"));
  EXPECT_EQ(Redacted(*Build(b)), kG10);
}

TEST(FormatGolden, G11Nested) {
  auto st = arrow::struct_({arrow::field("x", arrow::float64()), arrow::field("y", arrow::int32(), false),
                            arrow::field("name", arrow::utf8())});
  auto chunk = StaticChunk({
      {"st", Json(ListOf(st), R"([[{"x": 1.0, "y": 2, "name": "a b"}, null], [{"x": null, "y": 3, "name": null}]])")},
      {"nested", Json(ListOf(ListOf(arrow::int16())), "[[[1, 2], [3]], [[], null]]")},
      {"fsl", Json(ListOf(arrow::fixed_size_list(arrow::float32(), 3)), "[[[1.0, null, 3.0]], []]")},
      {"fslnn", Json(ListOf(arrow::fixed_size_list(arrow::field("item", arrow::float32(), false), 2)),
                     "[[[1.0, 2.0]], null]")},
      {"fsb", Json(ListOf(arrow::fixed_size_binary(2)), R"([["\u0001\u0002"], [null]])")},
  });
  EXPECT_EQ(Redacted(*chunk, 200), kG11);
}

template <typename Builder, typename T>
std::shared_ptr<arrow::Array> Flat(const std::vector<T>& values) {
  Builder builder;
  for (T v : values) EXPECT_TRUE(builder.Append(v).ok());
  return builder.Finish().ValueOrDie();
}

TEST(FormatGolden, G12Numbers) {
  const double inf = std::numeric_limits<double>::infinity();
  auto f64 = Flat<arrow::DoubleBuilder>(std::vector<double>{1.0, 1e20, std::nan(""), inf, -inf, -0.0, 0.1, 1e15, 1e16,
                                                            1e-4, 1e-5, 3e-7, 123456789.123, 5e-324});
  auto f32 = Flat<arrow::FloatBuilder>(
      std::vector<float>{1.0f, 0.1f, 1e12f, 1e13f, 1e14f, 1e-5f, 1e-6f, 3.4028235e38f, 16777216.0f, 1.5f});
  auto chunk = StaticChunk({
      {"f64", Lists({7, 7}, f64)},
      {"f32", Lists({5, 5}, f32)},
      {"i64", Json(ListOf(arrow::int64()), "[[0, -1, 9223372036854775807], [-9223372036854775808]]")},
  });
  EXPECT_EQ(Redacted(*chunk, 300), kG12);
}

TEST(FormatGolden, G13TimesAndDurations) {
  auto chunk = StaticChunk({
      {"ts", Json(ListOf(arrow::timestamp(arrow::TimeUnit::NANO)), "[[0, 1, 1500000000], [-1, 1000000, 1000]]")},
      {"ts_utc", Json(ListOf(arrow::timestamp(arrow::TimeUnit::NANO, "UTC")), "[[0], [1500000000]]")},
      {"ts_off", Json(ListOf(arrow::timestamp(arrow::TimeUnit::MILLI, "+01:00")), "[[0], [1000000]]")},
      {"dur", Json(ListOf(arrow::duration(arrow::TimeUnit::NANO)), "[[0, -1500000000], [86400000000000, 1000]]")},
      {"dur_s", Json(ListOf(arrow::duration(arrow::TimeUnit::SECOND)), "[[0, 5], [-3, null]]")},
  });
  EXPECT_EQ(Redacted(*chunk, 260), kG13);
}

TEST(FormatGolden, G14ScalarsOfManyTypes) {
  arrow::HalfFloatBuilder halves;
  for (float v : {1.0f, 0.5f, 1e4f}) ASSERT_TRUE(halves.Append(arrow::util::Float16(v).bits()).ok());
  auto chunk = StaticChunk({
      {"str", Json(ListOf(arrow::utf8()), R"([["a", "", null], ["héllo wörld"]])")},
      {"bool", Json(ListOf(arrow::boolean()), "[[true, null], []]")},
      {"nulls", Json(ListOf(arrow::null()), "[[null, null], null]")},
      {"f16", Lists({2, 1}, halves.Finish().ValueOrDie())},
      {"date", Json(ListOf(arrow::date32()), "[[18263], [null]]")},
  });
  EXPECT_EQ(Redacted(*chunk, 200), kG14);
}

TEST(FormatGolden, G15Narrow) {
  EXPECT_EQ(Redacted(*StaticChunk({{"v", Json(ListOf(arrow::utf8()), R"([["abc def ghi jkl mno pqr"]])")}}), 30),
            kG15);
}

TEST(FormatGolden, G16NameTrimming) {
  ChunkBuilder b("/rerun.chunk.e");
  b.AddComponent(Plain("rerun.components.Foo"), Json(ListOf(arrow::int64()), "[[1]]"))
      .AddComponent(Plain(" rerun.rerun.x "), Json(ListOf(arrow::int64()), "[[2]]"));
  EXPECT_EQ(Redacted(*Build(b)), kG16);
}

TEST(FormatGolden, G17VerySmallWidth) {
  EXPECT_EQ(Redacted(*StaticChunk({{"v", Json(ListOf(arrow::utf8()), R"([["ab c"]])")}}, "/x"), 14), kG17);
}

TEST(FormatGolden, G18ZeroRows) {
  ChunkBuilder b("/e");
  b.AddIndex({"frame", TimeType::kSequence}, {})
      .AddComponent({"rerun.archetypes.Scalars", "Scalars:scalars", "rerun.components.Scalar"},
                    Json(ListOf(arrow::float64()), "[]"));
  EXPECT_EQ(Redacted(*Build(b), 100), kG18);
}

TEST(FormatGolden, G19LongEntityPath) {
  std::string path;
  for (int i = 0; i < 8; ++i) path += fmt::format("/segment_{}", i);
  EXPECT_EQ(Redacted(*StaticChunk({{"v", Json(ListOf(arrow::utf8()), R"([["x"]])")}}, path), 40), kG19);
}

TEST(FormatGolden, G20WideCharacters) {
  auto jp = Json(ListOf(arrow::utf8()), R"([["日本語のテキスト 日本語のテキスト", "混合 mixed テキスト text"]])");
  EXPECT_EQ(Redacted(*StaticChunk({{"jp", jp}}), 40), kG20);
}

TEST(FormatGolden, G21FiveColumns) {
  ChunkBuilder b("/e");
  b.AddIndex({"frame", TimeType::kSequence}, {1})
      .AddComponent(Plain("alpha"), Json(ListOf(arrow::float64()), "[[1.5]]"))
      .AddComponent(Plain("beta"), Json(ListOf(arrow::utf8()), R"([["some text value"]])"))
      .AddComponent(Plain("gamma"), Json(ListOf(arrow::boolean()), "[[true]]"));
  EXPECT_EQ(Redacted(*Build(b), 60), kG21);
}

}  // namespace
}  // namespace chunkhouse
