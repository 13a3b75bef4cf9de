import Hummingbird

/// The `?page=` of lists: absent means 1; anything but a whole number of 1 or more is a 400.
enum PageNumber {
    static let maximum = 1_000_000

    static func parse(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters.get("page") else { return 1 }
        guard let page = Int(text), page >= 1, page <= maximum else {
            throw HTTPError(.badRequest, message: "The page number must be a whole number of 1 or more, like ?page=2.")
        }
        return page
    }

    /// A page beyond the last is a 404, except page 1 of an empty list.
    static func ensureExists(_ page: Int, pageCount: Int) throws {
        if page > pageCount {
            throw HTTPError(.notFound, message: "There is no page \(page): this list has \(pageCount) page\(pageCount == 1 ? "" : "s").")
        }
    }
}
