import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

@testable import LecternWeb

@Suite struct JSONLogHandlerTests {
    @Test func eachEventIsOneJSONObjectOnOneLineWithTheRequestID() throws {
        let lines = NIOLockedValueBox<[String]>([])
        var logger = Logger(label: "lectern") { JSONLogHandler(label: $0) { line in lines.withLockedValue { $0.append(line) } } }
        logger[metadataKey: "hb.request.id"] = "abc123"
        logger.info("GET /courses 200\nwith a \"quote\"", metadata: ["ms": .stringConvertible(1.5)])
        let written = lines.withLockedValue { $0 }
        #expect(written.count == 1)
        #expect(written[0].hasSuffix("\n"))
        #expect(written[0].dropLast().contains("\n") == false)
        let object = try #require(JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: Any])
        #expect(object["message"] as? String == "GET /courses 200\nwith a \"quote\"")
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "lectern")
        #expect(object["request_id"] as? String == "abc123")
        #expect(object["ms"] as? String == "1.5")
        #expect((object["time"] as? String)?.hasPrefix("20") == true)
    }

    @Test func eventsBelowTheLevelAreNotWritten() {
        let lines = NIOLockedValueBox<[String]>([])
        var logger = Logger(label: "lectern") { JSONLogHandler(label: $0) { line in lines.withLockedValue { $0.append(line) } } }
        logger.logLevel = .warning
        logger.info("quiet")
        logger.error("loud")
        #expect(lines.withLockedValue { $0.count } == 1)
    }
}
