#pragma once
// A small XML element tree (names, attributes, child elements; text is dropped), read with
// expat. The tree's size is bounded: nesting depth and element count (XmlLimits), and expat's
// own guard against entity expansion ("billion laughs"); external entities are never loaded.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chunkhouse/base/status.h"

namespace chunkhouse::urdf {

struct XmlElement {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;  // in document order
  std::vector<XmlElement> children;
  int64_t line = 0;  // where the element starts (1-based), for error messages

  // The attribute's value; null when the element has none of that name.
  const std::string* Attribute(std::string_view attribute) const;
};

struct XmlLimits {
  int max_depth = 256;
  int64_t max_elements = 1'000'000;
};

// The document's root element. Errors name the line and column and what was wrong
// ("XML error at line 3, column 7: mismatched tag").
Result<XmlElement> ParseXml(std::string_view text, const XmlLimits& limits = {});

}  // namespace chunkhouse::urdf
