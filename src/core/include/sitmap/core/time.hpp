// ISO 8601 timestamps as stored in the database ("2026-11-28T16:40:00", local time of the centre,
// no zone) and as seconds since 1970-01-01T00:00:00 in the same clock for analysis.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sitmap {

std::optional<int64_t> parse_iso_time(std::string_view text);  // accepts date, "T" or " " separator
std::string format_iso_time(int64_t seconds);                   // "YYYY-MM-DDTHH:MM:SS"
int64_t days_from_civil(int y, unsigned m, unsigned d);
struct CivilDate {
  int year;
  unsigned month, day;
};
CivilDate civil_from_days(int64_t days);  // the inverse of days_from_civil
// Inline: a million-row incident table calls both per row, and they share the day.
inline int64_t day_of(int64_t seconds) { return seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400; }
// 0 = Monday .. 6 = Sunday; 1970-01-01 was a Thursday (index 3).
inline int weekday(int64_t seconds) { return static_cast<int>(((day_of(seconds) + 3) % 7 + 7) % 7); }
inline int hour_of_day(int64_t seconds) { return static_cast<int>((seconds - day_of(seconds) * 86400) / 3600); }  // 0 .. 23

// Half-open [from, to): `from` included, `to` excluded.
struct TimeRange {
  int64_t from = INT64_MIN;
  int64_t to = INT64_MAX;
  bool contains(int64_t t) const { return t >= from && t < to; }
  bool bounded() const { return from != INT64_MIN && to != INT64_MAX; }
  bool operator==(const TimeRange&) const = default;
};

}  // namespace sitmap
