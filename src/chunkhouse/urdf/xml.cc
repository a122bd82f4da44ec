#include "chunkhouse/urdf/xml.h"

#include <expat.h>

#include <memory>

namespace chunkhouse::urdf {

const std::string* XmlElement::Attribute(std::string_view attribute) const {
  for (const auto& [k, v] : attributes) {
    if (k == attribute) return &v;
  }
  return nullptr;
}

namespace {

struct Builder {
  XML_Parser parser = nullptr;
  XmlLimits limits;
  XmlElement root;
  bool have_root = false;
  std::vector<XmlElement*> open;  // the path from the root to the element being read
  int64_t elements = 0;
  std::string error;  // set when a limit stops the parse

  void Stop(std::string why) {
    if (error.empty()) error = std::move(why);
    XML_StopParser(parser, XML_FALSE);
  }
};

void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char** attributes) {
  auto* b = static_cast<Builder*>(data);
  if (!b->error.empty()) return;
  if (static_cast<int>(b->open.size()) >= b->limits.max_depth) {
    return b->Stop("elements nest more than " + std::to_string(b->limits.max_depth) + " deep");
  }
  if (++b->elements > b->limits.max_elements) {
    return b->Stop("more than " + std::to_string(b->limits.max_elements) + " elements");
  }
  XmlElement* e;
  if (b->open.empty()) {
    b->root = XmlElement{};
    b->have_root = true;
    e = &b->root;
  } else {
    e = &b->open.back()->children.emplace_back();
  }
  e->name = name;
  e->line = static_cast<int64_t>(XML_GetCurrentLineNumber(b->parser));
  for (const XML_Char** a = attributes; a && a[0]; a += 2) e->attributes.emplace_back(a[0], a[1]);
  b->open.push_back(e);
}

void XMLCALL OnEnd(void* data, const XML_Char*) {
  auto* b = static_cast<Builder*>(data);
  if (!b->error.empty() || b->open.empty()) return;
  b->open.pop_back();
}

}  // namespace

Result<XmlElement> ParseXml(std::string_view text, const XmlLimits& limits) {
  std::unique_ptr<XML_ParserStruct, void (*)(XML_Parser)> parser(XML_ParserCreate("UTF-8"), XML_ParserFree);
  if (!parser) return Status::OutOfMemory("cannot create an XML parser");
  Builder b;
  b.parser = parser.get();
  b.limits = limits;
  XML_SetUserData(parser.get(), &b);
  XML_SetElementHandler(parser.get(), OnStart, OnEnd);
  XML_SetParamEntityParsing(parser.get(), XML_PARAM_ENTITY_PARSING_NEVER);
  // Fed in pieces: XML_Parse takes an int length.
  constexpr size_t kPiece = 1 << 20;
  size_t at = 0;
  XML_Status st = XML_STATUS_OK;
  do {
    const size_t n = std::min(kPiece, text.size() - at);
    const bool last = at + n == text.size();
    st = XML_Parse(parser.get(), text.data() + at, static_cast<int>(n), last ? XML_TRUE : XML_FALSE);
    at += n;
  } while (st == XML_STATUS_OK && at < text.size());
  const auto line = XML_GetCurrentLineNumber(parser.get());
  const auto column = XML_GetCurrentColumnNumber(parser.get());
  if (!b.error.empty()) return InvalidArgument("XML error at line {}, column {}: {}", line, column, b.error);
  if (st != XML_STATUS_OK) {
    return InvalidArgument("XML error at line {}, column {}: {}", line, column,
                           XML_ErrorString(XML_GetErrorCode(parser.get())));
  }
  if (!b.have_root) return InvalidArgument("XML error: no element");
  return std::move(b.root);
}

}  // namespace chunkhouse::urdf
