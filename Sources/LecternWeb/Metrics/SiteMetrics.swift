import CoreMetrics
import Prometheus

/// What `/metrics` shows, in Prometheus text: Hummingbird's request counts and latency histograms by route and
/// status (`MetricsMiddleware`, through swift-metrics, which the executable bootstraps once with this registry), and
/// Lectern's own meters below, registered on it directly so they count whether or not swift-metrics was bootstrapped.
public enum SiteMetrics {
    public static let registry = PrometheusCollectorRegistry()

    /// Sends every swift-metrics meter of the process to `registry`. Call once, before building the application.
    public static func bootstrap() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    /// Lectern's own meters, registered together at first use (by a request, or by `/metrics` itself).
    static let own = OwnMeters(registry: registry)
}

/// The meters Lectern keeps itself (Hummingbird's are made through swift-metrics).
struct OwnMeters: Sendable {
    let pageCacheHits: Prometheus.Counter
    let pageCacheMisses: Prometheus.Counter
    let passwordHashesInFlight: Prometheus.Gauge
    let liveConnections: Prometheus.Gauge

    init(registry: PrometheusCollectorRegistry) {
        pageCacheHits = registry.makeCounter(name: "lectern_page_cache_hits_total", help: "Anonymous pages answered from the page cache.")
        pageCacheMisses = registry.makeCounter(
            name: "lectern_page_cache_misses_total", help: "Anonymous pages rendered because the page cache had no fresh copy.")
        passwordHashesInFlight = registry.makeGauge(
            name: "lectern_password_hashes_in_flight", help: "argon2id hashes being computed or waiting for a thread.")
        liveConnections = registry.makeGauge(name: "lectern_live_connections", help: "Open live connections (/live).")
    }
}
