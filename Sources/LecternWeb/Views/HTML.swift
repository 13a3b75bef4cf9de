import Hummingbird

/// A rendered document with the given status: an HTML page, or the feed's or sitemap's XML.
struct HTML: ResponseGenerator {
    static let htmlType = "text/html; charset=utf-8"

    var body: String
    var status: HTTPResponse.Status = .ok
    var headers: HTTPFields = [:]
    var contentType = HTML.htmlType

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
