import Foundation

import Glibc

/// Dates as the room reads them, in one time zone, without `DateFormatter`: creating one
/// costs more than reading a branch, and the class view shows a date per learner.
struct WallClock {
    let timeZone: TimeZone

    enum DateStyle {
        /// `14:02`
        case none
        /// `Nov 25 14:02`
        case short
        /// `2026-11-25 14:02`
        case full
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The calendar fields of `date` in `timeZone` (proleptic Gregorian, as `gmtime`).
    func fields(_ date: Date) -> tm {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down)) + time_t(timeZone.secondsFromGMT(for: date))
        var result = tm()
        gmtime_r(&seconds, &result)
        return result
    }

    /// Dates `gmtime` can take apart and a four-digit year can show: years 1 to 9999.
    /// A commit can claim any 64-bit time; outside this range a date is shown as `?`.
    static let showable = Date(timeIntervalSince1970: -62_135_596_800)...Date(timeIntervalSince1970: 253_402_300_799)

    func format(_ date: Date, dateStyle: DateStyle) -> String {
        guard Self.showable.contains(date) else { return "?" }
        let t = fields(date)
        let time = String(format: "%02d:%02d", t.tm_hour, t.tm_min)
        switch dateStyle {
        case .none: return time
        case .short: return "\(Self.months[Int(t.tm_mon)]) \(t.tm_mday) \(time)"
        case .full: return String(format: "%04d-%02d-%02d ", Int(t.tm_year) + 1900, Int(t.tm_mon) + 1, Int(t.tm_mday)) + time
        }
    }

    /// True when both dates fall on the same calendar day in `timeZone`.
    func sameDay(_ a: Date, _ b: Date) -> Bool {
        guard Self.showable.contains(a), Self.showable.contains(b) else { return false }
        let (x, y) = (fields(a), fields(b))
        return x.tm_year == y.tm_year && x.tm_yday == y.tm_yday
    }
}
