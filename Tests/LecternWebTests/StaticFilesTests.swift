import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternTestSupport
import Testing

@testable import LecternWeb

@Suite final class StaticFilesTests {
    let site: TestSite
    let publicFolder: URL

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        publicFolder = site.folder.appendingPathComponent("Public")
        let manager = FileManager.default
        try manager.createDirectory(at: publicFolder.appendingPathComponent("css"), withIntermediateDirectories: true)
        try manager.createDirectory(at: publicFolder.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try manager.copyItem(atPath: TestSite.publicFolder + "/css/site.css", toPath: publicFolder.appendingPathComponent("css/site.css").path)
        try "0123456789abcdefghijklm".write(to: publicFolder.appendingPathComponent("letters.txt"), atomically: true, encoding: .utf8)
        try "SECRET=1\n".write(to: publicFolder.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        try "[core]\n".write(to: publicFolder.appendingPathComponent(".git/config"), atomically: true, encoding: .utf8)
        try "body{}".write(to: publicFolder.appendingPathComponent("css/.hidden.css"), atomically: true, encoding: .utf8)
        try "plans".write(to: publicFolder.appendingPathComponent("notes.xyz"), atomically: true, encoding: .utf8)
        try "classified-42".write(to: site.folder.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
        try manager.createSymbolicLink(atPath: publicFolder.appendingPathComponent("outside.txt").path, withDestinationPath: site.folder.appendingPathComponent("secret.txt").path)
        try manager.createSymbolicLink(atPath: publicFolder.appendingPathComponent("inside.txt").path, withDestinationPath: "letters.txt")
    }

    deinit { site.delete() }

    func app() async throws -> some ApplicationProtocol {
        var configuration = testConfiguration(site)
        configuration.publicPath = publicFolder.path
        return try await buildApplication(configuration)
    }

    @Test func rangesFollowRFC9110() {
        #expect(ByteRange.parse("bytes=-10", size: 23) == .part(13..<23))
        #expect(ByteRange.parse("bytes=-100", size: 23) == .part(0..<23))
        #expect(ByteRange.parse("bytes=0-9", size: 23) == .part(0..<10))
        #expect(ByteRange.parse("bytes=20-", size: 23) == .part(20..<23))
        #expect(ByteRange.parse("bytes=20-99", size: 23) == .part(20..<23))
        #expect(ByteRange.parse("bytes=23-", size: 23) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=99999999-", size: 23) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=-0", size: 23) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=99999999999999999999999-", size: 23) == .whole)
        for ignored in ["bytes=5-2", "bytes=abc", "bytes=0-1,4-5", "items=0-1", "bytes=-", "bytes= 1 - 2"] {
            #expect(ByteRange.parse(ignored, size: 23) == .whole)
        }
        #expect(ByteRange.parse("bytes=0-1", size: 23, ifRange: "\"old\"", etag: "\"new\"") == .whole)
    }

    @Test func aSuffixRangeGivesTheLastBytesAndAnUnsatisfiableOneSaysTheSize() async throws {
        try await app().test(.router) { client in
            let tail = try await client.get("/letters.txt", headers: [.range: "bytes=-10"])
            #expect(tail.status == .partialContent)
            #expect(tail.body == "defghijklm")
            #expect(tail.headers[.contentRange] == "bytes 13-22/23")
            #expect(tail.headers[.contentLength] == "10")
            for past in ["bytes=23-", "bytes=99999999-"] {
                let refused = try await client.get("/letters.txt", headers: [.range: past])
                #expect(refused.status == .rangeNotSatisfiable)
                #expect(refused.headers[.contentRange] == "bytes */23")
                #expect(refused.body.isEmpty)
            }
        }
    }

    @Test func validatorsAnswerNotModified() async throws {
        try await app().test(.router) { client in
            let first = try await client.get("/css/site.css")
            #expect(first.status == .ok)
            let etag = try #require(first.headers[.eTag])
            #expect(!etag.hasPrefix("W/"))
            let lastModified = try #require(first.headers[.lastModified])
            #expect(try await client.get("/css/site.css", headers: [.ifNoneMatch: etag]).status == .notModified)
            #expect(try await client.get("/css/site.css", headers: [.ifNoneMatch: "\"other\", \(etag)"]).status == .notModified)
            #expect(try await client.get("/css/site.css", headers: [.ifNoneMatch: "*"]).status == .notModified)
            #expect(try await client.get("/css/site.css", headers: [.ifNoneMatch: "\"other\""]).status == .ok)
            #expect(try await client.get("/css/site.css", headers: [.ifModifiedSince: lastModified]).status == .notModified)
            #expect(try await client.get("/css/site.css", headers: [.ifModifiedSince: "Sat, 01 Jan 2000 00:00:00 GMT"]).status == .ok)
        }
    }

    @Test(arguments: ["/.env", "/.git/config", "/css/.hidden.css", "/%2eenv", "/css/%2Ehidden.css", "/outside.txt", "/notes.xyz", "/.git/"])
    func dotfilesSymlinksOutOfTheFolderAndUnknownTypesAreNeverServed(_ path: String) async throws {
        try await app().test(.router) { client in
            let page = try await client.get(path)
            #expect(page.status == .notFound)
            #expect(!page.body.contains("SECRET") && !page.body.contains("classified-42") && !page.body.contains("plans"))
        }
    }

    @Test func aSymlinkInsideTheFolderIsServed() async throws {
        try await app().test(.router) { client in
            let page = try await client.get("/inside.txt")
            #expect(page.body == "0123456789abcdefghijklm")
        }
    }

    @Test(arguments: ["//css", "//css/", "///evil.example", "//evil.example/x", "/%2F%2Fevil.example", "/css//", "/\\evil.example"])
    func noLocationPointsAtAnotherHost(_ path: String) async throws {
        try await app().test(.router) { client in
            let page = try await client.get(path)
            if let location = page.headers[.location] {
                #expect(!location.hasPrefix("//") && !location.hasPrefix("/\\"))
            }
        }
        #expect(SecurityHeadersMiddleware<AppRequestContext>.sameSiteLocation("//evil.example/x") == "/evil.example/x")
        #expect(SecurityHeadersMiddleware<AppRequestContext>.sameSiteLocation("/\\evil.example") == "/evil.example")
        #expect(SecurityHeadersMiddleware<AppRequestContext>.sameSiteLocation("/account") == nil)
    }

    @Test func aSecondHostHeaderIsRefused() async throws {
        try await app().test(.router) { client in
            let page = try await client.get("/", headers: [HTTPField.Name("Host")!: "evil.example"])
            #expect(page.status == .badRequest)
        }
    }
}
