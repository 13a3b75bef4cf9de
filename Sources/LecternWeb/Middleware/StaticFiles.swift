import Foundation
import HTTPTypes
import Hummingbird
import LecternCore
import Logging

/// Serves `Public/` from memory. Hummingbird's `FileMiddleware` is not used: its Range handling (2.28.1) answers
/// `bytes=-N` with the first N+1 bytes and a start past the end with a zero or negative Content-Length, which breaks
/// keep-alive framing; it also follows symlinks out of the folder and serves dotfiles.
///
/// The files are small, so they are read once at start: each with a strong ETag (a SHA-256 of its bytes) and its
/// modification time. Only regular files of known types inside the folder are served; a path with a segment that
/// starts with `.` is never served, and a symlink is served only when it resolves inside the folder.
struct StaticFiles<Context: RequestContext>: RouterMiddleware {
    struct File: Sendable {
        var bytes: ByteBuffer
        var contentType: String
        var etag: String
        var lastModified: Date
        var lastModifiedText: String
        var cacheControl: String
    }

    static var types: [String: String] {
        [
            "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "mjs": "text/javascript; charset=utf-8",
            "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
            "avif": "image/avif", "ico": "image/x-icon", "woff2": "font/woff2", "woff": "font/woff", "txt": "text/plain; charset=utf-8",
            "pdf": "application/pdf", "json": "application/json", "webmanifest": "application/manifest+json",
        ]
    }

    let files: [String: File]

    /// Reads every servable file under `folder`; logs (at debug) what it leaves out and why.
    init(folder: URL, logger: Logger) throws {
        let root = folder.resolvingSymlinksInPath().standardizedFileURL.path
        var files: [String: File] = [:]
        let manager = FileManager.default
        guard let walker = manager.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]) else {
            throw StartupError("public folder '\(folder.path)' cannot be read (set --public or LECTERN_PUBLIC to the folder that holds css/site.css)")
        }
        for case let url as URL in walker {
            let relative = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count))
            let real = url.resolvingSymlinksInPath().standardizedFileURL.path
            guard real.hasPrefix(root + "/") else {
                logger.debug("not serving \(relative): it resolves outside the public folder")
                continue
            }
            guard (try? URL(fileURLWithPath: real).resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            guard let type = Self.types[url.pathExtension.lowercased()] else {
                logger.debug("not serving \(relative): unknown type")
                continue
            }
            guard let data = manager.contents(atPath: real) else { continue }
            let modified = (try? manager.attributesOfItem(atPath: real)[.modificationDate] as? Date) ?? Date()
            // HTTP dates have whole seconds: keep the same precision for If-Modified-Since comparisons.
            let seconds = Date(timeIntervalSince1970: modified.timeIntervalSince1970.rounded(.down))
            let long = type.hasPrefix("text/css") || type.hasPrefix("image/") || type.hasPrefix("font/")
            files[relative] = File(
                bytes: ByteBuffer(bytes: data), contentType: type, etag: EntityTag.of(data), lastModified: seconds,
                lastModifiedText: HTTPDate.text(seconds), cacheControl: long ? "public, max-age=86400" : "public, max-age=3600")
        }
        self.files = files
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head, let path = request.uri.path.removingPercentEncoding else {
            return try await next(request, context)
        }
        if path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { throw HTTPError(.notFound) }
        guard let file = files[path] else { return try await next(request, context) }
        return respond(file, to: request)
    }

    func respond(_ file: File, to request: Request) -> Response {
        let size = file.bytes.readableBytes
        var headers: HTTPFields = [
            .contentType: file.contentType, .eTag: file.etag, .lastModified: file.lastModifiedText, .cacheControl: file.cacheControl,
            .acceptRanges: "bytes",
        ]
        if notModified(file, request.headers) { return Response(status: .notModified, headers: headers) }
        switch ByteRange.parse(request.headers[.range], size: size, ifRange: request.headers[.ifRange], etag: file.etag) {
        case .whole:
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.bytes))
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        case .part(let range):
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(size)"
            let slice = file.bytes.getSlice(at: file.bytes.readerIndex + range.lowerBound, length: range.count) ?? ByteBuffer()
            return Response(status: .partialContent, headers: headers, body: .init(byteBuffer: slice))
        }
    }

    /// RFC 9110 13.1.2 and 13.1.3: If-None-Match (weak comparison, `*` included) wins over If-Modified-Since.
    private func notModified(_ file: File, _ headers: HTTPFields) -> Bool {
        if !headers[values: .ifNoneMatch].isEmpty { return EntityTag.matches(headers, file.etag) }
        if let since = headers[.ifModifiedSince].flatMap(HTTPDate.parse) { return file.lastModified <= since }
        return false
    }
}

/// A `Range` header for one representation of `size` bytes (RFC 9110 14.2): one range or none. Several ranges, or a
/// header that does not parse, are ignored (the whole file is sent, as the RFC allows).
enum ByteRange: Equatable {
    case whole
    case part(Range<Int>)
    case unsatisfiable

    static func parse(_ header: String?, size: Int, ifRange: String? = nil, etag: String = "") -> ByteRange {
        guard let header, header.hasPrefix("bytes=") else { return .whole }
        // If-Range with another validator: the file changed, send it whole.
        if let ifRange, ifRange != etag { return .whole }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash]
        let last = spec[spec.index(after: dash)...]
        guard first.allSatisfy(\.isASCIIDigitCharacter), last.allSatisfy(\.isASCIIDigitCharacter), !(first.isEmpty && last.isEmpty),
            first.count <= 18, last.count <= 18
        else { return .whole }
        if first.isEmpty {
            // A suffix: the last N bytes.
            guard let length = Int(last), length > 0, size > 0 else { return .unsatisfiable }
            return .part(max(0, size - length)..<size)
        }
        guard let start = Int(first) else { return .whole }
        if let end = Int(last), end < start { return .whole }
        guard start < size else { return .unsatisfiable }
        let end = min(Int(last) ?? (size - 1), size - 1)
        return .part(start..<(end + 1))
    }
}

/// IMF-fixdate, the one date format HTTP sends (RFC 9110 5.6.7).
enum HTTPDate {
    private static let formatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }()
    private static let lock = NSLock()

    static func text(_ date: Date) -> String { lock.withLock { formatter.string(from: date) } }
    static func parse(_ text: String) -> Date? { lock.withLock { formatter.date(from: text) } }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isWholeNumber }
}
