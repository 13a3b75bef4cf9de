import ArgumentParser
import Foundation

/// `--json`, shared by every command that prints something.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON for scripts instead of a table.")
    var json = false
}

/// `--dry-run`, shared by every command that changes something.
struct DryRunOption: ParsableArguments {
    @Flag(name: .long, help: "Check everything and say what would change, but change nothing.")
    var dryRun = false

    /// The last line of a dry run's human output.
    func sayNothingChanged() {
        if dryRun { say("Dry run: nothing was changed.") }
    }
}

/// Prints `value` as pretty JSON with sorted keys, dates as ISO 8601 in UTC.
func sayJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    encoder.keyEncodingStrategy = .convertToSnakeCase
    say(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// A plain-text table: a header row, then one row per record, columns padded to their widest cell.
struct Table {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns (by index) aligned to the right, such as counts.
    var numeric: Set<Int> = []
    /// Longer cells are cut with an ellipsis, so one long title does not wrap every row.
    var maxWidth = 48

    init(_ headers: String..., numeric: Set<Int> = []) {
        self.headers = headers
        self.numeric = numeric
    }

    mutating func add(_ cells: String...) {
        rows.append(cells)
    }

    func say() {
        let cut = rows.map { $0.map { $0.count > maxWidth ? String($0.prefix(maxWidth - 1)) + "…" : $0 } }
        let widths = headers.indices.map { column in ([headers] + cut).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        for row in [headers] + cut {
            let cells = row.indices.map { column -> String in
                let cell = row[column]
                let padding = String(repeating: " ", count: max(0, widths[column] - cell.count))
                if column == row.count - 1 && !numeric.contains(column) { return cell }
                return numeric.contains(column) ? padding + cell : cell + padding
            }
            LecternCLI.say(cells.joined(separator: "  "))
        }
    }
}

/// How the CLI shows times to people: UTC, to the minute.
enum DisplayDate {
    static func text(_ date: Date?) -> String {
        guard let date else { return "-" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    static func day(_ date: Date) -> String {
        String(text(date).prefix(10))
    }
}

/// A CSV field: quoted when it holds a comma, quote or line break; a leading =, +, - or @ is neutralised so a
/// spreadsheet never runs a learner's name as a formula.
func csvField(_ text: String) -> String {
    var text = text
    if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
    guard text.contains(where: { ",\"\n\r".contains($0) }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
