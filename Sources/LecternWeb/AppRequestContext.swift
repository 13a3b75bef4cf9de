import Hummingbird

/// The one request context of the application.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    /// HTML forms are small; refuse big bodies before decoding them.
    public var maxUploadSize: Int { 64 * 1024 }
}
