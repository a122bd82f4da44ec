#include "chunkhouse/client/viewer_url.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

namespace chunkhouse::client {

namespace {

constexpr std::string_view kInvalidScheme =
    "Invalid or missing scheme (expected one of: `rerun://`, `rerun+http://`, `rerun+https://`)";

Status Error(std::string_view reason) { return MakeError(ErrorKind::kInvalidArgument, std::string(reason)); }
Status Unexpected(std::string_view what) { return Error(fmt::format("Unexpected URI:: {}", what)); }

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// One IPv4 part as the URL standard reads it: decimal, 0x hex or 0-prefixed octal.
std::optional<uint64_t> Ipv4Number(std::string_view part) {
  int radix = 10;
  if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    radix = 16;
    part.remove_prefix(2);
  } else if (part.size() >= 2 && part[0] == '0') {
    radix = 8;
    part.remove_prefix(1);
  }
  uint64_t v = 0;
  for (char c : part) {
    int d = HexValue(c);
    if (d < 0 || d >= radix) return std::nullopt;
    v = v * static_cast<uint64_t>(radix) + static_cast<uint64_t>(d);
    if (v > 0xFFFFFFFFull) return uint64_t{1} << 40;  // too large, whatever the rest says
  }
  return v;
}

// A host whose last label is a number is an IPv4 address (or invalid).
bool EndsInNumber(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  auto last = host.substr(host.rfind('.') == std::string_view::npos ? 0 : host.rfind('.') + 1);
  if (last.empty()) return false;
  if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; })) return true;
  return Ipv4Number(last).has_value() && StartsWith(last, "0x");
}

Result<std::array<uint8_t, 4>> ParseIpv4(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  std::vector<uint64_t> parts;
  size_t start = 0;
  while (true) {
    size_t dot = host.find('.', start);
    auto n = Ipv4Number(host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (!n || host.substr(start, dot - start).empty()) return Error("invalid IPv4 address");
    parts.push_back(*n);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() > 4) return Error("invalid IPv4 address");
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] > 255) return Error("invalid IPv4 address");
  }
  if (parts.back() >= (uint64_t{1} << (8 * (5 - parts.size())))) return Error("invalid IPv4 address");
  uint64_t v = parts.back();
  for (size_t i = 0; i + 1 < parts.size(); ++i) v += parts[i] << (8 * (3 - i));
  return std::array<uint8_t, 4>{static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                                static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
}

struct Host {
  std::string text;  // serialised
  bool local = false;
  bool unspecified = false;
};

Result<Host> ParseHost(std::string_view raw) {
  if (!raw.empty() && raw.front() == '[') {
    if (raw.back() != ']') return Error("invalid IPv6 address");
    std::string inner(raw.substr(1, raw.size() - 2));
    in6_addr addr{};
    if (inet_pton(AF_INET6, inner.c_str(), &addr) != 1) return Error("invalid IPv6 address");
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(AF_INET6, &addr, buf, sizeof buf);
    Host h{fmt::format("[{}]", buf)};
    static const in6_addr loopback = IN6ADDR_LOOPBACK_INIT;
    h.unspecified = IN6_IS_ADDR_UNSPECIFIED(&addr);
    h.local = h.unspecified || IN6_ARE_ADDR_EQUAL(&addr, &loopback);
    return h;
  }
  if (raw.empty()) return Error("empty host");
  std::string host = PercentDecode(raw);
  constexpr std::string_view kForbidden = " #%/:<>?@[\\]^|";
  for (char& c : host) {
    auto u = static_cast<unsigned char>(c);
    // Non-ASCII names would need IDNA mapping, which we do not do.
    if (u < 0x20 || u >= 0x7F || kForbidden.find(c) != std::string_view::npos) {
      return Error("invalid international domain name");
    }
    c = static_cast<char>(std::tolower(u));
  }
  if (host.empty()) return Error("empty host");
  if (EndsInNumber(host)) {
    ARROW_ASSIGN_OR_RAISE(auto ip, ParseIpv4(host));
    Host h{fmt::format("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3])};
    h.unspecified = ip == std::array<uint8_t, 4>{0, 0, 0, 0};
    h.local = h.unspecified || ip[0] == 127;
    return h;
  }
  return Host{host, host == "localhost", false};
}

struct ParsedUrl {
  bool tls = false;
  Host host;
  std::optional<uint16_t> port;
  std::vector<std::string> segments;  // the path's, percent-encoded as the url crate keeps them
};

std::string EncodePathSegment(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || std::string_view("\"<>`{}").find(c) != std::string_view::npos) {
      out += fmt::format("%{:02X}", u);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// What Rerun's Origin::replace_and_parse and the url crate make of an input, up to the port
// default (left to the callers).
Result<ParsedUrl> ParseUrl(std::string_view input) {
  ParsedUrl out;
  std::string rewritten;
  if (input.find("://") != std::string_view::npos) {
    if (StartsWith(input, "rerun+http://")) {
      rewritten = "http://" + std::string(input.substr(13));
    } else if (StartsWith(input, "rerun://")) {
      rewritten = "https://" + std::string(input.substr(8));
      out.tls = true;
    } else if (StartsWith(input, "rerun+https://")) {
      rewritten = "https://" + std::string(input.substr(14));
      out.tls = true;
    } else {
      return Error(kInvalidScheme);
    }
  } else if (input.find("localhost") != std::string_view::npos || input.find("127.0.0.1") != std::string_view::npos) {
    rewritten = "http://" + std::string(input);
  } else if (input.find("rerun.io") != std::string_view::npos) {
    rewritten = "https://" + std::string(input);
    out.tls = true;
  } else {
    return Error(kInvalidScheme);
  }
  // The URL standard drops tabs and newlines anywhere and spaces and controls at the ends.
  std::string url;
  for (char c : rewritten) {
    if (c != '\t' && c != '\n' && c != '\r') url.push_back(c);
  }
  while (!url.empty() && static_cast<unsigned char>(url.back()) <= 0x20) url.pop_back();
  std::string_view rest = url;
  rest.remove_prefix(rest.find("://") + 3);
  while (!rest.empty() && (rest.front() == '/' || rest.front() == '\\')) rest.remove_prefix(1);
  size_t end = rest.find_first_of("/\\?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view path = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Error("invalid IPv6 address");
    host = authority.substr(0, close + 1);
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Error("invalid port number");
      port = after.substr(1);
    }
  } else if (auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  ARROW_ASSIGN_OR_RAISE(out.host, ParseHost(host));
  if (!port.empty()) {
    uint32_t v = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return Error("invalid port number");
      v = v * 10 + static_cast<uint32_t>(c - '0');
      if (v > 65535) return Error("invalid port number");
    }
    out.port = static_cast<uint16_t>(v);
  }
  path = path.substr(0, path.find_first_of("?#"));
  // Path segments, with "." and ".." resolved as the url crate does.
  size_t pos = path.empty() ? std::string_view::npos : 1;
  while (pos != std::string_view::npos && pos <= path.size()) {
    size_t next = path.find_first_of("/\\", pos);
    std::string segment = EncodePathSegment(path.substr(pos, next == std::string_view::npos ? next : next - pos));
    std::string lower = segment;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == ".." || lower == ".%2e" || lower == "%2e." || lower == "%2e%2e") {
      if (!out.segments.empty()) out.segments.pop_back();
      if (next == std::string_view::npos) out.segments.emplace_back();
    } else if (lower == "." || lower == "%2e") {
      if (next == std::string_view::npos) out.segments.emplace_back();
    } else {
      out.segments.push_back(std::move(segment));
    }
    pos = next == std::string_view::npos ? next : next + 1;
  }
  return out;
}

ViewerOrigin Origin(const ParsedUrl& url, uint16_t port) {
  return ViewerOrigin{url.tls, url.host.unspecified ? "127.0.0.1" : url.host.text, port};
}

// A TUID in hex, as Rust's u128::from_str_radix(s, 16) takes it.
Status CheckTuid(std::string_view s) {
  std::string_view digits = StartsWith(s, "+") ? s.substr(1) : s;
  if (s.empty() || (digits.empty() && s == "+")) {
    return Error(s.empty() ? "Invalid TUID: cannot parse integer from empty string" : "Invalid TUID: invalid digit found in string");
  }
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return HexValue(c) >= 0; })) {
    return Error("Invalid TUID: invalid digit found in string");
  }
  auto significant = digits.substr(std::min(digits.find_first_not_of('0'), digits.size()));
  if (significant.size() > 32) return Error("Invalid TUID: number too large to fit in target type");
  return Status::OK();
}

}  // namespace

std::string ViewerOrigin::Target() const { return fmt::format("{}:{}", host, port); }

std::string ViewerOrigin::ToString() const {
  return fmt::format("{}://{}:{}", tls ? "rerun" : "rerun+http", host, port);
}

Result<ViewerOrigin> ParseProxyUrl(std::string_view url) {
  // A '+' that a browser turned into a space is repaired first.
  std::string input = ReplaceAll(ReplaceAll(std::string(url), "rerun http", "rerun+http"), "rerun https", "rerun+https");
  ARROW_ASSIGN_OR_RAISE(auto parsed, ParseUrl(input));
  uint16_t port = parsed.port.value_or(parsed.host.local ? (input.find("/proxy") != std::string::npos ? 9876 : 51234)
                                                         : (parsed.tls ? 443 : 80));
  std::vector<std::string_view> segments;
  for (size_t i = 0; i < parsed.segments.size() && i < 3; ++i) {
    if (!parsed.segments[i].empty()) segments.push_back(parsed.segments[i]);
  }
  if (segments.size() == 1 && segments[0] == "proxy") return Origin(parsed, port);
  if (segments.empty() || (segments.size() == 1 && segments[0] == "catalog")) return Unexpected(url);
  if ((segments[0] == "entry" || segments[0] == "dataset") && segments.size() >= 2) {
    ARROW_RETURN_NOT_OK(CheckTuid(segments[1]));
    return Unexpected(url);
  }
  if (segments[0] == "folder" && segments.size() >= 2) {
    if (PercentDecode(segments[1]).empty()) return Unexpected("folder/");
    return Unexpected(url);
  }
  return Unexpected(fmt::format("{}/", segments[0]));
}

Result<ViewerOrigin> ParseViewerOrigin(std::string_view url) {
  ARROW_ASSIGN_OR_RAISE(auto parsed, ParseUrl(url));
  return Origin(parsed, parsed.port.value_or(parsed.tls ? 443 : 80));
}

}  // namespace chunkhouse::client
