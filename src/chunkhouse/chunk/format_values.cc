#include "chunkhouse/chunk/format_values.h"

#include <arrow/array.h>
#include <arrow/extension_type.h>
#include <arrow/type.h>
#include <arrow/util/bit_util.h>
#include <arrow/util/decimal.h>
#include <arrow/util/float16.h>
#include <fmt/format.h>

// Arrow's vendored copy of Howard Hinnant's tz library, built against the OS time zone database.
#ifndef USE_OS_TZDB
#define USE_OS_TZDB 1
#endif
#include <arrow/vendored/datetime.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

#include "chunkhouse/base/type_text.h"

namespace chunkhouse::format {
namespace {

using Error = std::optional<std::string>;
constexpr int64_t kSecondsPerDay = 86400;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year;
  int month, day;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

// chrono's NaiveDate range: years -262143 ..= 262142.
const int64_t kMinDays = DaysFromCivil(-262143, 1, 1);
const int64_t kMaxDays = DaysFromCivil(262142, 12, 31);

bool DateInRange(int64_t seconds) {
  const int64_t days = FloorDiv(seconds, kSecondsPerDay);
  return days >= kMinDays && days <= kMaxDays;
}

void AppendYear(std::string& out, int64_t year) {
  // chrono writes four digits in 0..=9999 and a sign with at least four digits outside it.
  if (year >= 0 && year <= 9999) {
    out += fmt::format("{:04}", year);
  } else {
    out += fmt::format("{}{:04}", year < 0 ? '-' : '+', year < 0 ? -year : year);
  }
}

// Fractions of a second in groups of 3, 6 or 9 digits, none when zero (chrono's Debug and AutoSi).
void AppendFraction(std::string& out, int32_t nanos) {
  if (nanos == 0) return;
  if (nanos % 1000000 == 0) {
    out += fmt::format(".{:03}", nanos / 1000000);
  } else if (nanos % 1000 == 0) {
    out += fmt::format(".{:06}", nanos / 1000);
  } else {
    out += fmt::format(".{:09}", nanos);
  }
}

void AppendDate(std::string& out, int64_t days) {
  Civil c = CivilFromDays(days);
  AppendYear(out, c.year);
  out += fmt::format("-{:02}-{:02}", c.month, c.day);
}

void AppendTime(std::string& out, int64_t second_of_day, int32_t nanos) {
  out += fmt::format("{:02}:{:02}:{:02}", second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60);
  AppendFraction(out, nanos);
}

// Shortest round-trip digits and decimal exponent: value = 0.d1d2d3… × 10^kk.
template <typename F>
std::pair<std::string, int> ShortestDigits(F value) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), std::fabs(value), std::chars_format::scientific);
  std::string_view text(buf, res.ptr - buf);
  size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = std::atoi(std::string(text.substr(e + 1)).c_str());
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  return {digits, exponent + 1};
}

template <typename F>
std::string RyuFormat(F value, int max_fixed, int min_fixed) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  auto [digits, kk] = ShortestDigits(value);
  const int length = static_cast<int>(digits.size());
  const int k = kk - length;  // value = digits × 10^k
  std::string out = std::signbit(value) ? "-" : "";
  if (k >= 0 && kk <= max_fixed) {
    out += digits + std::string(k, '0') + ".0";
  } else if (kk > 0 && kk <= max_fixed) {
    out += digits.substr(0, kk) + "." + digits.substr(kk);
  } else if (kk > min_fixed && kk <= 0) {
    out += "0." + std::string(-kk, '0') + digits;
  } else {
    out += digits.substr(0, 1);
    if (length > 1) out += "." + digits.substr(1);
    out += "e" + std::to_string(kk - 1);
  }
  return out;
}

// Rust's Display of a float: shortest round-trip digits, never an exponent.
template <typename F>
std::string RustDisplay(F value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  std::string out = std::signbit(value) ? "-" : "";
  if (value == 0) return out + "0";
  auto [digits, kk] = ShortestDigits(value);
  const int length = static_cast<int>(digits.size());
  if (kk <= 0) return out + "0." + std::string(-kk, '0') + digits;
  if (kk >= length) return out + digits + std::string(kk - length, '0');
  return out + digits.substr(0, kk) + "." + digits.substr(kk);
}

// ---------------------------------------------------------------------------------------------
// Writers per type. Each returns an error text or nothing; callers that arrow-rs formats through
// a `ValueFormatter` (cells, list items, struct fields) write "ERROR: " + the error instead.


Error WriteItem(const WriteValue& write, int64_t i, std::string& out) {
  if (auto err = write(i, out)) out += "ERROR: " + *err;
  return std::nullopt;
}

bool PhysicallyNull(const arrow::Array& array, int64_t i) {
  const uint8_t* bitmap = array.null_bitmap_data();
  return bitmap != nullptr && !arrow::bit_util::GetBit(bitmap, array.offset() + i);
}

std::string CastError(const std::string& what) { return "Cast error: " + what; }

Result<WriteValue> MakeWriter(const std::shared_ptr<arrow::Array>& array, size_t limit);

// Integer-like values of any primitive width, read as int64 (time types are int32 or int64).
int64_t IntegerAt(const arrow::Array& array, int64_t i) {
  const auto& data = *array.data();
  switch (static_cast<const arrow::FixedWidthType&>(*array.type()).bit_width()) {
    case 8: return data.GetValues<int8_t>(1)[i];
    case 16: return data.GetValues<int16_t>(1)[i];
    case 32: return data.GetValues<int32_t>(1)[i];
    default: return data.GetValues<int64_t>(1)[i];
  }
}

int64_t UnitsPerSecond(arrow::TimeUnit::type unit) {
  switch (unit) {
    case arrow::TimeUnit::SECOND: return 1;
    case arrow::TimeUnit::MILLI: return 1000;
    case arrow::TimeUnit::MICRO: return 1000000;
    default: return 1000000000;
  }
}

// A fixed "+HH:MM", "+HHMM" or "+HH" offset in seconds, as arrow-rs reads time zone strings first.
std::optional<int> FixedOffset(std::string_view tz) {
  std::string digits;
  if (tz.size() == 6 && tz[3] == ':') {
    digits = std::string(tz.substr(1, 2)) + std::string(tz.substr(4, 2));
  } else if (tz.size() == 5) {
    digits = std::string(tz.substr(1, 4));
  } else if (tz.size() == 3) {
    digits = std::string(tz.substr(1, 2)) + "00";
  } else {
    return std::nullopt;
  }
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int secs = ((digits[0] - '0') * 10 + (digits[1] - '0')) * 3600 + ((digits[2] - '0') * 10 + (digits[3] - '0')) * 60;
  if (secs >= kSecondsPerDay) return std::nullopt;  // chrono's FixedOffset bound
  if (tz[0] == '+') return secs;
  if (tz[0] == '-') return -secs;
  return std::nullopt;
}

// The offset from UTC, in seconds, of a time zone at a UTC instant.
using OffsetAt = std::function<int64_t(int64_t utc_seconds)>;

Result<OffsetAt> TimeZone(const std::string& tz) {
  // The zone every Rerun timestamp with a zone uses, without needing the OS time zone files.
  if (tz == "UTC" || tz == "Etc/UTC") return OffsetAt([](int64_t) { return int64_t{0}; });
  if (auto fixed = FixedOffset(tz)) {
    int offset = *fixed;
    return OffsetAt([offset](int64_t) { return offset; });
  }
  const arrow_vendored::date::time_zone* zone = nullptr;
  try {
    zone = arrow_vendored::date::locate_zone(tz);
  } catch (const std::exception&) {
    zone = nullptr;
  }
  if (zone == nullptr) {
    return Status::Invalid(fmt::format("Parser error: Invalid timezone \"{}\": failed to parse timezone", tz));
  }
  return OffsetAt([zone](int64_t utc) -> int64_t {
    try {
      auto info = zone->get_info(arrow_vendored::date::sys_seconds{std::chrono::seconds{utc}});
      return info.offset.count();
    } catch (const std::exception&) {
      return 0;
    }
  });
}

void AppendOffset(std::string& out, int64_t offset) {
  if (offset == 0) {
    out += 'Z';
    return;
  }
  char sign = offset < 0 ? '-' : '+';
  int64_t minutes = ((offset < 0 ? -offset : offset) + 30) / 60;  // chrono rounds to minutes
  out += fmt::format("{}{:02}:{:02}", sign, minutes / 60, minutes % 60);
}

Result<WriteValue> TimestampWriter(const std::shared_ptr<arrow::Array>& array) {
  const auto& type = static_cast<const arrow::TimestampType&>(*array->type());
  const int64_t per_second = UnitsPerSecond(type.unit());
  std::optional<OffsetAt> zone;
  if (!type.timezone().empty()) {
    ARROW_ASSIGN_OR_RAISE(zone, TimeZone(type.timezone()));
  }
  const int64_t* values = array->data()->GetValues<int64_t>(1);
  std::string type_text = TypeDisplay(type);
  return WriteValue([=, keep = array](int64_t i, std::string& out) -> Error {
    const int64_t v = values[i];
    int64_t seconds = FloorDiv(v, per_second);
    const auto nanos = static_cast<int32_t>(FloorMod(v, per_second) * (1000000000 / per_second));
    if (!DateInRange(seconds)) {
      return CastError(fmt::format("Failed to convert {} to datetime for {}", v, type_text));
    }
    int64_t offset = 0;
    if (zone) {
      offset = (*zone)(seconds);
      seconds += offset;
    }
    out += NaiveDateTimeText(seconds, nanos);
    if (zone) AppendOffset(out, offset);
    return std::nullopt;
  });
}

Result<WriteValue> TimeOfDayWriter(const std::shared_ptr<arrow::Array>& array, arrow::TimeUnit::type unit) {
  const int64_t per_second = UnitsPerSecond(unit);
  std::string type_text = TypeDisplay(*array->type());
  return WriteValue([=](int64_t i, std::string& out) -> Error {
    const int64_t v = IntegerAt(*array, i);
    if (v < 0 || v / per_second >= kSecondsPerDay) {
      return CastError(fmt::format("Failed to convert {} to temporal for {}", v, type_text));
    }
    AppendTime(out, v / per_second, static_cast<int32_t>(v % per_second * (1000000000 / per_second)));
    return std::nullopt;
  });
}

WriteValue DurationWriter(const std::shared_ptr<arrow::Array>& array, arrow::TimeUnit::type unit) {
  const int64_t per_second = UnitsPerSecond(unit);
  const int64_t* values = array->data()->GetValues<int64_t>(1);
  return [=, keep = array](int64_t i, std::string& out) -> Error {
    const int64_t v = values[i];
    // chrono's TimeDelta holds at most i64::MAX milliseconds either way.
    constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / 1000;
    if ((unit == arrow::TimeUnit::SECOND && (v > kMaxSeconds || v < -kMaxSeconds)) ||
        (unit == arrow::TimeUnit::MILLI && v == std::numeric_limits<int64_t>::min())) {
      out += "<invalid>";
      return std::nullopt;
    }
    out += DurationText(FloorDiv(v, per_second),
                        static_cast<int32_t>(FloorMod(v, per_second) * (1000000000 / per_second)));
    return std::nullopt;
  };
}

std::string DecimalText(std::string digits, int precision, int scale) {
  std::string sign;
  if (!digits.empty() && digits[0] == '-') {
    sign = "-";
    digits.erase(0, 1);
  }
  // arrow-rs keeps at most `precision` digits.
  if (static_cast<int>(digits.size()) > precision) digits.resize(static_cast<size_t>(std::max(precision, 0)));
  std::string value = sign + digits;
  if (scale == 0) return value;
  if (scale < 0) return value + std::string(static_cast<size_t>(-scale), '0');
  if (static_cast<int>(digits.size()) > scale) {
    return value.substr(0, value.size() - scale) + "." + value.substr(value.size() - scale);
  }
  return sign + "0." + std::string(static_cast<size_t>(scale) - digits.size(), '0') + digits;
}

// "1 hours 2 mins 3.000000004 secs" from a count of `units` (`per_second` to a second, written
// with `digits` fraction digits); parts that are zero are left out.
template <typename Int>
std::string IntervalText(Int units, Int per_second, int digits, const char* prefix) {
  std::string out;
  Int secs = units / per_second;
  Int mins = secs / 60;
  Int hours = mins / 60;
  secs -= mins * 60;
  mins -= hours * 60;
  Int fraction = units % per_second;
  if (hours != 0) {
    out += fmt::format("{}{} hours", prefix, hours);
    prefix = " ";
  }
  if (mins != 0) {
    out += fmt::format("{}{} mins", prefix, mins);
    prefix = " ";
  }
  if (secs != 0 || fraction != 0) {
    out += fmt::format("{}{}{}.{:0{}} secs", prefix, (secs < 0 || fraction < 0) ? "-" : "", std::abs(secs),
                       std::abs(fraction), digits);
  }
  return out;
}

std::string IntervalNanosText(int64_t nanoseconds, const char* prefix) {
  return IntervalText<int64_t>(nanoseconds, 1000000000, 9, prefix);
}

std::string IntervalMillisText(int32_t milliseconds, const char* prefix) {
  return IntervalText<int32_t>(milliseconds, 1000, 3, prefix);
}

void AppendHex(std::string& out, std::string_view bytes, size_t limit) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (unsigned char b : bytes) {
    if (out.size() >= limit) return;
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
}

// "[a, b, c]" over [start, end) of a child writer; stops once the cell is long enough.
Error WriteList(const WriteValue& item, int64_t start, int64_t end, std::string& out, size_t limit) {
  out += '[';
  for (int64_t k = start; k < end; ++k) {
    if (out.size() >= limit) return std::nullopt;
    if (k > start) out += ", ";
    WriteItem(item, k, out);
  }
  out += ']';
  return std::nullopt;
}

template <typename RunEnd>
int64_t PhysicalIndex(const arrow::RunEndEncodedArray& array, int64_t i) {
  const auto& run_ends = *array.run_ends();
  const RunEnd* ends = run_ends.data()->GetValues<RunEnd>(1);
  const int64_t logical = array.offset() + i;
  const RunEnd* it = std::upper_bound(ends, ends + run_ends.length(), logical,
                                      [](int64_t v, RunEnd e) { return v < static_cast<int64_t>(e); });
  return it - ends;
}

Result<WriteValue> MakeTypedWriter(const std::shared_ptr<arrow::Array>& array, size_t limit) {
  using T = arrow::Type;
  const arrow::DataType& type = *array->type();
  const auto& data = *array->data();
  switch (type.id()) {
    case T::NA:
      return WriteValue([](int64_t, std::string& out) -> Error {
        out += "null";
        return std::nullopt;
      });
    case T::BOOL:
      return WriteValue([array](int64_t i, std::string& out) -> Error {
        out += static_cast<const arrow::BooleanArray&>(*array).Value(i) ? "true" : "false";
        return std::nullopt;
      });
#define CHUNKHOUSE_INT_WRITER(TYPE_ID, CTYPE)                           \
  case T::TYPE_ID: {                                                    \
    const CTYPE* values = data.GetValues<CTYPE>(1);                     \
    return WriteValue([array, values](int64_t i, std::string& out) -> Error { \
      char buf[24];                                                     \
      auto res = std::to_chars(buf, buf + sizeof(buf), values[i]);      \
      out.append(buf, res.ptr);                                         \
      return std::nullopt;                                              \
    });                                                                 \
  }
      CHUNKHOUSE_INT_WRITER(INT8, int8_t)
      CHUNKHOUSE_INT_WRITER(INT16, int16_t)
      CHUNKHOUSE_INT_WRITER(INT32, int32_t)
      CHUNKHOUSE_INT_WRITER(INT64, int64_t)
      CHUNKHOUSE_INT_WRITER(UINT8, uint8_t)
      CHUNKHOUSE_INT_WRITER(UINT16, uint16_t)
      CHUNKHOUSE_INT_WRITER(UINT32, uint32_t)
      CHUNKHOUSE_INT_WRITER(UINT64, uint64_t)
#undef CHUNKHOUSE_INT_WRITER
    case T::HALF_FLOAT: {
      const uint16_t* values = data.GetValues<uint16_t>(1);
      return WriteValue([array, values](int64_t i, std::string& out) -> Error {
        out += RustFloatDisplay(arrow::util::Float16::FromBits(values[i]).ToFloat());
        return std::nullopt;
      });
    }
    case T::FLOAT: {
      const float* values = data.GetValues<float>(1);
      return WriteValue([array, values](int64_t i, std::string& out) -> Error {
        out += RyuText(values[i]);
        return std::nullopt;
      });
    }
    case T::DOUBLE: {
      const double* values = data.GetValues<double>(1);
      return WriteValue([array, values](int64_t i, std::string& out) -> Error {
        out += RyuText(values[i]);
        return std::nullopt;
      });
    }
    case T::DECIMAL32:
    case T::DECIMAL64:
    case T::DECIMAL128:
    case T::DECIMAL256: {
      const auto& dt = static_cast<const arrow::DecimalType&>(type);
      const int precision = dt.precision(), scale = dt.scale();
      return WriteValue([array, precision, scale](int64_t i, std::string& out) -> Error {
        const auto& fsb = static_cast<const arrow::FixedSizeBinaryArray&>(*array);
        const uint8_t* bytes = fsb.GetValue(i);
        std::string digits;
        switch (array->type_id()) {
          case arrow::Type::DECIMAL32: digits = arrow::Decimal32(bytes).ToIntegerString(); break;
          case arrow::Type::DECIMAL64: digits = arrow::Decimal64(bytes).ToIntegerString(); break;
          case arrow::Type::DECIMAL128: digits = arrow::Decimal128(bytes).ToIntegerString(); break;
          default: digits = arrow::Decimal256(bytes).ToIntegerString(); break;
        }
        out += DecimalText(std::move(digits), precision, scale);
        return std::nullopt;
      });
    }
    case T::DATE32: {
      const int32_t* values = data.GetValues<int32_t>(1);
      return WriteValue([array, values](int64_t i, std::string& out) -> Error {
        const int64_t days = values[i];
        if (days < kMinDays || days > kMaxDays) {
          return CastError(fmt::format("Failed to convert {} to temporal for Date32", values[i]));
        }
        AppendDate(out, days);
        return std::nullopt;
      });
    }
    case T::DATE64: {
      const int64_t* values = data.GetValues<int64_t>(1);
      return WriteValue([array, values](int64_t i, std::string& out) -> Error {
        const int64_t seconds = FloorDiv(values[i], 1000);
        if (!DateInRange(seconds)) {
          return CastError(fmt::format("Failed to convert {} to temporal for Date64", values[i]));
        }
        out += NaiveDateTimeText(seconds, static_cast<int32_t>(FloorMod(values[i], 1000) * 1000000));
        return std::nullopt;
      });
    }
    case T::TIME32:
      return TimeOfDayWriter(array, static_cast<const arrow::Time32Type&>(type).unit());
    case T::TIME64:
      return TimeOfDayWriter(array, static_cast<const arrow::Time64Type&>(type).unit());
    case T::TIMESTAMP:
      return TimestampWriter(array);
    case T::DURATION:
      return DurationWriter(array, static_cast<const arrow::DurationType&>(type).unit());
    case T::INTERVAL_MONTHS: {
      const int32_t* values = data.GetValues<int32_t>(1);
      return WriteValue([array, values](int64_t i, std::string& out) -> Error {
        const double interval = values[i];
        const double years = std::floor(interval / 12.0);
        const double months = interval - years * 12.0;
        out += RustFloatDisplay(years) + " years " + RustFloatDisplay(months) + " mons";
        return std::nullopt;
      });
    }
    case T::INTERVAL_DAY_TIME: {
      return WriteValue([array](int64_t i, std::string& out) -> Error {
        auto v = static_cast<const arrow::DayTimeIntervalArray&>(*array).GetValue(i);
        if (v.days == 0 && v.milliseconds == 0) {
          out += "0 secs";
          return std::nullopt;
        }
        const char* prefix = "";
        if (v.days != 0) {
          out += fmt::format("{} days", v.days);
          prefix = " ";
        }
        if (v.milliseconds != 0) out += IntervalMillisText(v.milliseconds, prefix);
        return std::nullopt;
      });
    }
    case T::INTERVAL_MONTH_DAY_NANO: {
      return WriteValue([array](int64_t i, std::string& out) -> Error {
        auto v = static_cast<const arrow::MonthDayNanoIntervalArray&>(*array).GetValue(i);
        if (v.months == 0 && v.days == 0 && v.nanoseconds == 0) {
          out += "0 secs";
          return std::nullopt;
        }
        const char* prefix = "";
        if (v.months != 0) {
          out += fmt::format("{} mons", v.months);
          prefix = " ";
        }
        if (v.days != 0) {
          out += fmt::format("{}{} days", prefix, v.days);
          prefix = " ";
        }
        if (v.nanoseconds != 0) out += IntervalNanosText(v.nanoseconds, prefix);
        return std::nullopt;
      });
    }
    case T::STRING:
    case T::LARGE_STRING:
    case T::STRING_VIEW:
    case T::BINARY:
    case T::LARGE_BINARY:
    case T::BINARY_VIEW:
    case T::FIXED_SIZE_BINARY: {
      const bool text = type.id() == T::STRING || type.id() == T::LARGE_STRING || type.id() == T::STRING_VIEW;
      return WriteValue([array, text, limit](int64_t i, std::string& out) -> Error {
        std::string_view bytes;
        switch (array->type_id()) {
          case arrow::Type::STRING:
          case arrow::Type::BINARY: bytes = static_cast<const arrow::BinaryArray&>(*array).GetView(i); break;
          case arrow::Type::LARGE_STRING:
          case arrow::Type::LARGE_BINARY: bytes = static_cast<const arrow::LargeBinaryArray&>(*array).GetView(i); break;
          case arrow::Type::STRING_VIEW:
          case arrow::Type::BINARY_VIEW: bytes = static_cast<const arrow::BinaryViewArray&>(*array).GetView(i); break;
          default: bytes = static_cast<const arrow::FixedSizeBinaryArray&>(*array).GetView(i); break;
        }
        if (text) {
          out.append(bytes.substr(0, std::min(bytes.size(), limit)));
        } else {
          AppendHex(out, bytes, limit);
        }
        return std::nullopt;
      });
    }
    case T::DICTIONARY: {
      const auto& dict = static_cast<const arrow::DictionaryArray&>(*array);
      ARROW_ASSIGN_OR_RAISE(auto values, MakeWriter(dict.dictionary(), limit));
      auto indices = dict.indices();
      return WriteValue([indices, values](int64_t i, std::string& out) -> Error {
        return values(IntegerAt(*indices, i), out);  // not an item of its own: errors pass up
      });
    }
    case T::LIST:
    case T::LARGE_LIST:
    case T::LIST_VIEW:
    case T::LARGE_LIST_VIEW:
    case T::FIXED_SIZE_LIST: {
      std::shared_ptr<arrow::Array> values;
      switch (type.id()) {
        case T::LIST: values = static_cast<const arrow::ListArray&>(*array).values(); break;
        case T::LARGE_LIST: values = static_cast<const arrow::LargeListArray&>(*array).values(); break;
        case T::LIST_VIEW: values = static_cast<const arrow::ListViewArray&>(*array).values(); break;
        case T::LARGE_LIST_VIEW: values = static_cast<const arrow::LargeListViewArray&>(*array).values(); break;
        default: values = static_cast<const arrow::FixedSizeListArray&>(*array).values(); break;
      }
      ARROW_ASSIGN_OR_RAISE(auto item, MakeWriter(values, limit));
      return WriteValue([array, item, limit](int64_t i, std::string& out) -> Error {
        int64_t start = 0, end = 0;
        switch (array->type_id()) {
          case arrow::Type::LIST: {
            const auto& l = static_cast<const arrow::ListArray&>(*array);
            start = l.value_offset(i), end = l.value_offset(i + 1);
            break;
          }
          case arrow::Type::LARGE_LIST: {
            const auto& l = static_cast<const arrow::LargeListArray&>(*array);
            start = l.value_offset(i), end = l.value_offset(i + 1);
            break;
          }
          case arrow::Type::LIST_VIEW: {
            const auto& l = static_cast<const arrow::ListViewArray&>(*array);
            start = l.value_offset(i), end = start + l.value_length(i);
            break;
          }
          case arrow::Type::LARGE_LIST_VIEW: {
            const auto& l = static_cast<const arrow::LargeListViewArray&>(*array);
            start = l.value_offset(i), end = start + l.value_length(i);
            break;
          }
          default: {
            const auto& l = static_cast<const arrow::FixedSizeListArray&>(*array);
            start = l.value_offset(i), end = start + l.value_length(i);
            break;
          }
        }
        return WriteList(item, start, end, out, limit);
      });
    }
    case T::STRUCT: {
      const auto& st = static_cast<const arrow::StructArray&>(*array);
      std::vector<std::pair<std::string, WriteValue>> fields;
      for (int f = 0; f < st.num_fields(); ++f) {
        ARROW_ASSIGN_OR_RAISE(auto w, MakeWriter(st.field(f), limit));
        fields.emplace_back(type.field(f)->name(), std::move(w));
      }
      return WriteValue([fields, limit](int64_t i, std::string& out) -> Error {
        out += '{';
        for (size_t f = 0; f < fields.size(); ++f) {
          if (out.size() >= limit) return std::nullopt;
          if (f > 0) out += ", ";
          out += fields[f].first + ": ";
          WriteItem(fields[f].second, i, out);
        }
        out += '}';
        return std::nullopt;
      });
    }
    case T::MAP: {
      const auto& map = static_cast<const arrow::MapArray&>(*array);
      ARROW_ASSIGN_OR_RAISE(auto keys, MakeWriter(map.keys(), limit));
      ARROW_ASSIGN_OR_RAISE(auto items, MakeWriter(map.items(), limit));
      return WriteValue([array, keys, items, limit](int64_t i, std::string& out) -> Error {
        const auto& m = static_cast<const arrow::MapArray&>(*array);
        out += '{';
        for (int64_t k = m.value_offset(i); k < m.value_offset(i + 1); ++k) {
          if (out.size() >= limit) return std::nullopt;
          if (k > m.value_offset(i)) out += ", ";
          WriteItem(keys, k, out);
          out += ": ";
          WriteItem(items, k, out);
        }
        out += '}';
        return std::nullopt;
      });
    }
    case T::SPARSE_UNION:
    case T::DENSE_UNION: {
      const auto& un = static_cast<const arrow::UnionArray&>(*array);
      std::vector<std::pair<std::string, WriteValue>> children;
      for (int c = 0; c < un.num_fields(); ++c) {
        ARROW_ASSIGN_OR_RAISE(auto w, MakeWriter(un.field(c), limit));
        children.emplace_back(type.field(c)->name(), std::move(w));
      }
      return WriteValue([array, children](int64_t i, std::string& out) -> Error {
        const auto& u = static_cast<const arrow::UnionArray&>(*array);
        const int child = u.child_id(i);
        if (child < 0 || child >= static_cast<int>(children.size())) {
          return fmt::format("Invalid argument error: union type id {} has no child", u.type_code(i));
        }
        const int64_t index = array->type_id() == arrow::Type::DENSE_UNION
                                  ? static_cast<const arrow::DenseUnionArray&>(u).value_offset(i)
                                  : i;
        out += '{' + children[child].first + '=';
        WriteItem(children[child].second, index, out);
        out += '}';
        return std::nullopt;
      });
    }
    case T::RUN_END_ENCODED: {
      const auto& ree = static_cast<const arrow::RunEndEncodedArray&>(*array);
      ARROW_ASSIGN_OR_RAISE(auto values, MakeWriter(ree.values(), limit));
      return WriteValue([array, values](int64_t i, std::string& out) -> Error {
        const auto& r = static_cast<const arrow::RunEndEncodedArray&>(*array);
        int64_t physical = 0;
        switch (r.run_ends()->type_id()) {
          case arrow::Type::INT16: physical = PhysicalIndex<int16_t>(r, i); break;
          case arrow::Type::INT32: physical = PhysicalIndex<int32_t>(r, i); break;
          default: physical = PhysicalIndex<int64_t>(r, i); break;
        }
        WriteItem(values, physical, out);
        return std::nullopt;
      });
    }
    case T::EXTENSION: {
      const auto& ext = static_cast<const arrow::ExtensionArray&>(*array);
      return MakeWriter(ext.storage(), limit);
    }
    default:
      return Status::NotImplemented(
          fmt::format("Not yet implemented: formatting {} is not yet supported", TypeDisplay(type)));
  }
}

// The typed writer behind a null check on the array's validity bitmap (arrow-rs looks at the
// physical nulls only: a union or run-end array has none of its own).
Result<WriteValue> MakeWriter(const std::shared_ptr<arrow::Array>& array, size_t limit) {
  ARROW_ASSIGN_OR_RAISE(WriteValue typed, MakeTypedWriter(array, limit));
  if (array->null_bitmap_data() == nullptr) return typed;
  return WriteValue([array, typed](int64_t i, std::string& out) -> Error {
    if (PhysicallyNull(*array, i)) {
      out += "null";
      return std::nullopt;
    }
    return typed(i, out);
  });
}

}  // namespace

Result<ValueText> ValueText::Make(const std::shared_ptr<arrow::Array>& array, size_t byte_limit) {
  ARROW_ASSIGN_OR_RAISE(WriteValue write, MakeWriter(array, byte_limit));
  return ValueText(std::move(write));
}

std::string ValueText::operator()(int64_t i) const {
  std::string out;
  WriteItem(write_, i, out);
  return out;
}

std::string RyuText(double value) { return RyuFormat(value, 16, -5); }
std::string RyuText(float value) { return RyuFormat(value, 13, -6); }

std::string RustFloatDisplay(float value) { return RustDisplay(value); }
std::string RustFloatDisplay(double value) { return RustDisplay(value); }

std::string NaiveDateTimeText(int64_t seconds, int32_t nanos) {
  std::string out;
  AppendDate(out, FloorDiv(seconds, kSecondsPerDay));
  out += 'T';
  AppendTime(out, FloorMod(seconds, kSecondsPerDay), nanos);
  return out;
}

std::string DurationText(int64_t seconds, int32_t nanos) {
  // chrono keeps (seconds, 0 <= nanos < 1e9); a negative delta prints its magnitude after '-'.
  std::string out;
  if (seconds < 0) {
    out += '-';
    if (nanos > 0) {
      seconds = -seconds - 1;
      nanos = 1000000000 - nanos;
    } else {
      seconds = -seconds;
    }
  }
  out += 'P';
  if (seconds == 0 && nanos == 0) return out + "0D";
  out += fmt::format("T{}", seconds);
  if (nanos > 0) {
    std::string fraction = fmt::format("{:09}", nanos);
    while (fraction.back() == '0') fraction.pop_back();
    out += '.' + fraction;
  }
  return out + 'S';
}

}  // namespace chunkhouse::format
