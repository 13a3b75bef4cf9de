import ArgumentParser
import Foundation
import LecternCore
import LecternServices
import LecternStore

extension TokenScope: ExpressibleByArgument {}

/// `lectern token …`: personal access tokens for programs, made for an account by the operator.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke personal access tokens for the API.",
        discussion: """
            A token lets a program act for one account: `read` (public content and the account's own progress), `learn` \
            (also enrol, complete lessons, answer quizzes, submit work) or `admin` (also manage courses and enrolments; \
            administrators only). Only a hash is stored: the secret is printed once. Learners make their own on the \
            account page.
            """,
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a token for an account and print its secret (once).",
            discussion: """
                The secret goes to standard output alone, so it can be captured; what it is goes to standard error.

                Examples:
                  lectern token create ada@example.com --scope read --name "Progress dashboard"
                  lectern token create ops@example.com --scope admin --name "HR sync" --expires 2027-06-30
                """
        )

        @OptionGroup var site: SiteOptions
        @Argument(help: "The account's address.") var email: String
        @Option(name: .long, help: "read, learn or admin.") var scope: TokenScope
        @Option(name: .long, help: "What the token is for (1 to 60 characters).") var name = "Created with lectern token create"
        @Option(name: .long, help: ArgumentHelp("Last day it works (UTC), as YYYY-MM-DD, or YYYY-MM-DD HH:MM.", valueName: "date"))
        var expires: String?
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard AccessToken.name(name) != nil else { throw ValidationError("--name must be 1 to \(AccessToken.maxNameLength) characters") }
            if let expires, CodeExpiry.parse(expires) == nil {
                throw ValidationError("--expires must be a date such as 2027-06-30 or 2027-06-30 17:00, not '\(expires)'")
            }
        }

        func run() async throws {
            let database = try await site.openDatabase(dryRun: dryRun.dryRun)
            let user = try await Lookup.account(email, in: database)
            let made: (token: AccessTokenRecord, secret: String)
            do {
                made = try await Administration(database: database).issueToken(
                    for: user, name: name, scope: scope, expiresAt: expires.flatMap(CodeExpiry.parse))
            } catch let error as AccessTokenError {
                throw fail(TokenCommand.explain(error, email: user.email))
            } catch let problems as AccountProblems where problems[.tokenScope] != nil {
                throw fail(TokenCommand.explain(.scopeAboveRole, email: user.email))
            }
            if output.json {
                struct JSON: Encodable {
                    var token: TokenJSON
                    var secret: String
                    var dryRun: Bool
                }
                return try sayJSON(JSON(token: TokenJSON(made.token, email: user.email), secret: made.secret, dryRun: dryRun.dryRun))
            }
            say(made.secret)
            let expiry = made.token.expiresAt.map { ", working until \(DisplayDate.text($0)) UTC" } ?? ", without an expiry date"
            warn("\(dryRun.dryRun ? "Would create" : "Created") token \(made.token.id) (\(made.token.scope.rawValue)) for \(user.email)\(expiry).")
            warn(dryRun.dryRun ? "Dry run: nothing was changed; that secret works nowhere." : "Copy the secret now: it is not stored and cannot be shown again.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List tokens (all, or one account's), newest first, with their state and last use.",
            discussion: "Examples:\n  lectern token list\n  lectern token list ada@example.com --json")

        @OptionGroup var site: SiteOptions
        @Argument(help: "Only this account's tokens.") var email: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase()
            var user: User?
            if let email { user = try await Lookup.account(email, in: database) }
            let tokens = try await Administration(database: database).tokens(of: user)
            if output.json { return try sayJSON(tokens.map { TokenJSON($0.token, email: $0.email) }) }
            guard !tokens.isEmpty else { return say(email.map { "\($0) has no tokens." } ?? "No tokens yet: make one with `lectern token create`.") }
            let now = Date()
            var table = Table("ID", "ACCOUNT", "NAME", "SCOPE", "STATE", "LAST USED", "EXPIRES", numeric: [0])
            for (token, email) in tokens {
                table.add(
                    "\(token.id)", email, token.name, token.scope.rawValue, token.state(at: now), token.lastUsedAt.map(DisplayDate.text) ?? "never",
                    token.expiresAt.map(DisplayDate.text) ?? "-")
            }
            table.say()
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token: the next request with it is refused (401).",
            discussion: "Example:\n  lectern token revoke 12")

        @OptionGroup var site: SiteOptions
        @Argument(help: "The token's id, from `lectern token list`.") var id: Int64
        @OptionGroup var dryRun: DryRunOption

        func run() async throws {
            let administration = Administration(database: try await site.openDatabase(dryRun: dryRun.dryRun))
            let revoked: Bool
            do {
                revoked = try await administration.revokeToken(id)
            } catch AdministrationRefusal.noSuchToken {
                throw fail("no token has the id \(id) (see `lectern token list`)")
            }
            say(revoked ? "\(dryRun.dryRun ? "Would revoke" : "Revoked") token \(id)." : "Token \(id) is already revoked; nothing to do.")
            dryRun.sayNothingChanged()
        }
    }

    static func explain(_ error: AccessTokenError, email: String) -> String {
        switch error {
        case .invalidName: "--name must be 1 to \(AccessToken.maxNameLength) characters"
        case .scopeAboveRole: "\(email) is not an administrator: an admin token would do more than its owner can; use --scope learn or read"
        case .expiryInThePast: "--expires is in the past: the token would never work"
        case .tooMany: "\(email) already has \(AccessToken.maxActivePerAccount) active tokens: revoke one first (`lectern token list \(email)`)"
        }
    }
}

struct TokenJSON: Encodable {
    var id: Int64
    var account: String
    var name: String
    var hint: String
    var scope: String
    var state: String
    var createdAt: Date
    var expiresAt: Date?
    var lastUsedAt: Date?
    var revokedAt: Date?

    init(_ token: AccessTokenRecord, email: String) {
        id = token.id
        account = email
        name = token.name
        hint = token.hint
        scope = token.scope.rawValue
        state = token.state(at: Date())
        createdAt = token.createdAt
        expiresAt = token.expiresAt
        lastUsedAt = token.lastUsedAt
        revokedAt = token.revokedAt
    }
}
