import Foundation
import LecternCore

/// Dates as people read them ("3 February 2026") and as machines do (RFC 3339), in the site's time zone.
struct DateText: Sendable {
    private static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]
    let calendar: Calendar

    init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    func long(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return "\(parts.day ?? 1) \(Self.months[(parts.month ?? 1) - 1]) \(parts.year ?? 1970)"
    }

    /// "3 February 2026, 14:05" in the site's zone.
    func longWithTime(_ date: Date) -> String {
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return long(date) + String(format: ", %02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// `2026-02-03` in the site's zone, for `<time datetime>`.
    func day(_ date: Date) -> String {
        ContentDate.day(date, timeZone: calendar.timeZone)
    }

    func year(_ date: Date) -> Int {
        calendar.component(.year, from: date)
    }

    /// RFC 3339 in UTC, for Atom and sitemaps.
    static func rfc3339(_ date: Date) -> String {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let p = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", p.year ?? 1970, p.month ?? 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0)
    }
}
